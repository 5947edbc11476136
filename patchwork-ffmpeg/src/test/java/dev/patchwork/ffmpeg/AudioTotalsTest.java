package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audio lengths the engine takes from a probe (MOV/MP4 PCM from the sample table, other audio from a pass over its
 * packets in the same ffprobe run as the video's), and {@link SameAudio}'s comparison of a segment's samples with the
 * master's — both against decoded samples counted by ffmpeg.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AudioTotalsTest {

  @TempDir static Path tmp;
  Path dir;
  Path mov;
  Path mkv;
  Path mp4;

  @BeforeAll
  void media() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    // two PCM streams of different lengths, rates and layouts, and AAC in MP4
    String[] inputs = {"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
        "-f", "lavfi", "-i", "sine=sample_rate=44100:frequency=300:duration=1.7", "-map", "0:v", "-map", "1:a", "-map", "2:a", "-t", "2.013",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "25"};
    mov = RealFfmpeg.ffmpeg(dir.resolve("pcm ä.mov"), concat(inputs, "-c:a:0", "pcm_s16le", "-ac:a:0", "2", "-c:a:1", "pcm_s24be"));
    mkv = RealFfmpeg.ffmpeg(dir.resolve("pcm ä.mkv"), concat(inputs, "-c:a:0", "pcm_s16le", "-ac:a:0", "2", "-c:a:1", "pcm_s24le"));
    mp4 = RealFfmpeg.ffmpeg(dir.resolve("aac ä.mp4"), concat(inputs, "-c:a", "aac"));
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void pcmLengthsFromTheProbeAreTheDecodedSampleCounts() {
    for (Path media : List.of(mov, mkv)) {
      FfprobeProber.Probed p = new FfprobeProber(RealFfmpeg.tools()).probe(media, true);
      List<AudioStream> streams = p.media().audioStreams();
      assertThat(p.audio()).hasSize(2);
      for (int i = 0; i < 2; i++) {
        long decoded = RealFfmpeg.audioSamples(media, i).length / streams.get(i).channels();
        assertThat(AudioLength.samples(p.audio().get(i), streams.get(i))).as("%s stream %d", media.getFileName(), i).isEqualTo(decoded)
            .isEqualTo(AudioLength.samples(RealFfmpeg.tools(), media, i, streams.get(i)));
      }
    }
  }

  @Test
  void compressedAudioEndsWhereItsPacketsEnd() {
    FfprobeProber.Probed p = new FfprobeProber(RealFfmpeg.tools()).probe(mp4, true);
    for (int i = 0; i < 2; i++) {
      assertThat(AudioLength.endMicros(p.audio().get(i))).isEqualTo(AudioLength.endMicros(RealFfmpeg.tools(), mp4, i)).isPositive();
    }
    assertThat(new FfprobeProber(RealFfmpeg.tools()).probe(mp4, false).audio()).isEmpty();
  }

  @Test
  void sameAudioComparesTheMastersSamplesOverASegmentWithAFilesOwn() {
    for (Path media : List.of(mov, mkv)) {
      FfprobeProber.Probed p = new FfprobeProber(RealFfmpeg.tools()).probe(media, true);
      assertThat(SameAudio.comparable(p.media())).isTrue();
      long total = AudioLength.samples(p.audio().get(0), p.media().audioStreams().get(0));
      SameAudio.Span span = SameAudio.spans(List.of(Segment.render(20, 10)), p.media(), total, AudioLength.Start.ZERO).get(0);
      assertThat(span.from()).isEqualTo(20 * 48000 / 25);
      assertThat(span.count()).isEqualTo(10 * 48000 / 25);
      String fromMaster = SameAudio.master(RealFfmpeg.tools(), p.media(), p.audio().get(0), span);

      // the same samples cut out by ffmpeg on its own, and one sample later
      Path same = RealFfmpeg.ffmpeg(dir.resolve("same " + media.getFileName() + ".mkv"), "-i", media.toString(), "-map", "0:a:0",
          "-af", "atrim=start_sample=" + span.from() + ":end_sample=" + (span.from() + span.count()), "-c:a", "pcm_s16le");
      Path later = RealFfmpeg.ffmpeg(dir.resolve("later " + media.getFileName() + ".mkv"), "-i", media.toString(), "-map", "0:a:0",
          "-af", "atrim=start_sample=" + (span.from() + 1) + ":end_sample=" + (span.from() + span.count() + 1), "-c:a", "pcm_s16le");
      assertThat(SameAudio.rendered(RealFfmpeg.tools(), p.media(), same, span)).as(media.getFileName().toString()).isEqualTo(fromMaster);
      assertThat(SameAudio.rendered(RealFfmpeg.tools(), p.media(), later, span)).isNotEqualTo(fromMaster);
    }
    assertThat(SameAudio.comparable(new FfprobeProber(RealFfmpeg.tools()).probeMedia(mp4))).isFalse();
  }
}
