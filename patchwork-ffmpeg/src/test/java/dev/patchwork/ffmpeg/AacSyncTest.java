package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AAC audio keeps its place against the picture through patches. In Matroska the encoder's priming samples sit before
 * time 0 (the first packet at -21 ms); counted as if they started at the first frame, every patch put the sound
 * 21 ms later. The evidence: where a tone that starts at exactly 1 s begins in the decoded audio, master against
 * output, after two patches in a row.
 */
class AacSyncTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"mkv", "mp4"})
  void theSoundStaysInPlaceAcrossPatches(String ext) throws IOException {
    Path dir = TestPaths.awkwardDir(tmp);
    String tone = "aevalsrc=if(gte(t\\,1)\\,0.5*sin(2*PI*440*t)\\,0):s=48000";
    Path master = RealFfmpeg.ffmpeg(dir.resolve("Mäster aac." + ext), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi",
        "-i", tone, "-frames:v", "100", "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25",
        "-sc_threshold", "0", "-bf", "2", "-c:a", "aac", "-b:a", "192k");
    Path source = RealFfmpeg.ffmpeg(dir.resolve("new." + "mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90", "-f",
        "lavfi", "-i", tone, "-frames:v", "100", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    TestSidecars.adopt(master, ext.equals("mkv") ? "matroska" : "mp4");
    List<String> h264 = List.of("-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "2");
    FfmpegPatchEngine engine = new FfmpegPatchEngine(RealFfmpeg.tools());

    Path once = dir.resolve("once." + ext);
    PatchResult first = Patchwork.forMaster(master).renderer(new SourceRenderer(source, h264, true, dir)).engine(engine).output(once)
        .patch(List.of(Change.of(70, 5)));
    Path twice = dir.resolve("twice." + ext);
    Patchwork.forMaster(once).renderer(new SourceRenderer(source, h264, true, dir)).engine(engine).output(twice)
        .patch(List.of(Change.of(80, 5)));

    long m = onset(master);
    assertThat(Math.abs(onset(once) - m)).as("samples the tone moved after one patch").isLessThanOrEqualTo(48);
    assertThat(Math.abs(onset(twice) - m)).as("after two").isLessThanOrEqualTo(48);
  }

  /** The first sample, in the decoded audio, louder than a tenth of the tone. */
  private static long onset(Path media) {
    int[] s = RealFfmpeg.audioSamples(media, 0);
    int channels = 1;
    for (int i = 0; i < s.length; i += channels) {
      if (Math.abs((long) s[i]) > Integer.MAX_VALUE / 20) return i / channels;
    }
    return -1;
  }
}
