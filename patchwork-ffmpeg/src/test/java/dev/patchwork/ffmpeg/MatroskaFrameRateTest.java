package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Matroska masters at rates whose frames are not whole milliseconds (24, 23.976, 59.94) patched from their first GOP on
 * with the real renderer: the patched file's first piece is then a rendered segment, whose Matroska track header must
 * carry the master's frame rate (its default duration), not one guessed from the segment's rounded timestamps; and
 * the master's rate is the standard one (ffprobe reads 59.94 in Matroska as 19001/317).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MatroskaFrameRateTest {

  @TempDir static Path tmp;
  Path dir;
  FfmpegPatchEngine engine;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
  }

  @ParameterizedTest
  @ValueSource(strings = {"24", "24000/1001", "60000/1001"})
  void aChangeInTheFirstGopKeepsTheMastersFrameRate(String rate) {
    String name = rate.replace('/', '-');
    Path master = RealFfmpeg.testClip(dir.resolve("Mäster " + name + ".mkv"), rate, 72, "-c:v", "libx264", "-preset", "veryfast",
        "-crf", "22", "-g", "24", "-keyint_min", "24", "-sc_threshold", "0", "-bf", "2", "-c:a", "pcm_s16le");
    Path source = RealFfmpeg.ffmpeg(dir.resolve("new source " + name + ".mkv"), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=" + rate + ",hue=h=90", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000",
        "-frames:v", "72", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), false, PatchListener.NONE);
    Path out = dir.resolve("patched " + name + ".mkv");

    PatchResult r = Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools())).engine(engine)
        .output(out).patch(List.of(Change.of(0, 3)));

    assertThat(r.renderedFrames()).isEqualTo(24);
    assertThat(Sidecars.read(SidecarPaths.defaultFor(master)).master().frameRate()).isEqualTo(FrameRate.parse(rate));
    assertThat(Sidecars.read(SidecarPaths.defaultFor(out)).master().frameRate()).isEqualTo(FrameRate.parse(rate));
    assertThat(RealFfmpeg.ffprobe(out, "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate,avg_frame_rate", "-of", "csv=p=0"))
        .isEqualTo(RealFfmpeg.ffprobe(master, "-select_streams", "v:0", "-show_entries", "stream=r_frame_rate,avg_frame_rate", "-of",
            "csv=p=0"));
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(72);
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }
}
