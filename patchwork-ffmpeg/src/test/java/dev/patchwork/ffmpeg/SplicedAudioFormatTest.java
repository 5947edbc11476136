package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
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
 * A master whose audio the splice re-encodes keeps its audio format, whichever piece opens the spliced audio: a change
 * at frame 0 puts the renderer's 24-bit PCM first, which must not make a 16-bit lossless track 24-bit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplicedAudioFormatTest {

  @TempDir static Path tmp;
  Path dir;
  FfmpegPatchEngine engine;
  Path source;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
    source = RealFfmpeg.newSource(dir.resolve("new source.mkv"), 50, "pcm_s24le");
  }

  @ParameterizedTest(name = "{0} {1} from frame {2}")
  @CsvSource({"flac, s16, 0", "flac, s16, 30", "flac, s32, 0", "alac, s16p, 0"})
  void aLosslessTrackKeepsItsBitDepth(String codec, String sampleFormat, int from) {
    String ext = codec.equals("alac") ? "mov" : "mkv";
    Path master = RealFfmpeg.testClip(dir.resolve("Mäster " + codec + " " + sampleFormat + " " + from + "." + ext), "25", 50,
        "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-c:a", codec,
        "-sample_fmt", sampleFormat);
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), false, PatchListener.NONE);
    Path out = dir.resolve("patched " + codec + " " + sampleFormat + " " + from + "." + ext);

    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools())).engine(engine).output(out)
        .patch(List.of(Change.of(from, 2)));

    String fields = "stream=codec_name,sample_fmt,bits_per_raw_sample,sample_rate,channels";
    assertThat(RealFfmpeg.ffprobe(out, "-select_streams", "a:0", "-show_entries", fields, "-of", "csv=p=0"))
        .isEqualTo(RealFfmpeg.ffprobe(master, "-select_streams", "a:0", "-show_entries", fields, "-of", "csv=p=0"));
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }
}
