package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.ffmpeg.RealFfmpeg.Md5;
import dev.patchwork.ffmpeg.RealFfmpeg.Packet;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Patches every supported codec/container pair with real ffmpeg, changing the middle, frame 0, the last frame, two
 * overlapping ranges and two ranges apart, and checks the output against evidence the engine does not produce: ffprobe's frame count
 * and timestamps, per-packet MD5s ({@code -c copy -f framemd5}) of the kept GOPs against the master's, decoded-frame
 * MD5s against the master outside the re-rendered ranges and against the renderer's own file inside them, a silent
 * {@code ffmpeg -v error} decode, the timecode tag, and the decoded audio samples. Paths hold spaces and non-ASCII.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegPatchEngineIntegrationTest {

  @TempDir static Path tmp;
  Path dir;
  FfmpegPatchEngine engine;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
  }

  enum Where {
    MIDDLE(List.of(Change.of(40, 5))),
    FRAME_0(List.of(Change.of(0, 1))),
    LAST_FRAME(List.of(Change.of(PatchMasters.FRAMES - 1, 1))),
    TWO_OVERLAPPING(List.of(Change.of(30, 10), Change.of(35, 25))),
    TWO_APART(List.of(Change.of(12, 2), Change.of(80, 3)));

    final List<Change> changes;

    Where(List<Change> changes) {
      this.changes = changes;
    }
  }

  static Stream<Arguments> pairs() {
    List<Arguments> out = new ArrayList<>();
    for (PatchMasters m : PatchMasters.values()) {
      for (Where w : Where.values()) {
        if ((m + " " + w).matches(System.getProperty("patchwork.pairs", ".*"))) out.add(Arguments.of(m, w));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("pairs")
  void patchesAndEveryKeptPacketIsTheMasters(PatchMasters kind, Where where) throws Exception {
    Path work = Files.createDirectories(dir.resolve(kind + " " + where));
    Path master = kind.master(dir);
    if (!Files.exists(SidecarPaths.defaultFor(master))) TestSidecars.adopt(master, kind.container);
    SourceRenderer renderer = new SourceRenderer(kind.source(dir), kind.videoArgs, kind.hasAudio(), work);
    Path out = work.resolve("Patched ü " + kind.name().toLowerCase(Locale.ROOT) + "." + kind.extension);

    long[] splice = new long[2];
    PatchListener spliceTimer = new PatchListener() {
      @Override
      public void segmentStarted(Segment segment) {
        if (segment == null) splice[0] = System.nanoTime();
      }

      @Override
      public void segmentFinished(Segment segment) {
        if (segment == null) splice[1] = System.nanoTime();
      }
    };
    PatchResult result = Patchwork.forMaster(master).renderer(renderer).engine(engine).listener(spliceTimer).output(out)
        .patch(where.changes);

    assertThat(result.output()).isEqualTo(out);
    assertThat(result.phases()).extracting(PatchResult.Phase::name).containsExactlyInAnyOrder(PatchResult.Phase.CHECK,
        PatchResult.Phase.PROBE, PatchResult.Phase.RENDER, PatchResult.Phase.SPLICE, PatchResult.Phase.VERIFY, PatchResult.Phase.INDEX,
        PatchResult.Phase.PUBLISH);
    assertThat(result.phases()).allSatisfy(p -> assertThat(p.elapsed()).as(p.name()).isPositive().isLessThanOrEqualTo(result.elapsed()));
    assertThat(result.phase(PatchResult.Phase.SPLICE).orElseThrow()).as("splice phase against the listener's view of the splice")
        .isGreaterThanOrEqualTo(java.time.Duration.ofNanos(splice[1] - splice[0]));
    assertEvidence(kind, master, out, result.plan(), renderer);
    if (kind.name().startsWith("H264_OPEN_GOP") && where == Where.MIDDLE) {
      // the GOP kept after the change starts at an x264 recovery point, not an IDR picture (ffmpeg's own parser says)
      Segment keep = result.plan().segments().get(2);
      long pts = RealFfmpeg.videoPackets(out).stream().map(Packet::pts).sorted().toList().get((int) keep.start());
      RealFfmpeg.TracedPacket first = RealFfmpeg.trace(out).stream().filter(t -> t.pts() == pts).findFirst().orElseThrow();
      assertThat(first.values("nal_unit_type")).as("kept open GOP at %d", keep.start()).contains(1L).doesNotContain(5L);
      assertThat(result.renderedFrames()).as("only the changed GOP").isLessThan(PatchMasters.FRAMES / 2);
    }
    Sidecar sidecar = Sidecars.read(SidecarPaths.defaultFor(out));
    assertThat(sidecar.history()).hasSize(1);
    assertThat(sidecar.history().get(0).changes()).isEqualTo(where.changes);
    assertThat(sidecar.master().sha256()).isEqualTo(sha256(out)).isEqualTo(sidecar.history().get(0).outputSha256());
    assertThat(sidecar.history().get(0).parentSha256()).isEqualTo(sha256(master));
    assertThat(sidecar.master().size()).isEqualTo(Files.size(out));
    assertThat(result.verification().frames()).isEqualTo(PatchMasters.FRAMES);
    assertThat(result.segments()).extracting(PatchResult.SegmentStats::segment).isEqualTo(result.plan().segments());
    assertThat(result.segments().stream().mapToLong(PatchResult.SegmentStats::bytes).sum()).as("video bytes by segment")
        .isEqualTo(RealFfmpeg.videoPackets(out).stream().mapToLong(Packet::size).sum());
    if (kind.extension.equals("mov") || kind.extension.equals("mp4")) {
      assertThat(Splicer.moovFirst(out)).as("faststart as the master").isEqualTo(Splicer.moovFirst(master));
    }
    assertSeamsRetyped(kind, out, result.plan());
    assertThat(Files.list(work).map(p -> p.getFileName().toString()))
        .as("nothing but the output, its sidecar and the test's copies of the renders")
        .allMatch(n -> n.startsWith("Patched") || n.startsWith("rendered-"));
  }

  // --- evidence --------------------------------------------------------------------------------------------

  static void assertEvidence(PatchMasters kind, Path master, Path out, PatchPlan plan, SourceRenderer renderer) {
    int n = PatchMasters.FRAMES;
    assertThat(RealFfmpeg.decodedFrameCount(out)).as("decoded frames").isEqualTo(n);
    assertThat(RealFfmpeg.decodeErrors(out)).as("ffmpeg -v error decode").isEmpty();

    // kept packets, byte for byte (frame of a packet = rank of its pts)
    List<Md5> mp = byFrame(RealFfmpeg.packetMd5s(master));
    List<Md5> op = byFrame(RealFfmpeg.packetMd5s(out));
    assertThat(op).hasSize(n);
    List<Long> keys = keyFrames(master);
    for (Segment s : plan.keepSegments()) {
      long modifiedUntil = s.start() == 0 ? 0 : firstGopEnd(kind, s.start(), keys);
      for (long f = s.start(); f < s.endExclusive(); f++) {
        if (f < modifiedUntil) continue;
        assertThat(op.get((int) f).md5()).as("packet of kept frame %d", f).isEqualTo(mp.get((int) f).md5());
      }
    }

    // decoded pictures: the master's where kept, the renderer's where rendered
    List<Md5> md = RealFfmpeg.decodedMd5s(master);
    List<Md5> od = RealFfmpeg.decodedMd5s(out);
    assertThat(od).hasSize(n);
    for (Segment s : plan.segments()) {
      if (s.isRender()) {
        List<Md5> rd = RealFfmpeg.decodedMd5s(renderer.rendered(s));
        assertThat(rd).hasSize((int) s.frames());
        for (int i = 0; i < s.frames(); i++) {
          assertThat(od.get((int) s.start() + i).md5()).as("rendered frame %d", s.start() + i).isEqualTo(rd.get(i).md5());
        }
        assertThat(od.get((int) s.start()).md5()).as("the change is visible").isNotEqualTo(md.get((int) s.start()).md5());
      } else {
        for (long f = s.start(); f < s.endExclusive(); f++) {
          assertThat(od.get((int) f).md5()).as("decoded kept frame %d", f).isEqualTo(md.get((int) f).md5());
        }
      }
    }

    // timestamps: decode order strictly increasing, display order on a constant grid like the master's
    assertTimestamps(RealFfmpeg.videoPackets(master), RealFfmpeg.videoPackets(out));
    assertThat(RealFfmpeg.timecode(out)).as("timecode").isEqualTo(RealFfmpeg.timecode(master));

    if (kind.hasAudio()) assertAudio(kind, master, out, plan, renderer);
  }

  /**
   * Evidence from ffmpeg's own bitstream parser ({@code trace_headers}) that the first kept picture after each
   * re-rendered segment was made a clean start: an HEVC BLA (16) instead of the CRA (21), an MPEG-2 closed GOP.
   */
  static void assertSeamsRetyped(PatchMasters kind, Path out, PatchPlan plan) {
    boolean hevc = kind == PatchMasters.HEVC_MP4 || kind == PatchMasters.HEVC_MKV;
    if (!hevc && kind != PatchMasters.MPEG2_MXF) return;
    List<RealFfmpeg.TracedPacket> traced = RealFfmpeg.trace(out);
    List<Long> pts = traced.stream().map(RealFfmpeg.TracedPacket::pts).sorted().toList();
    Segment previous = null;
    for (Segment s : plan.segments()) {
      if (!s.isRender() && previous != null) {
        long framePts = pts.get((int) s.start());
        RealFfmpeg.TracedPacket p = traced.stream().filter(t -> t.pts() == framePts).findFirst().orElseThrow();
        if (hevc) {
          assertThat(p.values("nal_unit_type")).as("seam at %d", s.start()).contains(16L).doesNotContain(21L);
        } else {
          assertThat(p.values("closed_gop")).as("seam at %d", s.start()).containsExactly(1L);
        }
      }
      previous = s;
    }
  }

  /** Where a KEEP after a RENDER may legitimately differ: the bridged first GOP (HEVC: only its CRA, MPEG-2: the GOP). */
  static long firstGopEnd(PatchMasters kind, long start, List<Long> keys) {
    return switch (kind) {
      case HEVC_MP4, HEVC_MKV -> start + 1;
      case MPEG2_MXF -> keys.stream().filter(k -> k > start).findFirst().orElse((long) PatchMasters.FRAMES);
      default -> start;
    };
  }

  static List<Md5> byFrame(List<Md5> decodeOrder) {
    List<Md5> sorted = new ArrayList<>(decodeOrder);
    sorted.sort((a, b) -> Long.compare(a.pts(), b.pts()));
    return sorted;
  }

  static List<Long> keyFrames(Path media) {
    List<Packet> packets = RealFfmpeg.videoPackets(media);
    List<Long> pts = packets.stream().map(Packet::pts).sorted().toList();
    return packets.stream().filter(Packet::key).map(p -> (long) pts.indexOf(p.pts())).sorted().toList();
  }

  static void assertTimestamps(List<Packet> master, List<Packet> out) {
    long last = Long.MIN_VALUE;
    for (Packet p : out) {
      if (p.dts() == Long.MIN_VALUE) continue;
      assertThat(p.dts()).as("dts strictly increasing").isGreaterThan(last);
      assertThat(p.pts()).as("pts not before dts").isGreaterThanOrEqualTo(p.dts());
      last = p.dts();
    }
    List<Long> mp = master.stream().map(Packet::pts).sorted().toList();
    List<Long> op = out.stream().map(Packet::pts).sorted().toList();
    assertThat(op).hasSameSizeAs(mp);
    for (int i = 1; i < op.size(); i++) {
      long step = op.get(i) - op.get(i - 1);
      long masterStep = mp.get(i) - mp.get(i - 1);
      assertThat(Math.abs(step - masterStep)).as("pts step %d: %d, the master's %d", i, step, masterStep).isLessThanOrEqualTo(1);
    }
    assertThat(op.get(0) - mp.get(0)).as("first pts").isZero();
  }

  static void assertAudio(PatchMasters kind, Path master, Path out, PatchPlan plan, SourceRenderer renderer) {
    int[] ma = RealFfmpeg.audioSamples(master, 0);
    int[] oa = RealFfmpeg.audioSamples(out, 0);
    if (kind == PatchMasters.H264_MP4_AAC) {
      // re-encoded whole: no gap and no drift means the same length within one AAC frame, and kept audio at the very
      // same samples as the master's (lag 0) before and after the change
      assertThat(Math.abs(oa.length - ma.length)).as("AAC length within one frame").isLessThanOrEqualTo(1024);
      for (Segment s : plan.keepSegments()) {
        long from = SpliceTime.sampleOfFrame(s.start(), kind.frameRate(), 48000) + 2048;
        long to = Math.min(SpliceTime.sampleOfFrame(s.endExclusive(), kind.frameRate(), 48000), Math.min(ma.length, oa.length)) - 2048;
        if (to - from < 4800) continue;
        assertThat(bestLag(ma, oa, (int) from, (int) to, 1024)).as("lag of kept audio in %s", s).isZero();
      }
      return;
    }
    assertThat(oa.length).as("audio samples").isEqualTo(ma.length);
    for (Segment s : plan.segments()) {
      int from = (int) SpliceTime.sampleOfFrame(s.start(), kind.frameRate(), 48000);
      int to = s.endExclusive() == PatchMasters.FRAMES ? ma.length : (int) SpliceTime.sampleOfFrame(s.endExclusive(),
          kind.frameRate(), 48000);
      if (s.isRender()) {
        int[] ra = RealFfmpeg.audioSamples(renderer.rendered(s), 0);
        // the rendered audio covers the segment; at the end both master and source stop where their audio does
        int count = Math.min(to - from, ra.length);
        assertThat(count).as("rendered audio used").isEqualTo(to - from);
        for (int i = 0; i < count; i++) {
          if (oa[from + i] != ra[i]) throw new AssertionError("rendered audio sample " + (from + i) + " differs");
        }
      } else {
        for (int i = from; i < to; i++) {
          if (oa[i] != ma[i]) throw new AssertionError("kept audio sample " + i + " differs: " + oa[i] + " vs " + ma[i]);
        }
      }
    }
  }

  /** The shift of {@code b} against {@code a} (in samples, within ±{@code range}) that makes {@code [from, to)} match best. */
  static int bestLag(int[] a, int[] b, int from, int to, int range) {
    int best = 0;
    double bestError = Double.MAX_VALUE;
    for (int lag = -range; lag <= range; lag++) {
      double error = 0;
      for (int i = from; i < to; i++) {
        int j = i + lag;
        if (j < 0 || j >= b.length) {
          error = Double.MAX_VALUE;
          break;
        }
        double d = (double) a[i] - b[j];
        error += d * d;
      }
      if (error < bestError) {
        bestError = error;
        best = lag;
      }
    }
    return best;
  }

  static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int r;
      while ((r = in.read(buf)) > 0) d.update(buf, 0, r);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
