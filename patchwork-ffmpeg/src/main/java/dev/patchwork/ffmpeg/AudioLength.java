package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.nio.file.Path;
import java.util.List;

/**
 * How long an audio stream is, from its packets (no decoding): exactly in samples for PCM (its bytes over the bytes
 * per sample), else from where its last packet ends.
 */
final class AudioLength {

  private AudioLength() {}

  /** Bytes per sample and channel of a PCM codec ({@code pcm_s24le} → 3), or 0 if it is not PCM. */
  static int pcmBytes(String codec) {
    if (!codec.startsWith("pcm_")) return 0;
    String digits = codec.replaceAll("[^0-9]", "");
    if (digits.isEmpty()) return codec.contains("law") ? 1 : 0; // pcm_alaw, pcm_mulaw
    int bits = Integer.parseInt(digits);
    return bits % 8 == 0 ? bits / 8 : 0;
  }

  /** Samples (per channel) in audio stream {@code index} of {@code file}. */
  static long samples(FfmpegTools tools, Path file, int index, AudioStream stream) {
    Totals t = totals(tools, file, index);
    int bytes = pcmBytes(stream.codecName());
    if (bytes > 0 && stream.channels() > 0) return t.bytes / ((long) bytes * stream.channels());
    return Math.floorDiv(Math.multiplyExact(Math.multiplyExact(t.end, t.timeBase.numerator()), stream.sampleRate()), t.timeBase.denominator());
  }

  /** Where audio stream {@code index} ends, in microseconds: its last packet's timestamp plus duration. */
  static long endMicros(FfmpegTools tools, Path file, int index) {
    Totals t = totals(tools, file, index);
    return SpliceTime.floorMicros(t.end, t.timeBase);
  }

  private record Totals(TimeBase timeBase, long end, long bytes) {}

  private static Totals totals(FfmpegTools tools, Path file, int index) {
    String out = ProcessRunner.command(List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "a:" + index,
        "-show_entries", "packet=pts,duration,size:stream=time_base", "-of", "compact=p=0:nk=0", file.toString()))
        .environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    TimeBase tb = null;
    long end = 0;
    long bytes = 0;
    for (String line : out.split("\n")) {
      if (line.startsWith("time_base=")) {
        tb = TimeBase.parse(line.substring("time_base=".length()).strip());
        continue;
      }
      long pts = field(line, "pts");
      long dur = field(line, "duration");
      long size = field(line, "size");
      if (size > 0) bytes += size;
      if (pts != Long.MIN_VALUE) end = Math.max(end, pts + Math.max(0, dur == Long.MIN_VALUE ? 0 : dur));
    }
    if (tb == null) throw new PatchworkException("ffprobe reported no time base for audio stream " + index + " of " + file);
    return new Totals(tb, end, bytes);
  }

  private static long field(String line, String key) {
    for (String part : line.split("\\|")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(key)) {
        try {
          return Long.parseLong(part.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
          return Long.MIN_VALUE;
        }
      }
    }
    return Long.MIN_VALUE;
  }
}
