package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.time.FrameRate;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ffprobe packet lines into the index, display order, and the constant-frame-rate check. */
class PacketTableTest {

  private static final TimeBase MP4 = new TimeBase(1, 12288);

  @Test
  void linesAreParsedByKeyInAnyOrder_NaIsAbsent() {
    PacketTable t = new PacketTable("m.mov");
    t.accept("pts=0|dts=-1024|duration=512|size=8719|pos=48|flags=K__");
    t.accept("flags=___|size=4340|pos=8767|pts=2048|dts=N/A|duration=N/A|");
    t.accept("");

    PacketIndex idx = t.toIndex(MP4, new BitSet());

    assertThat(idx.packetCount()).isEqualTo(2);
    assertThat(idx.dts(0)).isEqualTo(-1024);
    assertThat(idx.position(0)).isEqualTo(48);
    assertThat(idx.isKeyFlagged(0)).isTrue();
    assertThat(idx.isKeyFlagged(1)).isFalse();
    assertThat(idx.pts(1)).isEqualTo(2048);
    assertThat(idx.dts(1)).isEqualTo(PacketIndex.ABSENT);
    assertThat(idx.duration(1)).isEqualTo(PacketIndex.ABSENT);
    assertThat(idx.byteSize(1)).isEqualTo(4340);
  }

  @Test
  void displayOrderFollowsPresentationTime() {
    // I P B B in decode order shows as I B B P
    PacketTable t = table(0, 1536, 512, 1024);

    PacketIndex idx = t.toIndex(MP4, new BitSet());

    assertThat(idx.frameCount()).isEqualTo(4);
    assertThat(List.of(idx.packetOf(0), idx.packetOf(1), idx.packetOf(2), idx.packetOf(3))).containsExactly(0, 2, 3, 1);
    assertThat(List.of(idx.frameOf(0), idx.frameOf(1), idx.frameOf(2), idx.frameOf(3))).containsExactly(0, 3, 1, 2);
  }

  @Test
  void discardedAndSkippedPacketsAreNotFrames() {
    PacketTable t = new PacketTable("m.mp4");
    t.accept("pts=-512|dts=-1024|size=10|pos=0|flags=K_D");
    t.accept("pts=0|dts=-512|size=10|pos=10|flags=K__");
    t.accept("pts=512|dts=0|size=10|pos=20|flags=___");
    BitSet skipped = new BitSet();
    skipped.set(2);

    PacketIndex idx = t.toIndex(MP4, skipped);

    assertThat(idx.frameCount()).isEqualTo(1);
    assertThat(idx.isDisplayed(0)).isFalse();
    assertThat(idx.isDisplayed(2)).isFalse();
    assertThat(idx.packetOf(0)).isEqualTo(1);
  }

  @Test
  void growsPastItsInitialCapacity() {
    PacketTable t = new PacketTable("long.mov");
    for (int i = 0; i < 5000; i++) t.accept("pts=" + (i * 512L) + "|dts=" + (i * 512L) + "|duration=512|size=100|pos=" + (i * 100L) + "|flags=K__");

    PacketIndex idx = t.toIndex(MP4, new BitSet());

    assertThat(idx.frameCount()).isEqualTo(5000);
    assertThat(idx.position(4999)).isEqualTo(499_900);
  }

