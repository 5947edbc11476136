package dev.patchwork.ffmpeg;

import dev.patchwork.time.FrameRate;

/**
 * Exact time arithmetic for the splice: timestamps in a stream's time base converted to the microseconds the
 * concat demuxer and {@code -ss} take, rounded in the direction each use needs, and PCM sample boundaries of
 * frames. All integer math; no doubles.
 */
final class SpliceTime {

  static final long MICROS = 1_000_000L;

  private SpliceTime() {}

  /** The smallest whole microsecond at or after {@code ticks} time-base units. */
  static long ceilMicros(long ticks, TimeBase tb) {
    return -Math.floorDiv(-Math.multiplyExact(Math.multiplyExact(ticks, tb.numerator()), MICROS), tb.denominator());
  }

  /** The largest whole microsecond at or before {@code ticks} time-base units. */
  static long floorMicros(long ticks, TimeBase tb) {
    return Math.floorDiv(Math.multiplyExact(Math.multiplyExact(ticks, tb.numerator()), MICROS), tb.denominator());
  }

  /** True if {@code micros} lies strictly after {@code ticks} time-base units. */
  static boolean isAfter(long micros, long ticks, TimeBase tb) {
    return Math.multiplyExact(micros, tb.denominator()) > Math.multiplyExact(Math.multiplyExact(ticks, tb.numerator()), MICROS);
  }

  /** One frame's length in time-base units, rounded down (at least 1). */
  static long frameTicks(FrameRate rate, TimeBase tb) {
    long t = Math.multiplyExact(tb.denominator(), rate.denominator()) / Math.multiplyExact(tb.numerator(), rate.numerator());
    return Math.max(1, t);
  }

  /**
   * The first audio sample of frame {@code frame}: {@link PcmSamples#startOf}, the position the renderer cuts its audio
   * at (rounded to the nearest sample). The splice must cut the master's audio at the same samples, or at 29.97 fps a
   * seam whose exact position ends in .5 or more takes one sample more from the rendered piece than it holds.
   */
  static long sampleOfFrame(long frame, FrameRate rate, int sampleRate) {
    return PcmSamples.startOf(frame, rate, sampleRate);
  }

  /** Microseconds as ffmpeg's seconds text: {@code 12.345678}, {@code -0.040000}. */
  static String seconds(long micros) {
    String sign = micros < 0 ? "-" : "";
    long abs = Math.abs(micros);
    String frac = Long.toString(abs % MICROS);
    return sign + abs / MICROS + "." + "0".repeat(6 - frac.length()) + frac;
  }
}
