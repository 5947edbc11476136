package dev.patchwork.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameRateTest {

  @Test
  void reducesAtConstructionSoEqualRatesAreEqual() {
    FrameRate a = new FrameRate(48000, 2002);
    assertThat(a.numerator()).isEqualTo(24000);
    assertThat(a.denominator()).isEqualTo(1001);
    assertThat(a).isEqualTo(FrameRate.FPS_23_976).hasSameHashCodeAs(FrameRate.FPS_23_976);
    assertThat(new FrameRate(50, 2)).isEqualTo(FrameRate.FPS_25);
    assertThat(new FrameRate(-30000, -1001)).isEqualTo(FrameRate.FPS_29_97);
  }

  @ParameterizedTest
  @CsvSource({
    "23.976, 24000, 1001", "23.98, 24000, 1001", "24000/1001, 24000, 1001", "24, 24, 1", "24.000, 24, 1",
    "25, 25, 1", "29.97, 30000, 1001", "30, 30, 1", "47.952, 48000, 1001", "48, 48, 1", "50, 50, 1",
    "59.94, 60000, 1001", "60, 60, 1", "119.88, 120000, 1001", "12.5, 25, 2", " 30000/1001 , 30000, 1001"
  })
  void parsesDecimalAndRationalForms(String text, long num, long den) {
    assertThat(FrameRate.parse(text)).isEqualTo(new FrameRate(num, den));
  }

  @ParameterizedTest
  @CsvSource({"abc", "0", "-25", "25/0", "1/", "''", "0/1001"})
  void rejectsNonRates(String text) {
    assertThatThrownBy(() -> FrameRate.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void timecodeBaseAndDropFrameSupport() {
    assertThat(FrameRate.FPS_23_976.timecodeBase()).isEqualTo(24);
    assertThat(FrameRate.FPS_29_97.timecodeBase()).isEqualTo(30);
    assertThat(FrameRate.FPS_59_94.timecodeBase()).isEqualTo(60);
    assertThat(FrameRate.FPS_25.timecodeBase()).isEqualTo(25);
    assertThat(FrameRate.FPS_29_97.supportsDropFrame()).isTrue();
    assertThat(FrameRate.FPS_59_94.supportsDropFrame()).isTrue();
    assertThat(FrameRate.FPS_23_976.supportsDropFrame()).isFalse();
    assertThat(FrameRate.FPS_30.supportsDropFrame()).isFalse();
  }

  @Test
  void formatsForToolsAndPeopleWithoutLocale() {
    assertThat(FrameRate.FPS_29_97).hasToString("30000/1001");
    assertThat(FrameRate.FPS_23_976.toDecimalString()).isEqualTo("23.976");
    assertThat(FrameRate.FPS_25.toDecimalString()).isEqualTo("25");
    // 1001 frames at 24000/1001 last exactly 1001*1001/24000 s = 41.750041666... s
    assertThat(FrameRate.FPS_23_976.secondsText(1001, 6)).isEqualTo("41.750042");
    assertThat(FrameRate.FPS_25.secondsText(50, 3)).isEqualTo("2.000");
  }

  @Test
  void comparesByValue() {
    assertThat(FrameRate.FPS_23_976).isLessThan(FrameRate.FPS_24);
    assertThat(FrameRate.FPS_60.compareTo(new FrameRate(120, 2))).isZero();
  }

  @Test
  void framesInSecondsIsExact() {
    // one hour at 29.97 is 107892.1... frames; floor is 107892
    assertThat(FrameRate.FPS_29_97.framesIn(3600, 1)).isEqualTo(107892);
    assertThat(FrameRate.FPS_25.framesIn(3, 2)).isEqualTo(37);
  }
}
