package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.VerificationException;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A patch checks the output's PCM sound over the re-rendered frames (and a second either side) against what the splice
 * was to put there before it publishes: sound that is not the rendered segment's fails verification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplicedAudioVerificationTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Path source;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    master = RealFfmpeg.ffmpeg(dir.resolve("master.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "anoisesrc=r=48000:a=0.3:seed=1", "-frames:v", "100", "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
        "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    // new picture and new sound
    source = RealFfmpeg.ffmpeg(dir.resolve("new.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90", "-f", "lavfi", "-i",
        "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "100", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
  }

  @Test
  void newSoundIsCheckedInTheOutput() {
    Path out = dir.resolve("patched.mov");
    PatchResult result = patch(out, PatchListener.NONE);
    // independent: the output's samples over frames 25-49 are the new source's, before and after the master's
    int[] o = RealFfmpeg.audioSamples(result.output(), 0);
    int[] m = RealFfmpeg.audioSamples(master, 0);
    int[] n = RealFfmpeg.audioSamples(source, 0);
    int from = 25 * 1920;
    int to = 50 * 1920;
    assertThat(o).hasSameSizeAs(m);
    assertThat(java.util.Arrays.copyOfRange(o, from, to)).isEqualTo(java.util.Arrays.copyOfRange(n, from, to));
    assertThat(java.util.Arrays.copyOfRange(o, 0, from)).isEqualTo(java.util.Arrays.copyOfRange(m, 0, from));
    assertThat(java.util.Arrays.copyOfRange(o, to, o.length)).isEqualTo(java.util.Arrays.copyOfRange(m, to, m.length));
  }

  @Test
  void soundChangedAfterItWasCheckedFailsVerification() {
    Path out = dir.resolve("tampered.mov");
    // when the splice starts, bytes in the middle of the rendered segment's sound are changed: the splice takes them
    PatchListener tamper = new PatchListener() {
      @Override
      public void message(String text) {
        if (!text.equals("splicing")) return;
        try (Stream<Path> files = Files.list(dir)) {
          Path ws = files.filter(p -> p.getFileName().toString().startsWith(".tampered.mov.patchwork-")).findFirst().orElseThrow();
          Path rendered = ws.resolve("render-0.mkv");
          List<RealFfmpeg.ProbedPacket> audio = RealFfmpeg.packets(rendered, "a:0");
          RealFfmpeg.ProbedPacket p = audio.get(audio.size() / 2);
          try (RandomAccessFile f = new RandomAccessFile(rendered.toFile(), "rw")) {
            for (int i = 0; i < 64; i++) {
              long at = p.pos() + p.size() / 2 + i;
              f.seek(at);
              int b = f.read();
              f.seek(at);
              f.write(b ^ 0x55);
            }
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    assertThatThrownBy(() -> patch(out, tamper))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("is not the rendered segment's sound");
    assertThat(out).doesNotExist();
  }

  private PatchResult patch(Path out, PatchListener listener) {
    return Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).listener(listener).output(out).patch(List.of(Change.of(30, 5)));
  }
}
