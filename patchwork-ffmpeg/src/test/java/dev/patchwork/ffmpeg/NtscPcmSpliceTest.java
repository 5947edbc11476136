package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * At 29.97 fps a frame is 1601.6 samples of 48 kHz audio, so a seam's exact sample position is rarely whole. The renderer
 * and the splice must round it alike: frame 3 starts at 4804.8, which the renderer rounds to 4805; a splice that cut the
 * master at 4804 asked the rendered piece for one sample more than it holds, and the patch failed its verification
 * ("audio stream 0 has 47103 samples in the output, 47104 in the master").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NtscPcmSpliceTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Path source;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    master = RealFfmpeg.testClip(dir.resolve("master 2997.mov"), "30000/1001", 30, "-c:v", "prores_ks", "-profile:v", "0",
        "-c:a", "pcm_s16le", "-timecode", "00:59:59;00");
    source = RealFfmpeg.ffmpeg(dir.resolve("new 2997.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001,hue=h=90",
        "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000", "-frames:v", "30", "-shortest", "-c:v", "ffv1",
        "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), false, PatchListener.NONE);
  }

  @ParameterizedTest(name = "frames {0}+{1}")
  @CsvSource({"3, 2", "5, 3", "1, 28"})
  void seamsOffWholeSamplesSpliceTheRenderedAudioWhole(int start, int frames) {
    Path out = dir.resolve("patched " + start + "+" + frames + ".mov");

    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(start, frames)));

    int[] ma = RealFfmpeg.audioSamples(master, 0);
    int[] sa = RealFfmpeg.audioSamples(source, 0);
    int[] oa = RealFfmpeg.audioSamples(out, 0);
    assertThat(oa.length).as("audio samples").isEqualTo(ma.length);
    int from = (int) PcmSamples.startOf(start, FrameRate.FPS_29_97, 48000);
    int to = (int) PcmSamples.startOf(start + frames, FrameRate.FPS_29_97, 48000);
    for (int i = 0; i < oa.length; i++) {
      int expected = i >= from && i < to ? sa[i] : ma[i];
      if (oa[i] != expected) {
        throw new AssertionError("sample " + i + " is " + oa[i] + ", expected the " + (i >= from && i < to ? "new source's " : "master's ")
            + expected + " (render covers samples " + from + ".." + (to - 1) + ")");
      }
    }
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }
}
