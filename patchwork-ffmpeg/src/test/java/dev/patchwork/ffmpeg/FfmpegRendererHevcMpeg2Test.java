package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.Sidecar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HEVC (x265 in MP4 and Matroska, open GOPs with CRA/RASL as x265 makes them by default, Main and Main 10) and MPEG-2
 * long GOP in MXF (open GOPs, 4:2:2 profile), re-rendered from a new source. Evidence: ffmpeg's bitstream tracer (the
 * VPS/SPS/PPS, or MPEG-2 sequence header and extension, equal the master's field for field; the first picture is an
 * IDR, or a closed GOP), decoded picture types (I pictures exactly at the master's random-access points), frame counts,
 * audio sample counts and values, and PSNR against the source.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegRendererHevcMpeg2Test {

  @TempDir static Path tmp;
  Path dir;
  Path source;
  FfmpegRenderer renderer;
  Path hevcMp4;
  Path hevc10Mkv;
  Path mpeg2Mxf;
  Path mpeg2VbrMxf;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    source = RealFfmpeg.ffmpeg(dir.resolve("neue Quelle 25.mov"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
        "-f", "lavfi", "-i", "aevalsrc=mod(n\\,1048576)/8388608:s=48000:c=stereo", "-frames:v", "100",
        "-af", "atrim=end_sample=" + 100 * 1920, "-pix_fmt", "yuv420p", "-c:v", "ffv1", "-c:a", "pcm_s24le");
    renderer = FfmpegRenderer.fromSource(source, RealFfmpeg.tools());
    hevcMp4 = master("x265 main.mp4", "-c:v", "libx265", "-preset", "fast", "-x265-params", "keyint=24:min-keyint=24:log-level=error",
        "-c:a", "aac");
    hevc10Mkv = master("x265 main10.mkv", "-c:v", "libx265", "-pix_fmt", "yuv420p10le", "-preset", "faster", "-b:v", "600k",
        "-x265-params", "keyint=20:min-keyint=20:vbv-maxrate=800:vbv-bufsize=1200:log-level=error", "-c:a", "pcm_s24le");
    mpeg2Mxf = master("mpeg2 long gop.mxf", "-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-b:v", "8M", "-maxrate", "8M",
        "-bufsize", "3M", "-g", "12", "-bf", "2", "-c:a", "pcm_s24le");
    // ffmpeg's default rate control: the sequence header states a VBV buffer but no maximum rate (0x3FFFF)
    mpeg2VbrMxf = master("mpeg2 vbr.mxf", "-c:v", "mpeg2video", "-b:v", "4M", "-g", "12", "-bf", "2",
        "-sc_threshold", "1000000000", "-c:a", "pcm_s24le");
  }

  private Path master(String name, String... encoder) {
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-frames:v", "100", "-shortest", "-ac", "2"));
    args.addAll(List.of(encoder));
    return RealFfmpeg.ffmpeg(dir.resolve(name), args.toArray(String[]::new));
  }

  Stream<Arguments> segments() {
    return Stream.of(
        Arguments.of("hevc mp4", "middle"), Arguments.of("hevc mp4", "start"), Arguments.of("hevc mp4", "end"),
        Arguments.of("hevc10 mkv", "middle"), Arguments.of("hevc10 mkv", "end"),
        Arguments.of("mpeg2 mxf", "middle"), Arguments.of("mpeg2 mxf", "start"), Arguments.of("mpeg2 mxf", "end"),
        Arguments.of("mpeg2vbr mxf", "middle"), Arguments.of("mpeg2vbr mxf", "end"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("segments")
  void rendersTheSegmentLikeTheMaster(String kind, String where) {
    Path master = switch (kind) {
      case "hevc mp4" -> hevcMp4;
      case "hevc10 mkv" -> hevc10Mkv;
      case "mpeg2vbr mxf" -> mpeg2VbrMxf;
      default -> mpeg2Mxf;
    };
    boolean mpeg2 = kind.startsWith("mpeg2");
    GopStructure gop = mpeg2 ? GopStructure.longGop(12, 2, false) : GopStructure.longGop(null, null, false);
    Sidecar sidecar = RenderFixtures.sidecar(master, kind.substring(kind.indexOf(' ') + 1), gop);
    assertThat(sidecar.masterFacts().randomAccessPoints().get(1).lead()).as("open GOPs").isPositive();
    Segment segment = FfmpegRendererH264Test.segmentAt(sidecar, where);
    Path out = dir.resolve("seg " + kind + " " + where + ".mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(segment.frames());
    assertThat(RenderFixtures.iFrames(out)).isEqualTo(RenderFixtures.expectedKeyFrames(sidecar, segment));
    assertThat(RenderFixtures.decodeErrors(out)).isEmpty();
    RealFfmpeg.TracedPacket first = RealFfmpeg.trace(out).get(0);
    if (mpeg2) {
      // a closed first GOP, and the master's sequence header and extension (bit rate, VBV, profile and level, 4:2:2)
      assertThat(first.values("closed_gop")).containsExactly(1L);
      assertThat(sequenceHeader(out)).isNotEmpty().isEqualTo(sequenceHeader(master));
    } else {
      assertThat(first.values("nal_unit_type")).containsAnyOf(19L, 20L); // IDR_W_RADL / IDR_N_LP
      assertThat(RenderFixtures.parameterSetTrace(out)).hasSizeGreaterThan(20).isEqualTo(RenderFixtures.parameterSetTrace(master));
    }
    for (String field : List.of("codec_name", "profile", "level", "pix_fmt", "width", "height")) {
      assertThat(RenderFixtures.streamField(out, "v:0", field)).as(field).isEqualTo(RenderFixtures.streamField(master, "v:0", field));
    }
    int[] samples = RenderFixtures.audioSamples(out);
    assertThat(samples).hasSize((int) segment.frames() * 1920 * 2);
    assertThat(samples[0] >> 8).isEqualTo((int) (segment.start() * 1920 % 1048576));
    assertThat(samples[samples.length - 1] >> 8).isEqualTo((int) ((segment.endExclusive() * 1920 - 1) % 1048576));
    // the pictures are the source's (x265 at CRF 28 is lossy: compare against the master's pictures too)
    double fromSource = RenderFixtures.psnr(out, source, segment.start(), segment.frames(), "yuv420p");
    assertThat(fromSource).isGreaterThan(22).isGreaterThan(RenderFixtures.psnr(out, master, segment.start(), segment.frames(), "yuv420p") + 8);
  }

  @org.junit.jupiter.api.Test
  void insertIntoMpeg2InMxfPadsFromTheDecodedMaster() {
    Path clip = RealFfmpeg.ffmpeg(dir.resolve("insert für mxf.mov"), "-f", "lavfi", "-i", "smptebars=size=320x240:rate=25",
        "-frames:v", "6", "-c:v", "ffv1");
    Sidecar sidecar = RenderFixtures.sidecar(mpeg2Mxf, "mxf", GopStructure.longGop(12, 2, false));
    FfmpegRenderer inserts = FfmpegRenderer.fromInserts(List.of(new Insert(40, clip)), RealFfmpeg.tools());
    Segment segment = dev.patchwork.plan.Planner.plan(sidecar.masterFacts(), inserts.insertChanges()).renderSegments().get(0);
    Path out = dir.resolve("seg mpeg2 insert.mkv");

    inserts.render(RenderFixtures.request(mpeg2Mxf, sidecar, segment, out));

    long s = segment.start();
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(segment.frames());
    assertThat(RenderFixtures.iFrames(out)).isEqualTo(RenderFixtures.expectedKeyFrames(sidecar, segment));
    // frames before and after the insert are the master's, the insert's are the clip's; the clip has no audio
    assertThat(RenderFixtures.psnr(out, 0, mpeg2Mxf, s, 40 - s, "yuv422p")).isGreaterThan(30);
    assertThat(RenderFixtures.psnr(out, 40 - s, clip, 0, 6, "yuv422p")).isGreaterThan(30);
    assertThat(RenderFixtures.psnr(out, 46 - s, mpeg2Mxf, 46, segment.endExclusive() - 46, "yuv422p")).isGreaterThan(30);
    assertThat(RenderFixtures.audioStreams(out)).isZero();
  }

  /** The first sequence header and sequence extension as ffmpeg's MPEG-2 tracer reads them. */
  private static List<String> sequenceHeader(Path media) {
    List<String> out = new ArrayList<>();
    for (RealFfmpeg.TracedPacket p : RealFfmpeg.trace(media)) {
      for (String s : p.syntax()) {
        if (s.startsWith("picture_start_code") || s.startsWith("group_start_code") || s.startsWith("time_code")) return out;
        out.add(s);
      }
    }
    return out;
  }
}
