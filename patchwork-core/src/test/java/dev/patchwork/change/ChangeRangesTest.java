package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.FPS_24;
import static dev.patchwork.change.Fixtures.FPS_2997;
import static dev.patchwork.change.Fixtures.PROMO_DF;
import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static dev.patchwork.change.Fixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ValidationException.Problem;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChangeRangesTest {

  @Test
  void startPlusCountIsZeroBasedMasterFrames() {
    Change c = ChangeRanges.parse("240+48", TIMELINE_1);
    assertThat(c.range()).isEqualTo(FrameRange.of(240, 288));
    assertThat(c.origin()).isEqualTo("--change 240+48");
    assertThat(c.name()).isNull();
  }

  @Test
  void theFirstAndLastFramesOfTheMasterAreInside() {
    assertThat(ChangeRanges.parse("0+1", TIMELINE_1).range()).isEqualTo(FrameRange.of(0, 1));
    assertThat(ChangeRanges.parse(" 3599 + 1 ", TIMELINE_1).range()).isEqualTo(FrameRange.of(3599, 3600));
  }

  @Test
  void timecodesAreReadAgainstTheMastersStartWithAnExclusiveOut() {
    // Master starts at 01:00:00:00: ten seconds in at 24 fps is frame 240; two seconds are 48 frames.
    Change c = ChangeRanges.parse("01:00:10:00-01:00:12:00", TIMELINE_1);
    assertThat(c.range()).isEqualTo(FrameRange.of(10 * 24, 12 * 24));
    assertThat(c.origin()).isEqualTo("--change 01:00:10:00-01:00:12:00");
    assertThat(ChangeRanges.parse(" 01:00:10:00 - 01:00:10:01 ", TIMELINE_1).range()).isEqualTo(FrameRange.of(240, 241));
  }

  @Test
  void theStartTimecodeOverrideMovesEveryTimecodeRange() {
    ChangeContext leader = TIMELINE_1.withStartTimecode(Timecode.parse("00:59:50:00", FPS_24));
    // 01:00:10:00 is 20 s after 00:59:50:00.
    assertThat(ChangeRanges.parse("01:00:10:00-01:00:12:00", leader).range()).isEqualTo(FrameRange.of(20 * 24, 22 * 24));
  }

  @Test
  void dropFrameLabelsCountRealFramesAcrossTheMinute() {
    // 01:00:59;29 is frame 59*30+29 = 1799; the next label is 01:01:00;02 (;00 and ;01 are skipped), frame 1800.
    Change c = ChangeRanges.parse("01:00:59;29-01:01:00;03", PROMO_DF);
    assertThat(c.range()).isEqualTo(FrameRange.of(1799, 1801));
  }

  @Test
  void nonDropLabelsOnADropFrameMasterAreReadAgainstTheSameStartLabel() {
    // The master starts at 01:00:00;00. Non-drop labels are counted from 01:00:00:00: 60 s * 30 = 1800.
    Change c = ChangeRanges.parse("01:01:00:00-01:01:00:02", PROMO_DF);
    assertThat(c.range()).isEqualTo(FrameRange.of(1800, 1802));
  }

  @Test
  void aStartLabelThatDoesNotExistInDropFrameIsReportedForDropFrameLabels() {
    FrameRate rate = FPS_2997;
    ChangeContext ndf = new ChangeContext(rate, Timecode.parse("01:01:00:00", rate), 1000);
    Problem p = problem(() -> ChangeRanges.parse("01:01:00;02-01:01:00;04", ndf));
    assertThat(p.message()).contains("01:01:00:00").contains("does not exist in drop-frame");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10+0", "0+0"})
  void anEmptyCountIsRejected(String text) {
    Problem p = problem(() -> ChangeRanges.parse(text, TIMELINE_1));
    assertThat(p.where()).isEqualTo("--change " + text);
    assertThat(p.message()).contains("COUNT must be at least 1");
  }

  @Test
  void negativeNumbersAreRejected() {
    assertThat(problem(() -> ChangeRanges.parse("-5+3", TIMELINE_1)).message()).contains("START must be 0 or more");
    assertThat(problem(() -> ChangeRanges.parse("5+-3", TIMELINE_1)).message()).contains("COUNT must be at least 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"01:00:12:00-01:00:10:00", "01:00:10:00-01:00:10:00"})
  void anOutNotAfterTheInIsRejected(String text) {
    assertThat(problem(() -> ChangeRanges.parse(text, TIMELINE_1)).message()).contains("must come after TCIN");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "garbage", "10-20", "10+", "+5", "1:00:10:00-1:00:12:00", "01:00:10:00+48", "10..20",
      "01:00:10:00-", "01:00:10:00-01:00:12:00-01:00:13:00"})
  void garbageIsRejectedNamingBothForms(String text) {
    Problem p = problem(() -> ChangeRanges.parse(text, TIMELINE_1));
    assertThat(p.where()).isEqualTo(("--change " + text).strip());
    assertThat(p.message()).contains("not a range").contains("START+COUNT").contains("TCIN-TCOUT");
  }

  @Test
  void aRangePastTheEndShowsTheMasterInFramesAndTimecode() {
    Problem p = problem(() -> ChangeRanges.parse("3599+2", TIMELINE_1));
    assertThat(p.where()).isEqualTo("--change 3599+2");
    // 3600 frames at 24 fps from 01:00:00:00: the last is 149 s + 23 frames later.
    assertThat(p.message()).contains("covers master frames 3599..3600", "1 frame past the master's last frame",
        "frames 0..3599", "01:00:00:00 to 01:02:29:23", "3600 frames at 24 fps");
  }

  @Test
  void aRangeWhollyAfterTheMasterIsRejected() {
    Problem p = problem(() -> ChangeRanges.parse("01:03:00:00-01:03:01:00", TIMELINE_1));
    assertThat(p.message()).contains("after the master's last frame").contains("01:00:00:00 to 01:02:29:23");
  }

  @Test
  void aRangeBeforeTheMastersStartIsRejectedNotWrapped() {
    Problem p = problem(() -> ChangeRanges.parse("00:59:59:00-01:00:01:00", TIMELINE_1));
    assertThat(p.message()).contains("starts 24 frames before the master's first frame").contains("frames 0..3599");
  }

  @Test
  void framesBeyondTheRateAreRejected() {
    Problem p = problem(() -> ChangeRanges.parse("01:00:10:30-01:00:12:00", TIMELINE_1));
    assertThat(p.message()).contains("frames must be 00-23").contains("24 fps");
  }

  @Test
  void dropFrameLabelsAreRejectedWhereDropFrameDoesNotExist() {
    ChangeContext pal = ChangeContext.of(FrameRate.FPS_25, 1000);
    assertThat(problem(() -> ChangeRanges.parse("00:00:10;00-00:00:12;00", pal)).message()).contains("drop-frame");
  }

  @Test
  void mixedDropFrameModesAreRejected() {
    assertThat(problem(() -> ChangeRanges.parse("01:00:10;00-01:00:12:00", PROMO_DF)).message()).contains("mix drop-frame");
  }
}
