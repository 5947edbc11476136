package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InsertTest {

  private static final ChangeContext HOUR = new ChangeContext(FrameRate.FPS_24, Timecode.parse("01:00:00:00", FrameRate.FPS_24), 2400);
  private static final ChangeContext DF = new ChangeContext(FrameRate.FPS_29_97, Timecode.parse("00:59:59;28", FrameRate.FPS_29_97), 3000);

  @Test
  void frameNumber() {
    Insert i = Insert.parse("480=shot12_v2.mov", HOUR);
    assertThat(i.frame()).isEqualTo(480);
    assertThat(i.clip()).isEqualTo(Path.of("shot12_v2.mov"));
    assertThat(i).hasToString("480=shot12_v2.mov");
  }

  @Test
  void timecodeInTheMastersTimecode() {
    // 01:00:20:00 at 24 fps is 20 s = 480 frames after the start 01:00:00:00
    assertThat(Insert.parse("01:00:20:00=a.mov", HOUR).frame()).isEqualTo(480);
    // drop-frame: 00:59:59;28 is frame 0, so 01:00:00;00 is frame 2; 01:00:00;00 to 01:00:59;29 are 1800 frames and the
    // labels 01:01:00;00 and ;01 do not exist, so 01:01:00;02 is the next frame
    assertThat(Insert.parse("01:00:00;00=a.mov", DF).frame()).isEqualTo(2);
    assertThat(Insert.parse("01:01:00;02=a.mov", DF).frame()).isEqualTo(2 + 1800);
  }

  @Test
  void clipMayHoldSpacesEqualsAndNonAscii() {
    Insert i = Insert.parse("10=/tmp/Mäster Ördner/shot=2 名前.mov", HOUR);
    assertThat(i.frame()).isEqualTo(10);
    assertThat(i.clip()).isEqualTo(Path.of("/tmp/Mäster Ördner/shot=2 名前.mov"));
  }

  @Test
  void badSpecsNameTheArgument() {
    assertProblem("shot.mov", "--insert shot.mov", "FRAME=CLIP");
    assertProblem("480=", "--insert 480=", "FRAME=CLIP");
    assertProblem("abc=x.mov", "--insert abc=x.mov", "neither a master frame number");
    assertProblem("2400=x.mov", "--insert 2400=x.mov", "outside the master");
    assertProblem("00:59:00:00=x.mov", "--insert 00:59:00:00=x.mov", "before the master's first frame");
    assertProblem("01:00:00:30=x.mov", "--insert 01:00:00:30=x.mov", "");
  }

  @Test
  void changesAgreeWhenTheyNameTheInsertsFrames() {
    List<Change> inserts = List.of(new Change(range(100, 112), null, null, null, "--insert 100=a.mov"),
        new Change(range(200, 210), null, null, null, "--insert 200=b.mov"));
    FfmpegRenderer.checkChangesAgree(List.of(), inserts);
    FfmpegRenderer.checkChangesAgree(List.of(Change.of(100, 12), Change.of(200, 10)), inserts);
    // split differently but the same frames
    FfmpegRenderer.checkChangesAgree(List.of(Change.of(100, 5), Change.of(105, 7), Change.of(200, 10)), inserts);
  }

  @Test
  void changesThatDisagreeAreNamed() {
    List<Change> inserts = List.of(new Change(range(100, 112), null, null, null, "--insert 100=a.mov"));
    assertThatThrownBy(() -> FfmpegRenderer.checkChangesAgree(List.of(Change.of(100, 20).withOrigin("--change 100+20")), inserts))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0).where()).isEqualTo("--change 100+20");
          assertThat(e.problems().get(0).message()).contains("112..119", "no insert replaces");
        });
    assertThatThrownBy(() -> FfmpegRenderer.checkChangesAgree(List.of(Change.of(100, 6).withOrigin("--change 100+6")), inserts))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems()).hasSize(1);
          assertThat(e.problems().get(0).where()).isEqualTo("--insert 100=a.mov");
          assertThat(e.problems().get(0).message()).contains("106..111", "no --change names");
        });
  }

  private static dev.patchwork.time.FrameRange range(long start, long end) {
    return dev.patchwork.time.FrameRange.of(start, end);
  }

  private static void assertProblem(String spec, String where, String message) {
    assertThatThrownBy(() -> Insert.parse(spec, HOUR)).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.problems()).hasSize(1);
      assertThat(e.problems().get(0).where()).isEqualTo(where);
      assertThat(e.problems().get(0).message()).contains(message);
    });
  }
}