  @Test
  void badLinesAreValidationErrorsNamingThePacket() {
    PacketTable t = new PacketTable("m.mov");
    t.accept("pts=0|dts=0|size=1|pos=0|flags=K__");
    assertThatThrownBy(() -> t.accept("pts=zwölf|size=1|pos=1|flags=___"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("m.mov (video packet 1)").hasMessageContaining("zwölf");
    assertThatThrownBy(() -> t.accept("pts=1|pos=1|flags=___")).isInstanceOf(ValidationException.class).hasMessageContaining("size");
  }

  @Test
  void missingOrDuplicatePresentationTimesAreRefused() {
    PacketTable noPts = new PacketTable("a.avi");
    noPts.accept("pts=N/A|dts=0|size=1|pos=0|flags=K__");
    assertThatThrownBy(() -> noPts.toIndex(MP4, new BitSet())).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("no presentation timestamp");

    assertThatThrownBy(() -> table(0, 512, 512).toIndex(MP4, new BitSet())).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("share the presentation timestamp 512");
  }

  // --- constant frame rate --------------------------------------------------------------------------------

  @Test
  void exactTimestampsFitTheirRate() {
    PacketIndex idx = table(0, 1001, 2002, 3003).toIndex(new TimeBase(1, 24000), new BitSet());
    assertThat(ConstantFrameRate.of("m", idx, List.of("24000/1001", "0/0"))).isEqualTo(FrameRate.FPS_23_976);
  }

  @Test
  void matroskaMillisecondRoundingIsAllowed() {
    // 23.976 fps in 1/1000: 0, 41.7, 83.4, 125.1, 166.8, 208.5 ms rounded
    PacketIndex idx = table(0, 42, 83, 125, 167, 209, 250).toIndex(new TimeBase(1, 1000), new BitSet());
    assertThat(ConstantFrameRate.of("m.mkv", idx, List.of("24000/1001"))).isEqualTo(FrameRate.FPS_23_976);
  }

  @Test
  void aMatroskaReadingOfAStandardRateIsTheStandardRate() {
    // 59.94 fps in 1/1000 (0, 16.7, 33.4, 50.05, 66.7 ms rounded), which ffprobe reads from the track's 16683333 ns
    // default duration as 19001/317
    PacketIndex idx = table(0, 17, 33, 50, 67, 83).toIndex(new TimeBase(1, 1000), new BitSet());
    assertThat(ConstantFrameRate.of("m.mkv", idx, List.of("19001/317", "19001/317"))).isEqualTo(FrameRate.FPS_59_94);
    assertThat(ConstantFrameRate.standardNear(FrameRate.of(19001, 317))).isEqualTo(FrameRate.FPS_59_94);
    // 29.97 taken literally is 1 ppm off 30000/1001: a rate of its own
    assertThat(ConstantFrameRate.standardNear(FrameRate.of(2997, 100))).isNull();
    assertThat(ConstantFrameRate.standardNear(FrameRate.FPS_25)).isNull();
  }

  @Test
  void aLaterCandidateRateIsTriedWhenTheFirstDoesNotFit() {
    // r_frame_rate 50 (field rate of 25i) but frames every 1/25 s
    PacketIndex idx = table(0, 1, 2, 3).toIndex(new TimeBase(1, 25), new BitSet());
    assertThat(ConstantFrameRate.of("m.mxf", idx, List.of("50/1", "25/1"))).isEqualTo(FrameRate.FPS_25);
  }

  @Test
  void aMissingFrameIsNamed_evenWhenOneFrameIsOneTick() {
    PacketIndex idx = table(0, 1, 2, 4, 5).toIndex(new TimeBase(1, 25), new BitSet());
    assertThatThrownBy(() -> ConstantFrameRate.of("m.mxf", idx, List.of("25/1")))
        .isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("variable frame rate").hasMessageContaining("1 frame is missing before frame 3");
  }

  @Test
  void unevenFrameTimesAreVariable() {
    // 24 fps in 1/12288: frame 2 is a third of a frame late
    PacketIndex idx = table(0, 512, 1195, 1536).toIndex(MP4, new BitSet());
    assertThatThrownBy(() -> ConstantFrameRate.of("m.mp4", idx, List.of("24/1", "24/1")))
        .isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("variable frame rate: frame 2 starts at 0.097249 s after frame 0")
        .hasMessageContaining("0.083333 s");
  }

  @Test
  void noRateAtAllIsRefused() {
    PacketIndex idx = table(0, 512).toIndex(MP4, new BitSet());
    assertThatThrownBy(() -> ConstantFrameRate.of("m.mp4", idx, List.of("0/0", "0/0")))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("no frame rate");
  }

  private static PacketTable table(long... pts) {
    PacketTable t = new PacketTable("m");
    for (int i = 0; i < pts.length; i++) {
      t.accept("pts=" + pts[i] + "|dts=" + i + "|size=10|pos=" + (i * 10) + "|flags=" + (i == 0 ? "K__" : "___"));
    }
    return t;
  }
}
