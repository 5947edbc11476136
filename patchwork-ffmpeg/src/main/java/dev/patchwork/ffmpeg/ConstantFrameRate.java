package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.time.FrameRate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides a master's constant frame rate from its presentation timestamps, or rejects it as variable.
 *
 * <p>Frame {@code i} must start at {@code start + i · T} where {@code T = 1 / rate} in time-base units, allowing
 * for the container's rounding of timestamps to its time base: at most one time-base unit off, and always less
 * than half a frame (Matroska's millisecond timestamps put 23.976 fps frames 41 or 42 ms apart; an MP4 with
 * timescale 24000 puts them exactly 1001 apart).
 */
final class ConstantFrameRate {

  private ConstantFrameRate() {}

  /**
   * The first of {@code candidates} (ffprobe's {@code r_frame_rate}, {@code avg_frame_rate}) that every frame's
   * timestamp fits.
   *
   * @throws UnsupportedMasterException if none fits: a variable frame rate (or missing frames)
   */
  static FrameRate of(String source, PacketIndex index, List<String> candidates) {
    List<FrameRate> rates = new ArrayList<>();
    for (String c : candidates) {
      try {
        FrameRate r = FrameRate.parse(c);
        if (!rates.contains(r)) rates.add(r);
      } catch (IllegalArgumentException e) {
        // 0/0 and other non-rates
      }
    }
    if (rates.isEmpty()) {
      throw new UnsupportedMasterException(source + ": the video stream has no frame rate (ffprobe reports "
          + String.join(", ", candidates) + ")");
    }
    String firstMismatch = null;
    for (FrameRate r : rates) {
      String mismatch = mismatch(index, r);
      if (mismatch == null) return r;
      if (firstMismatch == null) firstMismatch = mismatch;
    }
    throw new UnsupportedMasterException(source + ": variable frame rate: " + firstMismatch
        + ". Patchwork patches constant-frame-rate masters only; convert it first (for example ffmpeg -fps_mode cfr -r "
        + rates.get(0) + ")");
  }

  /** Why the timestamps do not fit {@code rate}, or null if they do. */
  static String mismatch(PacketIndex index, FrameRate rate) {
    int frames = index.frameCount();
    if (frames == 0) return null;
    TimeBase tb = index.timeBase();
    // One frame lasts P/Q time-base units.
    long p = Math.multiplyExact(tb.denominator(), rate.denominator());
    long q = Math.multiplyExact(tb.numerator(), rate.numerator());
    long start = index.pts(index.packetOf(0));
    for (int i = 1; i < frames; i++) {
      long t = index.pts(index.packetOf(i)) - start;
      long dev = Math.subtractExact(Math.multiplyExact(t, q), Math.multiplyExact((long) i, p)); // (t - i·P/Q)·Q
      long abs = Math.abs(dev);
      if (abs > q || 2 * abs >= p) {
        if (dev > 0) {
          long missing = (dev + p / 2) / p; // whole frames skipped, if the timestamps merely jump ahead
          long rest = Math.abs(dev - missing * p);
          if (missing >= 1 && rest <= q && 2 * rest < p) {
            return missing + (missing == 1 ? " frame is" : " frames are") + " missing before frame " + i
                + " (a gap in the timestamps at " + seconds(t, tb) + " s)";
          }
        }
        return "frame " + i + " starts at " + seconds(t, tb) + " s after frame 0, but at a constant "
            + rate.toDecimalString() + " fps it would start at " + seconds(i * rate.denominator(), rate.numerator()) + " s";
      }
    }
    return null;
  }

  private static String seconds(long ticks, TimeBase tb) {
    return seconds(Math.multiplyExact(ticks, tb.numerator()), tb.denominator());
  }

  private static String seconds(long num, long den) {
    return BigDecimal.valueOf(num).divide(BigDecimal.valueOf(den), 6, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }
}
