package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tags of a master's subtitle and attachment streams survive a patch. The splice names the streams whose tags it
 * copies ({@code -map_metadata:s:a:0 …}), and ffmpeg then copies no other stream's tags: subtitles lost their language
 * and title, and a Matroska attachment lost its file name, without which the muxer refuses to write it (the patch
 * failed as a tool failure, "Attachment stream 2 has no filename tag").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SideStreamTagsTest {

  @TempDir static Path tmp;
  Path dir;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @Test
  void subtitleTagsAndAttachmentsAreTheMasters() throws IOException {
    Path srt = Files.writeString(dir.resolve("subs.srt"), "1\n00:00:00,500 --> 00:00:01,500\nHallo\n\n2\n00:00:02,000 --> 00:00:03,000\nWelt\n");
    Path font = Files.write(dir.resolve("font.ttf"), new byte[] {0, 1, 0, 0, 0, 42});
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master with attachment.mkv"), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25:duration=4", "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=1:duration=4", "-i", srt.toString(),
        "-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-keyint_min", "25",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "pcm_s16le", "-c:s", "srt", "-metadata:s:s:0", "language=ger",
        "-metadata:s:s:0", "title=Deutsch", "-attach", font.toString(), "-metadata:s:t:0", "mimetype=application/x-truetype-font");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path source = RealFfmpeg.ffmpeg(dir.resolve("new.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4,hue=h=90",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2:duration=4", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    Path out = dir.resolve("patched with attachment.mkv");

    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(Change.of(30, 10)));

    String tags = "stream=codec_type,codec_name:stream_tags=language,title,filename,mimetype";
    assertThat(streams(out, tags)).isEqualTo(streams(master, tags)).contains("subrip,subtitle,ger,Deutsch")
        .contains("ttf,attachment,font.ttf,application/x-truetype-font");
  }

  private static List<String> streams(Path media, String entries) {
    return RealFfmpeg.ffprobe(media, "-show_entries", entries, "-of", "csv=p=0").strip().lines().toList();
  }
}
