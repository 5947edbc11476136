package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.FPS_24;
import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import org.junit.jupiter.api.Test;

class ChangeContextTest {

  @Test
  void describesTheMasterInFramesAndTimecode() {
    assertThat(TIMELINE_1.describeMaster()).isEqualTo("frames 0..3599 (01:00:00:00 to 01:02:29:23, 3600 frames at 24 fps)");
    assertThat(ChangeContext.of(FrameRate.FPS_29_97, 30).describeMaster())
        .isEqualTo("frames 0..29 (00:00:00:00 to 00:00:00:29, 30 frames at 29.97 fps)");
  }

  @Test
  void theMasterRangeAndLabels() {
    assertThat(TIMELINE_1.masterRange()).isEqualTo(FrameRange.of(0, 3600));
    assertThat(TIMELINE_1.timecodeAt(24)).isEqualTo(Timecode.parse("01:00:01:00", FPS_24));
  }

  @Test
  void theStartOverrideKeepsRateAndLength() {
    ChangeContext moved = TIMELINE_1.withStartTimecode(Timecode.parse("10:00:00:00", FPS_24));
    assertThat(moved.rate()).isEqualTo(FPS_24);
    assertThat(moved.frameCount()).isEqualTo(3600);
    assertThat(moved.startTimecode().hours()).isEqualTo(10);
  }

  @Test
  void aStartTimecodeAtAnotherRateOrAnEmptyMasterIsRejected() {
    assertThatThrownBy(() -> new ChangeContext(FPS_24, Timecode.zero(FrameRate.FPS_25, false), 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("25 fps");
    assertThatThrownBy(() -> ChangeContext.of(FPS_24, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
