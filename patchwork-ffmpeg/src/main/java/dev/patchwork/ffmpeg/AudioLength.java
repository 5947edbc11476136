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
    return samples(totals(tools, file, index), stream);
  }

  /** Samples (per channel) in an audio stream with these totals. */
  static long samples(Totals t, AudioStream stream) {
    int bytes = pcmBytes(stream.codecName());
    if (bytes > 0 && stream.channels() > 0) return t.bytes() / ((long) bytes * stream.channels());
    return Math.floorDiv(Math.multiplyExact(Math.multiplyExact(t.end(), t.timeBase().numerator()), stream.sampleRate()),
        t.timeBase().denominator());
  }

  /** Where audio stream {@code index} ends, in microseconds: its last packet's timestamp plus duration. */
  static long endMicros(FfmpegTools tools, Path file, int index) {
    return endMicros(totals(tools, file, index));
  }

  /** Where an audio stream with these totals ends, in microseconds. */
  static long endMicros(Totals t) {
    return SpliceTime.floorMicros(t.end(), t.timeBase());
  }

  /** Where an audio stream with these totals starts, in microseconds (its earliest packet); 0 if it has none. */
  static long startMicros(Totals t) {
    return t.first() == PacketIndex.ABSENT ? 0 : SpliceTime.floorMicros(t.first(), t.timeBase());
  }

  /** {@code ticks} of {@code tb} as a number of samples at {@code sampleRate}, rounded to the nearest. */
  static long ticksToSamples(long ticks, TimeBase tb, int sampleRate) {
    long num = Math.multiplyExact(Math.multiplyExact(ticks, tb.numerator()), sampleRate);
    return Math.floorDiv(Math.addExact(Math.multiplyExact(num, 2), tb.denominator()), Math.multiplyExact(2L, tb.denominator()));
  }

  /**
   * Where the master's first audio stream starts on its clock, in samples ({@code first}), and how many samples of the
   * video's timeline pass before it does ({@code lead}): 0 for a stream that starts with the first frame, {@code 0.5 ·
   * rate} for sound that starts half a second into the picture, negative for sound that starts before the first frame
   * (an MP4 without edit lists, whose first frame is shown after its B-frames' delay). Samples before time 0 (an AAC
   * encoder's priming) do not count: the splice drops them.
   *
   * @param first the stream's first sample at time 0 or later, in samples of the container's clock
   * @param lead  samples from the first frame's time to {@code first}
   */
  record Start(long first, long lead) {

    static final Start ZERO = new Start(0, 0);

    /** The start of {@code media}'s first audio stream, which has {@code totals} (null: unknown, taken as 0). */
    static Start of(Totals totals, MediaProbe media) {
      if (totals == null || totals.first() == PacketIndex.ABSENT || media.audioStreams().isEmpty()) return ZERO;
      int rate = media.audioStreams().get(0).sampleRate();
      long first = Math.max(0, ticksToSamples(totals.first(), totals.timeBase(), rate));
      PacketIndex v = media.packets();
      long videoFirst = v.pts(v.packetOf(0));
      long video = videoFirst == PacketIndex.ABSENT ? 0 : ticksToSamples(videoFirst, v.timeBase(), rate);
      return new Start(first, first - video);
    }
  }

  /**
   * An audio stream's packets, totalled.
   *
   * @param timeBase the stream's time base
   * @param end      the latest end of a packet (timestamp plus duration), in {@code timeBase} units
   * @param bytes    the payload bytes of all packets
   * @param first    the earliest packet timestamp, in {@code timeBase} units ({@link PacketIndex#ABSENT} if none)
   */
  record Totals(TimeBase timeBase, long end, long bytes, long first) {}

  /** Totals an audio stream's packets from ffprobe's compact packet lines ({@code pts=…|duration=…|size=…}). */
  static final class Counter {
    private final TimeBase timeBase;
    private long end;
    private long bytes;
    private long first = PacketIndex.ABSENT;

    Counter(TimeBase timeBase) {
      this.timeBase = timeBase;
    }

    void accept(String line) {
      long pts = field(line, "pts");
      long dur = field(line, "duration");
      long size = field(line, "size");
      if (size > 0) bytes += size;
      if (pts != Long.MIN_VALUE) {
        end = Math.max(end, pts + Math.max(0, dur == Long.MIN_VALUE ? 0 : dur));
        first = first == PacketIndex.ABSENT ? pts : Math.min(first, pts);
      }
    }

    Totals totals() {
      return new Totals(timeBase, end, bytes, first);
    }
  }

  static Totals totals(FfmpegTools tools, Path file, int index) {
    String out = ProcessRunner.command(List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "a:" + index,
        "-show_entries", "packet=pts,duration,size:stream=time_base", "-of", "compact=p=0:nk=0", file.toString()))
        .environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    TimeBase tb = null;
    List<String> packets = new java.util.ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("time_base=")) {
        tb = TimeBase.parse(line.substring("time_base=".length()).strip());
        continue;
      }
      packets.add(line);
    }
    if (tb == null) throw new PatchworkException("ffprobe reported no time base for audio stream " + index + " of " + file);
    Counter counter = new Counter(tb);
    packets.forEach(counter::accept);
    return counter.totals();
  }

  private static long field(String line, String key) {
    int at = line.startsWith(key + "=") ? 0 : line.indexOf("|" + key + "=");
    if (at < 0) return Long.MIN_VALUE;
    int from = line.indexOf('=', at) + 1;
    int to = line.indexOf('|', from);
    String v = line.substring(from, to < 0 ? line.length() : to).strip();
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }
}
