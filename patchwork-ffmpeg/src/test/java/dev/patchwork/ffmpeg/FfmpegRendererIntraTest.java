package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.Sidecar;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * All-intra masters (ProRes in MOV, DNxHR in MXF and MOV) re-rendered from any frame to any frame: the segment has the
 * master's codec, profile and pixel format, every frame is a key frame, the audio is sample-exact (the master's PCM
 * format), and the pictures are the source's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegRendererIntraTest {

  @TempDir static Path tmp;
  Path dir;
  Path source;
  FfmpegRenderer renderer;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    source = RealFfmpeg.ffmpeg(dir.resolve("neue Quelle 24.mkv"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=24",
        "-f", "lavfi", "-i", "aevalsrc=mod(n\\,1048576)/8388608:s=48000:c=stereo", "-frames:v", "60",
        "-af", "atrim=end_sample=" + 60 * 2000, "-pix_fmt", "yuv444p", "-c:v", "ffv1", "-c:a", "pcm_s24le");
    renderer = FfmpegRenderer.fromSource(source, RealFfmpeg.tools());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "prores_ks, hq, yuv422p10le, mov, pcm_s24le",
      "prores_ks, 4444, yuv444p10le, mov, pcm_s16be",
      "dnxhd, dnxhr_sq, yuv422p, mxf, pcm_s24le",
      "dnxhd, dnxhr_hqx, yuv422p10le, mov, pcm_s16le"})
  void anyFrameRangeFromAnyFrame(String encoder, String profile, String pixFmt, String container, String pcm) {
    String name = encoder + " " + profile + "." + container;
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24", "-f", "lavfi", "-i",
        "sine=sample_rate=48000", "-frames:v", "60", "-shortest", "-ac", "2", "-c:v", encoder, "-profile:v", profile,
        "-pix_fmt", pixFmt, "-c:a", pcm));
    Path master = RealFfmpeg.ffmpeg(dir.resolve(name), args.toArray(String[]::new));
    Sidecar sidecar = RenderFixtures.sidecar(master, container, GopStructure.intra());
    assertThat(sidecar.masterFacts().intraOnly()).isTrue();
    Segment segment = Segment.render(17, 13);
    Path out = dir.resolve("seg " + name + ".mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(13);
    assertThat(RenderFixtures.iFrames(out)).hasSize(13);
    for (String field : List.of("codec_name", "profile", "pix_fmt", "width", "height")) {
      assertThat(RenderFixtures.streamField(out, "v:0", field)).as(field).isEqualTo(RenderFixtures.streamField(master, "v:0", field));
    }
    assertThat(RenderFixtures.streamField(out, "a:0", "codec_name")).isEqualTo(pcm);
    int[] samples = RenderFixtures.audioSamples(out);
    assertThat(samples).hasSize(13 * 2000 * 2);
    int shift = pcm.startsWith("pcm_s16") ? 16 : 8;
    int precision = pcm.startsWith("pcm_s16") ? 1 : 0; // 16 bits keep the count to 1/16
    assertThat(samples[0] >> shift).isCloseTo((int) (17 * 2000 % 1048576) >> (shift - 8), org.assertj.core.data.Offset.offset(precision));
    assertThat(samples[samples.length - 1] >> shift).isCloseTo((int) ((30 * 2000 - 1) % 1048576) >> (shift - 8),
        org.assertj.core.data.Offset.offset(precision));
    // the source's pictures, not the master's (DNxHR at this tiny size is coarse: compare both)
    double fromSource = RenderFixtures.psnr(out, source, 17, 13, pixFmt);
    assertThat(fromSource).isGreaterThan(22).isGreaterThan(RenderFixtures.psnr(out, master, 17, 13, pixFmt) + 8);
  }

  /**
   * A change of a frame or three re-renders just those frames; the segment's Matroska file must still declare the
   * master's frame rate, which ffprobe cannot guess from one or three millisecond timestamps (it read 1000/1 and
   * 353/12, and the engine refused the segment), and hold every frame.
   */
  @ParameterizedTest(name = "{0}+{1}")
  @CsvSource({"0, 3", "30, 1", "59, 1"})
  void aShortSegmentDeclaresTheMastersFrameRate(long start, long frames) {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("short prores.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24",
        "-frames:v", "60", "-c:v", "prores_ks", "-profile:v", "hq", "-pix_fmt", "yuv422p10le");
    Sidecar sidecar = RenderFixtures.sidecar(master, "mov", GopStructure.intra());
    Path out = dir.resolve("short seg " + start + "+" + frames + ".mkv");

    renderer.render(RenderFixtures.request(master, sidecar, Segment.render(start, frames), out));

    assertThat(RenderFixtures.streamField(out, "v:0", "r_frame_rate")).isEqualTo("24/1");
    assertThat(RenderFixtures.streamField(out, "v:0", "avg_frame_rate")).isEqualTo("24/1");
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(frames);
  }
}
