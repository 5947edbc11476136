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
 * A lossy track's last packet is padded to a whole frame: decoded, it gives more samples than the track holds (MP4 says
 * how many in its edit list; Matroska's last block ends after them). The splice re-encodes the whole first audio track
 * and took the master's sound to the end of what it decodes to, padding included, so a patched MP4's sound was longer
 * than the master's (4.000 s became 4.010 s), and a Matroska master's grew by one AAC frame at every patch. The master's
 * sound now ends where its packets say it does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LossyAudioTailTest {

  @TempDir static Path tmp;
  Path dir;
  Path source;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    source = RealFfmpeg.ffmpeg(dir.resolve("new.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=3,hue=h=90",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2:duration=3", "-c:v", "ffv1", "-c:a", "pcm_s16le");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"mp4, aac", "mkv, aac", "mkv, eac3", "mov, ac3"})
  void patchingTwiceKeepsTheSoundsLength(String ext, String codec) {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master " + codec + "." + ext), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=1:duration=3", "-c:v", "libx264",
        "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", codec);
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path once = patch(master, "once " + codec + "." + ext);
    Path twice = patch(once, "twice " + codec + "." + ext);

    String length = length(master);
    assertThat(length(once)).as("after one patch").isEqualTo(length);
    assertThat(length(twice)).as("after two patches").isEqualTo(length);
  }

  private Path patch(Path master, String name) {
    Path out = dir.resolve(name);
    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(30, 10)));
    return out;
  }

  /** The audio's packet count and where its last packet ends, as ffprobe reads them. */
  private static String length(Path media) {
    List<String> packets = RealFfmpeg.ffprobe(media, "-select_streams", "a:0", "-show_entries", "packet=pts,duration", "-of", "csv=p=0")
        .strip().lines().toList();
    String[] last = packets.get(packets.size() - 1).split(",");
    return packets.size() + " packets, the last ending at " + (Long.parseLong(last[0]) + Long.parseLong(last[1]));
  }
}
