package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a rendered segment's audio is the master's own: the same samples as the master's first audio stream over the
 * segment's span (a picture-only change from an edited timeline whose sound did not change). Such audio need not be
 * spliced: the master's audio is then copied as it is, bit for bit, instead of being assembled and encoded again.
 *
 * <p>Compared for PCM masters only, by SHA-256 of the decoded samples written in the master's own PCM format: the
 * master's counted from its stream's first sample (as the splice's audio graph counts them), the segment's from its
 * first. A compressed master's decoded samples are never what a new source brings, so those are not compared.
 */
final class SameAudio {

  private SameAudio() {}

  /**
   * The samples the splice takes from a rendered segment: {@code [from, from + count)} of the master's stream (counted
   * from its first sample), which are the segment's audio from its sample {@code skip} on (more than 0 where the
   * segment starts before the master's sound does).
   */
  record Span(Segment segment, long from, long count, long skip) {}

  /** The spans the splice would take from rendered audio, one per RENDER segment (count 0 where nothing is taken). */
  static List<Span> spans(List<Segment> renderSegments, MediaProbe master, long totalSamples, AudioLength.Start start) {
    return renderSegments.stream().map(s -> span(s, master, totalSamples, start)).toList();
  }

  /**
   * The samples the splice takes from RENDER segment {@code s}'s audio for the master's first audio stream, which holds
   * {@code totalSamples} samples and starts at {@code start}: the segment's frames on the video's timeline, less any
   * part before the master's sound starts or after it ends (count 0 where nothing is left).
   */
  static Span span(Segment s, MediaProbe master, long totalSamples, AudioLength.Start start) {
    AudioStream a = master.audioStreams().get(0);
    long lead = start.lead();
    long from = SpliceTime.sampleOfFrame(s.start(), master.frameRate(), a.sampleRate());
    long to = Math.min(totalSamples + lead, SpliceTime.sampleOfFrame(s.endExclusive(), master.frameRate(), a.sampleRate()));
    long skip = Math.max(0, lead - from);
    long first = from + skip; // on the video's timeline
    return new Span(s, first - lead, Math.max(0, to - first), skip);
  }

  /**
   * Up to a second of the master's samples either side of each span of {@code taken} (with samples), where no other
   * span takes them: kept samples next to the changed ones, which a splice that mapped the sound wrongly would move.
   */
  static List<Span> around(List<Span> taken, long totalSamples, int sampleRate) {
    List<Span> spans = taken.stream().filter(s -> s.count() > 0).toList();
    List<Span> out = new ArrayList<>();
    for (int i = 0; i < spans.size(); i++) {
      Span s = spans.get(i);
      long previousEnd = i == 0 ? 0 : spans.get(i - 1).from() + spans.get(i - 1).count();
      long nextFrom = i + 1 < spans.size() ? spans.get(i + 1).from() : totalSamples;
      long before = Math.max(previousEnd, s.from() - sampleRate);
      if (s.from() > before) out.add(new Span(s.segment(), before, s.from() - before, 0));
      long after = s.from() + s.count();
      long afterEnd = Math.min(nextFrom, after + sampleRate);
      if (afterEnd > after) out.add(new Span(s.segment(), after, afterEnd - after, 0));
    }
    return out;
  }

  /** True if the master's audio is PCM, the only kind compared. */
  static boolean comparable(MediaProbe master) {
    return !master.audioStreams().isEmpty() && AudioLength.pcmBytes(master.audioStreams().get(0).codecName()) > 0;
  }

  /**
   * SHA-256 of the master's samples in {@code span}. Where the stream's timestamps name samples (MOV, MP4, MXF) ffmpeg
   * seeks to a second before them and cuts by timestamp (the stream's first sample has its first timestamp, from
   * {@code totals}); elsewhere (Matroska's milliseconds) the samples are counted from the stream's start.
   */
  static String master(FfmpegTools tools, MediaProbe master, AudioLength.Totals totals, Span span) {
    AudioStream a = master.audioStreams().get(0);
    TimeBase tb = totals.timeBase();
    long perSample = Math.multiplyExact(tb.numerator(), (long) a.sampleRate());
    if (totals.first() == PacketIndex.ABSENT || tb.denominator() % perSample != 0) {
      return hash(tools, master.path(), List.of(), a, "atrim=start_sample=" + span.from() + ":end_sample=" + (span.from() + span.count()));
    }
    long ticksPerSample = tb.denominator() / perSample;
    if (totals.first() % ticksPerSample != 0) {
      return hash(tools, master.path(), List.of(), a, "atrim=start_sample=" + span.from() + ":end_sample=" + (span.from() + span.count()));
    }
    long zero = totals.first() / ticksPerSample; // the stream's first sample, in samples of the container's clock
    long from = zero + span.from();
    long seekMicros = Math.max(0, Math.floorDiv(Math.multiplyExact(from, SpliceTime.MICROS), a.sampleRate()) - SpliceTime.MICROS);
    List<String> seek = List.of("-copyts", "-ss", SpliceTime.seconds(seekMicros));
    return hash(tools, master.path(), seek, a, "atrim=start_pts=" + from + ":end_pts=" + (from + span.count()));
  }

  /** SHA-256 of the {@code span.count()} samples of a rendered segment's audio that the splice takes, in the master's PCM format. */
  static String rendered(FfmpegTools tools, MediaProbe master, Path rendered, Span span) {
    return hash(tools, rendered, List.of(), master.audioStreams().get(0), renderedTrim(span));
  }

  /** The {@code atrim} filter that keeps the samples of a rendered segment's audio that the splice takes. */
  static String renderedTrim(Span span) {
    return span.skip() > 0 ? "atrim=start_sample=" + span.skip() + ":end_sample=" + (span.skip() + span.count())
        : "atrim=end_sample=" + span.count();
  }

  private static String hash(FfmpegTools tools, Path file, List<String> seek, AudioStream format, String trim) {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error"));
    argv.addAll(seek);
    argv.addAll(List.of("-i", file.toString(), "-map", "0:a:0", "-af", trim, "-c:a", format.codecName(), "-f", "hash", "-hash", "sha256",
        "pipe:1"));
    String out = ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).collectStdout().run().stdout().strip();
    if (!out.startsWith("SHA256=")) throw new PatchworkException("ffmpeg did not hash the audio of " + file + ": " + out);
    return out.substring("SHA256=".length());
  }
}
