package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * H.264 masters (x264 in MP4, MOV and Matroska) re-rendered from a new source. Evidence from ffmpeg/ffprobe only: the
 * segment's avcC equals the master's byte for byte (the acid test that the x264 settings were reproduced), the decoded
 * picture types put I pictures exactly at the master's random-access points, ffmpeg's bitstream tracer sees an IDR
 * first, the decoded audio holds exactly the samples of the segment's time span (the source's audio numbers every
 * sample), and the pictures are the source's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegRendererH264Test {

  @TempDir static Path tmp;
  Path dir;
  /** The edited timeline: testsrc (the masters show testsrc2), FFV1 + PCM whose sample values count the samples. */
  Path source;
  FfmpegRenderer renderer;
  /** 48 frames of the same, for the short masters of the settings test. */
  FfmpegRenderer renderer48;
  Path mp4;
  Path mov;
  Path mkv;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    source = RealFfmpeg.ffmpeg(dir.resolve("neue Quelle 23.976.mkv"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=24000/1001",
        "-f", "lavfi", "-i", "aevalsrc=mod(n\\,1048576)/8388608:s=48000:c=stereo", "-frames:v", "144",
        "-af", "atrim=end_sample=" + 144 * 2002, "-pix_fmt", "yuv420p", "-c:v", "ffv1", "-c:a", "pcm_s24le");
    renderer = FfmpegRenderer.fromSource(source, RealFfmpeg.tools());
    renderer48 = FfmpegRenderer.fromSource(RealFfmpeg.ffmpeg(dir.resolve("short source.mkv"), "-f", "lavfi", "-i",
        "testsrc=size=320x240:rate=24000/1001", "-frames:v", "48", "-pix_fmt", "yuv420p", "-c:v", "ffv1"), RealFfmpeg.tools());
    // open GOPs with leading B-frames, CRF, AAC audio
    mp4 = master("open gop crf.mp4", "-preset", "medium", "-crf", "18",
        "-x264-params", "keyint=48:min-keyint=48:scenecut=0:open-gop=1", "-c:a", "aac");
    // closed GOPs, average bit rate with VBV, 3 B-frames, PCM audio
    mov = master("closed abr vbv.mov", "-preset", "fast", "-b:v", "900k", "-maxrate", "1200k", "-bufsize", "1800k",
        "-x264-params", "keyint=24:scenecut=0:bframes=3", "-c:a", "pcm_s24le");
    // Main profile (no 8x8 transform), weighted prediction off, 16-bit PCM
    mkv = master("main profile.mkv", "-preset", "faster", "-profile:v", "main", "-crf", "23",
        "-x264-params", "keyint=30:min-keyint=30:scenecut=0:bframes=2:weightp=0", "-c:a", "pcm_s16le");
  }

  private Path master(String name, String... encoder) {
    List<String> args = new java.util.ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24000/1001",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-frames:v", "144", "-shortest", "-c:v", "libx264"));
    args.addAll(List.of(encoder));
    return RealFfmpeg.ffmpeg(dir.resolve(name), args.toArray(String[]::new));
  }

  Stream<Arguments> segments() {
    return Stream.of(
        Arguments.of("mp4", "middle"), Arguments.of("mp4", "start"), Arguments.of("mp4", "end"),
        Arguments.of("mov", "middle"), Arguments.of("mov", "start"), Arguments.of("mov", "end"),
        Arguments.of("mkv", "middle"), Arguments.of("mkv", "end"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("segments")
  void rendersTheSegmentLikeTheMaster(String container, String where) {
    Path master = switch (container) {
      case "mp4" -> mp4;
      case "mov" -> mov;
      default -> mkv;
    };
    Sidecar sidecar = RenderFixtures.sidecar(master, container, GopStructure.longGop(null, null, null));
    Segment segment = segmentAt(sidecar, where);
    Path out = dir.resolve("seg " + container + " " + where + ".mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    // frames, GOP structure, closed start
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(segment.frames());
    assertThat(RenderFixtures.iFrames(out)).isEqualTo(RenderFixtures.expectedKeyFrames(sidecar, segment));
    RealFfmpeg.TracedPacket first = RealFfmpeg.trace(out).get(0);
    assertThat(first.values("nal_unit_type")).contains(5L);
    // the acid test: the same SPS/PPS as the master
    assertThat(RenderFixtures.extradata(out)).isNotEmpty().isEqualTo(RenderFixtures.extradata(master));
    for (String field : List.of("codec_name", "profile", "level", "pix_fmt", "width", "height", "sample_aspect_ratio")) {
      assertThat(RenderFixtures.streamField(out, "v:0", field)).as(field).isEqualTo(RenderFixtures.streamField(master, "v:0", field));
    }
    // audio: exactly the samples of [start, end) at 2002 samples a frame, counted in the source's sample values
    int[] samples = RenderFixtures.audioSamples(out);
    long first0 = segment.start() * 2002L;
    long count = segment.frames() * 2002L;
    int channels = Integer.parseInt(RenderFixtures.streamField(master, "a:0", "channels"));
    assertThat(RenderFixtures.streamField(out, "a:0", "channels")).isEqualTo(Integer.toString(channels));
    assertThat(samples.length).isEqualTo(count * channels);
    // the values count samples in 24 bits; a 16-bit master keeps them to the nearest 256
    int precision = RenderFixtures.streamField(out, "a:0", "codec_name").equals("pcm_s16le") ? 128 : 0;
    assertThat(samples[0] >> 8).isCloseTo((int) (first0 % 1048576), org.assertj.core.data.Offset.offset(precision));
    assertThat(samples[samples.length - 1] >> 8).isCloseTo((int) ((first0 + count - 1) % 1048576), org.assertj.core.data.Offset.offset(precision));
    assertThat(RenderFixtures.streamField(out, "a:0", "sample_rate")).isEqualTo("48000");
    // the pictures are the source's frames [start, end), not the master's
    assertThat(RenderFixtures.psnr(out, source, segment.start(), segment.frames(), "yuv420p")).isGreaterThan(30);
    assertThat(RenderFixtures.psnr(out, master, segment.start(), segment.frames(), "yuv420p")).isLessThan(20);
  }

  /** A RENDER segment as the planner would cut it: from a point's leading pictures to a later point, or to the end. */
  static Segment segmentAt(Sidecar sidecar, String where) {
    var points = sidecar.masterFacts().randomAccessPoints();
    long frames = sidecar.master().frameCount();
    return switch (where) {
      case "start" -> Segment.render(0, points.get(1).frame());
      case "end" -> Segment.render(points.get(points.size() - 1).leading().start(),
          frames - points.get(points.size() - 1).leading().start());
      default -> Segment.render(points.get(1).leading().start(), points.get(2).frame() - points.get(1).leading().start());
    };
  }

  static Stream<Arguments> x264Settings() {
    return Stream.of(
        Arguments.of("no B-frames, slow", List.of("-preset", "slow", "-crf", "20", "-x264-params", "keyint=24:bframes=0")),
        Arguments.of("High 4:2:2 10-bit", List.of("-pix_fmt", "yuv422p10le", "-preset", "fast", "-crf", "18", "-x264-params", "keyint=24")),
        Arguments.of("High 4:4:4 (chroma QP offset +6)", List.of("-pix_fmt", "yuv444p", "-preset", "fast", "-crf", "18",
            "-x264-params", "keyint=24")),
        Arguments.of("zerolatency, sliced threads, bit rate", List.of("-tune", "zerolatency", "-b:v", "800k", "-x264-params", "keyint=24")),
        Arguments.of("ultrafast, CAVLC", List.of("-preset", "ultrafast", "-crf", "28", "-x264-params", "keyint=24")),
        Arguments.of("psy-trellis, strict pyramid, 5 B-frames", List.of("-preset", "slower", "-crf", "16",
            "-x264-params", "keyint=24:bframes=5:b-pyramid=strict:psy-rd=1.0,0.2:trellis=2")),
        Arguments.of("CBR with NAL HRD", List.of("-preset", "veryfast", "-b:v", "600k", "-maxrate", "600k", "-bufsize", "600k",
            "-x264-params", "keyint=24:nal-hrd=cbr")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("x264Settings")
  void x264SettingSetsReproduceTheMastersParameterSets(String name, List<String> settings) {
    List<String> args = new java.util.ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24000/1001",
        "-frames:v", "48", "-c:v", "libx264"));
    args.addAll(settings);
    Path master = RealFfmpeg.ffmpeg(dir.resolve(name.replace(",", "") + ".mp4"), args.toArray(String[]::new));
    Sidecar sidecar = RenderFixtures.sidecar(master, "mp4", GopStructure.longGop(24, null, true));
    Segment segment = Segment.render(24, 24);
    Path out = dir.resolve("seg " + name.replace(",", "") + ".mkv");

    renderer48.render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RenderFixtures.extradata(out)).isNotEmpty().isEqualTo(RenderFixtures.extradata(master));
    assertThat(RenderFixtures.streamField(out, "v:0", "profile")).isEqualTo(RenderFixtures.streamField(master, "v:0", "profile"));
    assertThat(RenderFixtures.streamField(out, "v:0", "pix_fmt")).isEqualTo(RenderFixtures.streamField(master, "v:0", "pix_fmt"));
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(24);
    // the master had no audio: no audio stream
    assertThat(RenderFixtures.audioStreams(out)).isZero();
  }

  @Test
  void openGopSegmentsStartAtTheLeadingPicturesAndKeepTheOpenPointInside() {
    Sidecar sidecar = RenderFixtures.sidecar(mp4, "mp4", GopStructure.longGop(48, 3, false));
    var point = sidecar.masterFacts().randomAccessPoints().get(1);
    assertThat(point.lead()).as("the master has leading pictures").isPositive();
    Segment segment = segmentAt(sidecar, "middle");
    Path out = dir.resolve("seg open gop.mkv");

    renderer.render(RenderFixtures.request(mp4, sidecar, segment, out));

    MediaProbe p = new FfprobeProber(RealFfmpeg.tools()).probeMedia(out);
    assertThat(p.accessPoints().get(0).kind()).isEqualTo(AccessPoint.Kind.IDR);
    // the master's open point sits lead(j) frames into the segment, again with leading pictures (x264 open GOP)
    AccessPoint inside = p.accessPoints().get(1);
    assertThat(inside.frame()).isEqualTo(point.lead());
    assertThat(inside.kind()).isEqualTo(AccessPoint.Kind.RECOVERY_POINT);
  }

  @Test
  void segmentsDecodeCleanly() {
    Sidecar sidecar = RenderFixtures.sidecar(mov, "mov", GopStructure.longGop(24, 3, true));
    Segment segment = Segment.render(24, 48);
    Path out = dir.resolve("seg clean.mkv");
    renderer.render(RenderFixtures.request(mov, sidecar, segment, out));
    assertThat(RenderFixtures.decodeErrors(out)).isEmpty();
    assertThat(RenderFixtures.streamField(out, "a:0", "codec_name")).isEqualTo("pcm_s24le");
  }

  @Test
  void pcm16MasterGets16BitAudioAndThe2997Cadence() throws IOException {
    Path src = RealFfmpeg.ffmpeg(dir.resolve("source 29.97.mov"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30000/1001",
        "-f", "lavfi", "-i", "aevalsrc=mod(n\\,32768)/32768:s=48000:c=mono", "-frames:v", "90", "-shortest", "-pix_fmt", "yuv420p",
        "-c:v", "ffv1", "-c:a", "pcm_s16le");
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master 29.97.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001",
        "-f", "lavfi", "-i", "sine=sample_rate=48000", "-frames:v", "90", "-shortest", "-ac", "1", "-c:v", "libx264", "-preset", "veryfast",
        "-x264-params", "keyint=15:scenecut=0", "-c:a", "pcm_s16le");
    Sidecar sidecar = RenderFixtures.sidecar(master, "matroska", GopStructure.longGop(15, null, true));
    assertThat(sidecar.master().frameRate()).isEqualTo(FrameRate.FPS_29_97);
    Segment segment = Segment.render(31, 29); // 29.97 fps: 1601.6 samples a frame
    Path out = dir.resolve("seg 29.97.mkv");

    FfmpegRenderer.fromSource(src, RealFfmpeg.tools()).render(RenderFixtures.request(master, sidecar, segment, out));

    // samples from round(31 * 1601.6) = 49650 (49649.6) to round(60 * 1601.6) = 96096
    int[] samples = RenderFixtures.audioSamples(out);
    assertThat(samples.length).isEqualTo(96096 - 49650);
    assertThat(samples[0] >> 16).isEqualTo(49650 % 32768);
    assertThat(samples[samples.length - 1] >> 16).isEqualTo((96096 - 1) % 32768);
    assertThat(RenderFixtures.streamField(out, "a:0", "codec_name")).isEqualTo("pcm_s16le");
    assertThat(RenderFixtures.streamField(out, "a:0", "channels")).isEqualTo("1");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
  }
}
