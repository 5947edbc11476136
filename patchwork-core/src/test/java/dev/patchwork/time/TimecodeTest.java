package dev.patchwork.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimecodeTest {

  /**
   * Enumerates every label of a day independently of {@link Timecode}: nested counters, skipping the labels
   * drop-frame skips. Frame n of the day must format to the n-th label and parse back to n.
   */
  private static void roundTripWholeDay(FrameRate rate, boolean dropFrame) {
    int base = rate.timecodeBase();
    int drop = dropFrame ? base / 15 : 0;
    long n = 0;
    char sep = dropFrame ? ';' : ':';
    for (int h = 0; h < 24; h++) {
      for (int m = 0; m < 60; m++) {
        for (int s = 0; s < 60; s++) {
          for (int f = 0; f < base; f++) {
            if (dropFrame && s == 0 && f < drop && m % 10 != 0) continue;
            String label = String.format(Locale.ROOT, "%02d:%02d:%02d%c%02d", h, m, s, sep, f);
            Timecode tc = Timecode.ofFrame(n, rate, dropFrame);
            if (!tc.toString().equals(label)) {
              throw new AssertionError("frame " + n + " formats as " + tc + ", expected " + label);
            }
            if (Timecode.parse(label, rate).frameOfDay() != n) {
              throw new AssertionError(label + " parses to " + Timecode.parse(label, rate).frameOfDay() + ", expected " + n);
            }
            n++;
          }
        }
      }
    }
    assertThat(n).isEqualTo(Timecode.framesPerDay(rate, dropFrame));
  }

  @Test
  void everyFrameOf24HoursRoundTripsAt2997DropFrame() {
    roundTripWholeDay(FrameRate.FPS_29_97, true);
  }

  @Test
  void everyFrameOf24HoursRoundTripsAt5994DropFrame() {
    roundTripWholeDay(FrameRate.FPS_59_94, true);
  }

  @Test
  void everyFrameOf24HoursRoundTripsNonDrop() {
    roundTripWholeDay(FrameRate.FPS_23_976, false);
    roundTripWholeDay(FrameRate.FPS_25, false);
  }

  @ParameterizedTest
  @CsvSource({
    // well-known SMPTE reference points
    "00:01:00;02, 30000/1001, 1800",
    "00:10:00;00, 30000/1001, 17982",
    "01:00:00;00, 30000/1001, 107892",
    "00:01:00;04, 60000/1001, 3600",
    "00:02:00;04, 60000/1001, 7196",
    "01:00:00;00, 60000/1001, 215784",
    "01:00:00:00, 24000/1001, 86400",
    "01:00:00:00, 25/1, 90000",
    "23:59:59:24, 25/1, 2159999",
  })
  void knownLabels(String label, String rate, long frame) {
    Timecode tc = Timecode.parse(label, FrameRate.parse(rate));
    assertThat(tc.frameOfDay()).isEqualTo(frame);
    assertThat(tc).hasToString(label);
  }

  @Test
  void rejectsLabelsThatDoNotExistInDropFrame() {
    assertThatThrownBy(() -> Timecode.parse("01:01:00;00", FrameRate.FPS_29_97))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist in drop-frame");
    assertThatThrownBy(() -> Timecode.parse("01:01:00;01", FrameRate.FPS_29_97)).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> Timecode.parse("00:03:00;03", FrameRate.FPS_59_94)).hasMessageContaining("does not exist");
    // minute 10 keeps its labels
    assertThat(Timecode.parse("00:10:00;00", FrameRate.FPS_29_97).frameOfDay()).isEqualTo(17982);
    assertThat(Timecode.parse("01:01:00;02", FrameRate.FPS_29_97)).hasToString("01:01:00;02");
  }

  @Test
  void rejectsDropFrameAtRatesWithoutIt() {
    assertThatThrownBy(() -> Timecode.parse("01:00:00;00", FrameRate.FPS_25)).hasMessageContaining("drop-frame");
    assertThatThrownBy(() -> Timecode.parse("01:00:00;00", FrameRate.FPS_23_976)).hasMessageContaining("drop-frame");
  }

  @ParameterizedTest
  @CsvSource({"24:00:00:00", "00:60:00:00", "00:00:60:00", "00:00:00:25", "1:00:00:00", "01:00:00", "aa:bb:cc:dd", "01-00-00-00", "''"})
  void rejectsMalformedLabels(String label) {
    assertThatThrownBy(() -> Timecode.parse(label, FrameRate.FPS_25)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void framesSinceAStartTimecodeAndWrapAtMidnight() {
    Timecode start = Timecode.parse("01:00:00:00", FrameRate.FPS_24);
    assertThat(Timecode.parse("01:00:10:12", FrameRate.FPS_24).framesSince(start)).isEqualTo(252);
    Timecode late = Timecode.parse("23:59:59:23", FrameRate.FPS_24);
    assertThat(late.plus(1)).hasToString("00:00:00:00");
    assertThat(Timecode.parse("00:00:00:01", FrameRate.FPS_24).framesSince(late)).isEqualTo(2);
    Timecode df = Timecode.parse("00:00:59;29", FrameRate.FPS_29_97);
    assertThat(df.plus(1)).hasToString("00:01:00;02");
    assertThatThrownBy(() -> df.framesSince(start)).hasMessageContaining("differ");
  }

  @Test
  void acceptsAlternativeDropFrameSeparators() {
    assertThat(Timecode.parse("00:01:00.02", FrameRate.FPS_29_97).dropFrame()).isTrue();
    assertThat(Timecode.parse("00;01;00;02", FrameRate.FPS_29_97).frameOfDay()).isEqualTo(1800);
    assertThat(Timecode.parse("00:01:00:02", FrameRate.FPS_29_97).dropFrame()).isFalse();
  }

  @Test
  void fieldAccessors() {
    Timecode tc = Timecode.parse("10:20:30;15", FrameRate.FPS_29_97);
    assertThat(tc.hours()).isEqualTo(10);
    assertThat(tc.minutes()).isEqualTo(20);
    assertThat(tc.seconds()).isEqualTo(30);
    assertThat(tc.frames()).isEqualTo(15);
  }
}
