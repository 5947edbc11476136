package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Masters whose sound starts after the picture (here half a second in: an empty edit in MOV, a later first block in
 * Matroska). The splice used to count the master's samples from the first frame and to start the spliced track at time
 * 0, so the output's sound moved half a second earlier against its picture — and verification, which compared only
 * sample counts, passed it. Now the output's audio must start where the master's does, and every sample must be the
 * one that plays at that time: the new source's inside the re-rendered frames, the master's elsewhere. The sound is
 * noise, so that a sample moved by any amount is another sample (a tone repeats every period).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateAudioSpliceTest {

  private static final int RATE = 48000;
  private static final int LEAD = RATE / 2; // the master's first sample plays at 0.5 s

  @TempDir static Path tmp;
  Path dir;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  private Path master(String ext) {
    Path m = RealFfmpeg.ffmpeg(dir.resolve("late sound master." + ext), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-itsoffset", "0.5", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=1", "-map", "0:v", "-map", "1:a", "-t", "8",
        "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
        "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(m, SidecarPaths.defaultFor(m), true, PatchListener.NONE);
    return m;
  }

  /** A new source whose sound starts at {@code soundStart} seconds. */
  private Path source(String name, String soundStart) {
    return RealFfmpeg.ffmpeg(dir.resolve(name), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90", "-itsoffset", soundStart,
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-map", "0:v", "-map", "1:a", "-t", "8",
        "-c:v", "ffv1", "-c:a", "pcm_s16le");
  }

  @ParameterizedTest(name = "{0}: frames {1}+{2}, new sound from {3} s")
  @CsvSource({"mov, 100, 10, 0", "mov, 0, 5, 0", "mov, 0, 5, 0.5", "mkv, 100, 10, 0", "mkv, 0, 5, 0.5", "mkv, 190, 10, 0"})
  void theOutputsSoundStartsWhereTheMastersDoesAndEverySampleKeepsItsTime(String ext, int start, int frames, String soundStart) {
    Path master = master(ext);
    Path source = source("new sound at " + soundStart + " " + start + "." + ext, soundStart);
    Path out = dir.resolve("patched " + start + "+" + frames + " " + soundStart + "." + ext);

    var result = Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(start, frames)));

    assertThat(startTime(out)).as("the output's sound starts").isEqualByComparingTo(startTime(master)).isEqualByComparingTo("0.5");
    int[] ma = RealFfmpeg.audioSamples(master, 0);
    int[] sa = RealFfmpeg.audioSamples(source, 0);
    int[] oa = RealFfmpeg.audioSamples(out, 0);
    assertThat(oa.length).as("audio samples").isEqualTo(ma.length);
    int sourceLead = new BigDecimal(soundStart).multiply(BigDecimal.valueOf(RATE)).intValueExact();
    // the re-rendered frames (GOP-aligned by the plan) on the timeline, in samples
    var rendered = result.plan().renderSegments().get(0);
    long from = rendered.start() * RATE / 25;
    long to = rendered.endExclusive() * RATE / 25;
    for (int i = 0; i < oa.length; i++) {
      long t = i + LEAD; // when output sample i plays
      boolean isNew = t >= from && t < to;
      int expected = isNew ? sa[(int) (t - sourceLead)] : ma[i];
      if (oa[i] != expected) {
        throw new AssertionError("sample " + i + " (at " + t + "/48000 s) is " + oa[i] + ", expected the " + (isNew ? "new source's " : "master's ")
            + expected + " (re-rendered: " + from + ".." + (to - 1) + ")");
      }
    }
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mov", "mkv"})
  void aPictureOnlyChangeKeepsTheMastersSoundWhereItWas(String ext) {
    Path master = master(ext);
    // the same sound, a box drawn over frames 100-110
    Path source = RealFfmpeg.ffmpeg(dir.resolve("boxed." + ext), "-i", master.toString(), "-map", "0:v", "-map", "0:a", "-vf",
        "drawbox=x=10:y=10:w=100:h=100:color=red:t=fill:enable='between(n,100,110)'", "-c:v", "ffv1", "-c:a", "copy");
    Path out = dir.resolve("boxed patched." + ext);

    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(100, 11)));

    assertThat(startTime(out)).isEqualByComparingTo("0.5");
    assertThat(RealFfmpeg.audioSamples(out, 0)).isEqualTo(RealFfmpeg.audioSamples(master, 0));
  }

  /**
   * The other way round: an MP4/MOV written without edit lists shows its first frame after the B-frames' delay, so
   * its sound starts before the picture (here two frames, 80 ms). Frame {@code f}'s sound is then that much later
   * in the master's stream, and the sound before the first frame stays the master's.
   */
  @ParameterizedTest(name = "{0}: frames {1}+{2}")
  @CsvSource({"mp4, 100, 10", "mov, 0, 5", "mp4, 190, 10"})
  void soundThatStartsBeforeThePictureKeepsItsPlaceToo(String ext, int start, int frames) {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("early sound " + start + "." + ext), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=3", "-map", "0:v", "-map", "1:a", "-t", "8", "-c:v", "libx264", "-preset",
        "veryfast", "-bf", "2", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le",
        "-use_editlist", "0");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    BigDecimal video = startTime(master, "v:0");
    assertThat(video).as("the first frame's time").isPositive();
    assertThat(startTime(master, "a:0")).as("the sound's start").isZero();
    Path source = source("new sound for early " + start + ".mkv", "0");
    Path out = dir.resolve("early patched " + start + "+" + frames + "." + ext);

    var result = Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(start, frames)));

    assertThat(startTime(out, "v:0")).isEqualByComparingTo(video);
    assertThat(startTime(out, "a:0")).isZero();
    int lead = -video.multiply(BigDecimal.valueOf(RATE)).intValueExact(); // the sound leads the picture
    int[] ma = RealFfmpeg.audioSamples(master, 0);
    int[] sa = RealFfmpeg.audioSamples(source, 0);
    int[] oa = RealFfmpeg.audioSamples(out, 0);
    assertThat(oa.length).as("audio samples").isEqualTo(ma.length);
    var rendered = result.plan().renderSegments().get(0);
    long from = rendered.start() * RATE / 25;
    long to = rendered.endExclusive() * RATE / 25;
    for (int i = 0; i < oa.length; i++) {
      long t = i + lead; // when output sample i plays, from the first frame on
      boolean isNew = t >= from && t < to;
      int expected = isNew ? sa[(int) t] : ma[i];
      if (oa[i] != expected) {
        throw new AssertionError("sample " + i + " (at " + t + "/48000 s) is " + oa[i] + ", expected the " + (isNew ? "new source's " : "master's ")
            + expected + " (re-rendered: " + from + ".." + (to - 1) + ")");
      }
    }
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }

  private static BigDecimal startTime(Path media) {
    return startTime(media, "a:0");
  }

  private static BigDecimal startTime(Path media, String stream) {
    return new BigDecimal(RealFfmpeg.ffprobe(media, "-select_streams", stream, "-show_entries", "stream=start_time", "-of", "csv=p=0").strip());
  }
}
