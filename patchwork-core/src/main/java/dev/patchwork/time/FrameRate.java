package dev.patchwork.time;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact frame rate: a rational {@code numerator / denominator} frames per second, reduced at
 * construction so that equal rates are {@link #equals equal} however they were written
 * ({@code 48000/2002} is {@code 24000/1001}).
 *
 * <p>No floating point is used for frame arithmetic; decimals such as {@code "29.97"} are parsed to the
 * NTSC rational they name.
 */
public record FrameRate(long numerator, long denominator) implements Comparable<FrameRate> {

  public static final FrameRate FPS_23_976 = new FrameRate(24000, 1001);
  public static final FrameRate FPS_24 = new FrameRate(24, 1);
  public static final FrameRate FPS_25 = new FrameRate(25, 1);
  public static final FrameRate FPS_29_97 = new FrameRate(30000, 1001);
  public static final FrameRate FPS_30 = new FrameRate(30, 1);
  public static final FrameRate FPS_47_952 = new FrameRate(48000, 1001);
  public static final FrameRate FPS_48 = new FrameRate(48, 1);
  public static final FrameRate FPS_50 = new FrameRate(50, 1);
  public static final FrameRate FPS_59_94 = new FrameRate(60000, 1001);
  public static final FrameRate FPS_60 = new FrameRate(60, 1);

  public FrameRate {
    if (denominator == 0) throw new IllegalArgumentException("frame rate denominator is 0");
    if (denominator < 0) {
      numerator = -numerator;
      denominator = -denominator;
    }
    if (numerator <= 0) {
      throw new IllegalArgumentException("frame rate must be positive: " + numerator + "/" + denominator);
    }
    long g = gcd(numerator, denominator);
    numerator /= g;
    denominator /= g;
  }

  public static FrameRate of(long numerator, long denominator) {
    return new FrameRate(numerator, denominator);
  }

  public static FrameRate of(long framesPerSecond) {
    return new FrameRate(framesPerSecond, 1);
  }

  /**
   * Parses {@code "24000/1001"}, {@code "25"}, {@code "25/1"} or a decimal such as {@code "23.976"},
   * {@code "23.98"} or {@code "29.97"}. A decimal within 0.005 of an NTSC rate {@code n·1000/1001} is
   * taken as that rate; any other decimal is taken exactly.
   *
   * @throws IllegalArgumentException if the text is not a positive rate
   */
  public static FrameRate parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    try {
      int slash = t.indexOf('/');
      if (slash >= 0) {
        return new FrameRate(
            Long.parseLong(t.substring(0, slash).trim()), Long.parseLong(t.substring(slash + 1).trim()));
      }
      BigDecimal d = new BigDecimal(t);
      if (d.signum() <= 0) throw new IllegalArgumentException("frame rate must be positive: " + text);
      if (d.stripTrailingZeros().scale() <= 0) return new FrameRate(d.longValueExact(), 1);
      // NTSC family: n * 1000 / 1001 with n a whole number.
      BigDecimal n = d.multiply(BigDecimal.valueOf(1001)).divide(BigDecimal.valueOf(1000), MathContext.DECIMAL64)
          .setScale(0, RoundingMode.HALF_UP);
      BigDecimal ntsc = n.multiply(BigDecimal.valueOf(1000)).divide(BigDecimal.valueOf(1001), MathContext.DECIMAL64);
      if (n.signum() > 0 && ntsc.subtract(d).abs().compareTo(new BigDecimal("0.005")) < 0) {
        return new FrameRate(n.longValueExact() * 1000, 1001);
      }
      BigDecimal stripped = d.stripTrailingZeros();
      return new FrameRate(stripped.unscaledValue().longValueExact(), BigInteger.TEN.pow(stripped.scale()).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a frame rate: '" + text + "'", e);
    }
  }

  /** The whole frames per second that timecode counts in: 24 for 23.976, 30 for 29.97, 60 for 59.94. */
  public int timecodeBase() {
    return (int) ((numerator + denominator - 1) / denominator);
  }

  /** True for 29.97 and 59.94 (and their multiples), the rates SMPTE drop-frame timecode is defined for. */
  public boolean supportsDropFrame() {
    return denominator == 1001 && numerator % 30000 == 0;
  }

  /** True if the rate is a whole number of frames per second. */
  public boolean isIntegral() {
    return denominator == 1;
  }

  /**
   * Frames in {@code seconds} (a rational {@code num/den} seconds), rounded down. Exact integer math.
   */
  public long framesIn(long secondsNumerator, long secondsDenominator) {
    return Math.floorDiv(Math.multiplyExact(secondsNumerator, numerator), Math.multiplyExact(secondsDenominator, denominator));
  }

  /** Start time of {@code frame} in seconds, as an exact decimal text (for tools): e.g. {@code "41.708333333"}. */
  public String secondsText(long frame, int decimals) {
    BigDecimal s = BigDecimal.valueOf(frame).multiply(BigDecimal.valueOf(denominator))
        .divide(BigDecimal.valueOf(numerator), decimals, RoundingMode.HALF_EVEN);
    return s.toPlainString();
  }

  /** This rate as a double, for display only. */
  public double toDouble() {
    return (double) numerator / denominator;
  }

  /** A short decimal for people: {@code "23.976"}, {@code "25"}, {@code "29.97"}. */
  public String toDecimalString() {
    BigDecimal d = BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), 3, RoundingMode.HALF_EVEN)
        .stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }

  @Override
  public int compareTo(FrameRate o) {
    return Long.compare(Math.multiplyExact(numerator, o.denominator), Math.multiplyExact(o.numerator, denominator));
  }

  /** {@code "24000/1001"} or {@code "25/1"}: the form ffmpeg and the sidecar use. */
  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
