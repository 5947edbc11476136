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
        FrameRate standard = standardNear(r);
        if (standard != null && !rates.contains(standard)) rates.add(standard);
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

  private static final List<FrameRate> STANDARD = List.of(FrameRate.FPS_23_976, FrameRate.FPS_24, FrameRate.FPS_25,
      FrameRate.FPS_29_97, FrameRate.FPS_30, FrameRate.FPS_47_952, FrameRate.FPS_48, FrameRate.FPS_50, FrameRate.FPS_59_94,
      FrameRate.FPS_60, FrameRate.of(100), FrameRate.of(120000, 1001), FrameRate.of(120));

  /**
   * The standard rate within 0.5 ppm of {@code r}, if {@code r} is not one itself. ffprobe reads a Matroska track's
   * frame duration, which is stored in whole nanoseconds, as a nearby fraction (59.94 fps as 19001/317, 0.05 ppm off);
   * the standard rate is tried first, and taken if the timestamps fit it.
   */
  static FrameRate standardNear(FrameRate r) {
    for (FrameRate s : STANDARD) {
      if (!s.equals(r) && Math.abs(r.toDouble() - s.toDouble()) <= s.toDouble() * 5e-7) return s;
    }
    return null;
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
