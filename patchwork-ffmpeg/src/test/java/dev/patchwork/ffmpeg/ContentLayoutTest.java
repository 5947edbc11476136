package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How packet tables split into regions: open GOPs, intra-only runs, a two-hour master, and what is refused. */
class ContentLayoutTest {

  static final TimeBase TB = new TimeBase(1, 24);
  static final FrameRate RATE = FrameRate.of(24);

  @Test
  void anOpenGopsLeadingPicturesBelongToItsRegion() {
    // decode order I0 P3 B1 B2 P6 B4 B5 | I9 B7 B8 P12 B10 B11, 100 bytes each, packed from byte 1000
    long[] pts = {0, 3, 1, 2, 6, 4, 5, 9, 7, 8, 12, 10, 11};
    MediaProbe p = probe(pts, i -> 1000 + 100L * i, List.of(point(0, 0, 0), point(9, 7, 2)), false);

    ContentLayout l = ContentLayout.of(p, 5000, 1000 + 100L * pts.length);

    assertThat(l.regionCount()).isEqualTo(2);
    assertThat(l.startFrame).containsExactly(0, 7, 13);
    assertThat(l.leading).containsExactly(0, 2);
    assertThat(l.firstPacket).containsExactly(0, 7, 13);
    // header [0, 1000), regions at their points' packets, the trailer after the last packet
    assertThat(l.bounds).containsExactly(0, 1000, 1700, 2300, 5000);
  }

  @Test
  void intraOnlyRegionsAreRunsOfOneSecond() {
    long[] pts = new long[60];
    for (int i = 0; i < pts.length; i++) pts[i] = i;
    MediaProbe p = probe(pts, i -> 40 + 1000L * i, List.of(), true);

    ContentLayout l = ContentLayout.of(p, 70_000, 40 + 1000L * 60);

    assertThat(l.startFrame).containsExactly(0, 24, 48, 60);
    assertThat(l.bounds).containsExactly(0, 40, 24_040, 48_040, 60_040, 70_000);
  }

  @Test
  void aTwoHourMasterIsLaidOutQuickly() {
    int n = 200_000;
    long[] pts = new long[n];
    List<AccessPoint> points = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pts[i] = i;
      if (i % 24 == 0) points.add(point(i, i, 0));
    }
    MediaProbe p = probe(pts, i -> 4096 + 50_000L * i, points, false);

    long start = System.nanoTime();
    ContentLayout l = ContentLayout.of(p, 4096 + 50_000L * n + 1_000_000, 4096 + 50_000L * n);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(l.regionCount()).isEqualTo(8334);
    assertThat(l.bounds[l.regionCount()]).isEqualTo(4096 + 50_000L * 199_992);
    assertThat(took).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void videoStoredOutOfDecodeOrderIsRefused() {
    long[] pts = {0, 1, 2, 3};
    long[] pos = {100, 300, 200, 400};
    MediaProbe p = probe(pts, i -> pos[i], List.of(point(0, 0, 0)), false);
    assertThatThrownBy(() -> ContentLayout.of(p, 1000, 500)).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("decode order");
  }

  @Test
  void aPictureShownOutsideTheGopThatStoresItIsRefused() {
    // I0 P2 | I3 B1: B1 is stored after the second point yet shown before its leading pictures (it has none)
    long[] pts = {0, 2, 3, 1};
    MediaProbe p = probe(pts, i -> 100L * (i + 1), List.of(point(0, 0, 0), point(3, 2, 0)), false);
    assertThatThrownBy(() -> ContentLayout.of(p, 1000, 500)).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("displayed outside it");
  }

  @Test
  void aLastPacketPastTheEndOfTheFileIsATruncation() {
    long[] pts = {0, 1};
    MediaProbe p = probe(pts, i -> 100L * (i + 1), List.of(point(0, 0, 0)), false);
    assertThatThrownBy(() -> ContentLayout.of(p, 250, 300)).isInstanceOf(dev.patchwork.ValidationException.class)
        .hasMessageContaining("truncated");
  }

  // --- building probes ------------------------------------------------------------------------------------

  interface Positions {
    long of(int packet);
  }

  static AccessPoint point(long frame, int packet, int lead) {
    return new AccessPoint(frame, packet, AccessPoint.Kind.IDR, 5, FrameRange.of(frame - lead, frame), lead == 0, false);
  }

  static MediaProbe probe(long[] pts, Positions pos, List<AccessPoint> points, boolean intra) {
    PacketTable t = new PacketTable("test");
    for (int i = 0; i < pts.length; i++) {
      t.accept("pts=" + pts[i] + "|dts=" + i + "|duration=1|size=100|pos=" + pos.of(i) + "|flags=" + (i == 0 ? "K__" : "___"));
    }
    PacketIndex index = t.toIndex(TB, new BitSet());
    VideoStream v = new VideoStream(0, intra ? "prores" : "h264", "", -1, "", "yuv420p", 320, 240, "1:1", "4:3", "progressive", "", "", "",
        "", 8, -1, TB, "24/1", "24/1", 0, Map.of());
    return new MediaProbe(Path.of("master.mov"), "mov,mp4,m4a,3gp,3g2,mj2", "QuickTime / MOV", Optional.empty(), -1, -1, Map.of(),
        List.of(v), v, RATE, pts.length, Timecode.zero(RATE, false), intra, points, index);
  }
}
