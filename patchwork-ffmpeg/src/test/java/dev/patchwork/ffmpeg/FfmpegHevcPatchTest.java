package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * x265 masters patched end to end with the real renderer, as {@code patchwork patch --source} does. x265 writes its
 * option string into an SEI beside the parameter sets in the hvcC, and the re-encode cannot repeat it to the letter
 * ({@code log-level} is not carried over, open GOPs are rendered with {@code min-keyint=1}, {@code scenecut-bias}
 * prints as a fraction but parses as a percentage): the segment must be accepted on its VPS, SPS and PPS alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegHevcPatchTest {

  @TempDir static Path tmp;
  Path dir;
  FfmpegPatchEngine engine;
  Path source;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
    source = RealFfmpeg.newSource(dir.resolve("new source.mkv"), 50, "pcm_s16le");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "mp4, keyint=25:min-keyint=25:scenecut=0:log-level=error",
      "mkv, keyint=25:min-keyint=25:scenecut=0:no-open-gop=1:bframes=0:log-level=error"})
  void aMasterEncodedWithX265IsPatched(String container, String x265Params) {
    Path master = RealFfmpeg.testClip(dir.resolve("x265 Mäster " + x265Params.length() + "." + container), "25", 50,
        "-c:v", "libx265", "-preset", "ultrafast", "-crf", "26", "-x265-params", x265Params, "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), false, PatchListener.NONE);
    Path out = dir.resolve("patched " + x265Params.length() + "." + container);

    PatchResult r = Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools())).engine(engine)
        .output(out).patch(List.of(Change.of(30, 5)));

    assertThat(r.renderedFrames()).isEqualTo(25);
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(50);
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
    for (String field : List.of("profile", "level", "pix_fmt")) {
      assertThat(RealFfmpeg.ffprobe(out, "-select_streams", "v:0", "-show_entries", "stream=" + field, "-of", "csv=p=0"))
          .as(field).isEqualTo(RealFfmpeg.ffprobe(master, "-select_streams", "v:0", "-show_entries", "stream=" + field, "-of", "csv=p=0"));
    }
  }
}
