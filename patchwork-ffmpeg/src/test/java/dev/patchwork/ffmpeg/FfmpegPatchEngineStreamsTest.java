package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a deliverable carries besides its first video and audio stream survives a patch: further audio streams,
 * subtitles, a faststart layout; and the listener hears about every step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegPatchEngineStreamsTest {

  @TempDir static Path tmp;
  Path dir;
  FfmpegPatchEngine engine;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
  }

  @Test
  void furtherAudioStreamsAndSubtitlesAreKeptAndTheListenerHearsEveryStep() throws IOException {
    Path srt = Files.writeString(dir.resolve("subs.srt"), "1\n00:00:00,500 --> 00:00:01,500\nHallo Welt\n\n2\n00:00:02,000 --> 00:00:03,000\nÉté\n");
    Path master = RealFfmpeg.ffmpeg(dir.resolve("Mäster with streams.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=4", "-f", "lavfi", "-i",
        "sine=frequency=660:sample_rate=48000:duration=4", "-i", srt.toString(), "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "2",
        "-c:a", "pcm_s16le", "-c:s", "srt", "-metadata:s:a:1", "language=deu", "-metadata", "title=Feature Mäster");
    TestSidecars.adopt(master, "matroska");
    PatchMasters kind = PatchMasters.H264_MKV;
    SourceRenderer renderer = new SourceRenderer(kind.source(dir), kind.videoArgs, true, dir);
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    List<String> messages = Collections.synchronizedList(new ArrayList<>());
    long[] lastProgress = {-1, -1};
    PatchListener listener = new PatchListener() {
      @Override
      public void segmentStarted(Segment segment) {
        events.add("start " + segment);
      }

      @Override
      public void segmentFinished(Segment segment) {
        events.add("end " + segment);
      }

      @Override
      public void progress(Segment segment, long done, long total) {
        if (segment == null) {
          lastProgress[0] = done;
          lastProgress[1] = total;
        }
      }

      @Override
      public void message(String text) {
        messages.add(text);
      }
    };
    Path out = dir.resolve("patched with streams.mkv");

    PatchResult r = Patchwork.forMaster(master).renderer(renderer).engine(engine).listener(listener).output(out)
        .patch(List.of(Change.of(30, 4)));

    PatchPlan plan = r.plan();
    assertThat(events).containsExactly("start " + plan.renderSegments().get(0), "end " + plan.renderSegments().get(0), "start null",
        "end null");
    assertThat(lastProgress[1]).isEqualTo(100);
    assertThat(lastProgress[0]).isEqualTo(100);
    assertThat(RealFfmpeg.ffprobe(out, "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0").strip())
        .isEqualTo(RealFfmpeg.ffprobe(master, "-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0").strip());
    assertThat(RealFfmpeg.audioSamples(out, 1)).as("second audio stream").isEqualTo(RealFfmpeg.audioSamples(master, 1));
    assertThat(messages).as("the user is told that track 2 keeps the master's sound")
        .anyMatch(m -> m.contains("first audio track") && m.contains("1 audio track(s) keep the master's sound"));
    assertThat(RealFfmpeg.ffprobe(out, "-select_streams", "s", "-show_entries", "packet=pts,duration,size", "-of", "csv=p=0"))
        .isEqualTo(RealFfmpeg.ffprobe(master, "-select_streams", "s", "-show_entries", "packet=pts,duration,size", "-of", "csv=p=0"));
    assertThat(RealFfmpeg.ffprobe(out, "-select_streams", "a:1", "-show_entries", "stream_tags=language", "-of", "csv=p=0").strip())
        .isEqualTo("deu");
    assertThat(RealFfmpeg.ffprobe(out, "-show_entries", "format_tags=title", "-of", "csv=p=0").strip()).isEqualTo("Feature Mäster");
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, master, out, plan, renderer);
  }

  @Test
  void audioThatIsTheMastersOwnIsCopiedPacketForPacket() throws IOException {
    PatchMasters kind = PatchMasters.H264_MOV_PCM_TMCD;
    Path master = kind.master(dir);
    TestSidecars.adopt(master, kind.container);
    // a picture-only change: the new source's sound is the master's
    Path source = RealFfmpeg.ffmpeg(dir.resolve("new picture, old sound.mkv"), "-i", kind.source(dir).toString(), "-i", master.toString(),
        "-map", "0:v", "-map", "1:a", "-c:v", "copy", "-c:a", "pcm_s24le");
    SourceRenderer renderer = new SourceRenderer(source, kind.videoArgs, true, dir);
    Path out = dir.resolve("picture only.mov");

    PatchResult r = Patchwork.forMaster(master).renderer(renderer).engine(engine).output(out).patch(List.of(Change.of(40, 5)));

    assertThat(RealFfmpeg.audioPacketMd5s(out)).as("the master's audio packets, not a re-assembled track")
        .isEqualTo(RealFfmpeg.audioPacketMd5s(master));
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, master, out, r.plan(), renderer);
  }

  @Test
  void aFaststartMasterStaysFaststart() throws IOException {
    PatchMasters kind = PatchMasters.H264_MP4_AAC;
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-frames:v", "100", "-shortest"));
    args.addAll(kind.videoArgs);
    args.addAll(List.of("-c:a", "aac", "-movflags", "+faststart"));
    Path master = RealFfmpeg.ffmpeg(dir.resolve("fast Mäster.mp4"), args.toArray(String[]::new));
    assertThat(Splicer.moovFirst(master)).isTrue();
    TestSidecars.adopt(master, "mp4");
    SourceRenderer renderer = new SourceRenderer(kind.source(dir), kind.videoArgs, true, dir);
    Path out = dir.resolve("fast patched.mp4");

    PatchResult r = Patchwork.forMaster(master).renderer(renderer).engine(engine).output(out).patch(List.of(Change.of(60, 10)));

    assertThat(Splicer.moovFirst(out)).isTrue();
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, master, out, r.plan(), renderer);
  }
}
