package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.PatchListener;
import dev.patchwork.Patchwork;
import dev.patchwork.UnsupportedMasterException;
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
 * A fragmented MP4/MOV ({@code moof} boxes, as written with {@code -movflags frag_keyframe+empty_moov}) keeps its samples'
 * tables in the fragments. The splice writes one {@code moov}, so the output would no longer be fragmented, and with AAC
 * (whose first fragment gives no time to the first packet) the patch failed its verification ("audio stream 0 ends at
 * 4.032000 s in the output, at 4.090666 s in the master"). Such a master is refused before anything is rendered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FragmentedMp4RefusalTest {

  @TempDir static Path tmp;
  Path dir;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource({"mp4, aac", "mov, pcm_s16le"})
  void aFragmentedMasterIsRefusedAndNothingIsWritten(String ext, String audio) {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("fragmented " + audio + "." + ext), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=4", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=1:duration=4", "-c:v", "libx264",
        "-preset", "veryfast", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", audio, "-movflags",
        "frag_keyframe+empty_moov");
    assertThat(Splicer.hasTopLevelBox(master, "moof")).as("the master is fragmented").isTrue();
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path source = RealFfmpeg.ffmpeg(dir.resolve("new for " + audio + ".mkv"), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=4,hue=h=90", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2:duration=4",
        "-c:v", "ffv1", "-c:a", "pcm_s16le");
    Path out = dir.resolve("patched fragmented " + audio + "." + ext);

    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(30, 10))))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("fragmented");
    assertThat(out).doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"mp4", "mov"})
  void anUnfragmentedFileHasNoFragments(String ext) {
    Path plain = RealFfmpeg.testClip(dir.resolve("plain." + ext), "25", 10, "-c:v", "libx264", "-c:a", "aac");
    Path faststart = RealFfmpeg.testClip(dir.resolve("faststart." + ext), "25", 10, "-c:v", "libx264", "-c:a", "aac", "-movflags",
        "+faststart");

    assertThat(Splicer.hasTopLevelBox(plain, "moof")).isFalse();
    assertThat(Splicer.hasTopLevelBox(faststart, "moof")).isFalse();
    assertThat(Splicer.hasTopLevelBox(plain, "moov")).isTrue();
  }
}
