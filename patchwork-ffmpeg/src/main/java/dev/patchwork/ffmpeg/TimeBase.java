package dev.patchwork.ffmpeg;

import java.util.Objects;

/**
 * A stream's time base: timestamps count units of {@code numerator / denominator} seconds (ffmpeg's
 * {@code time_base}, e.g. {@code 1/12288} in MP4, {@code 1/1000} in Matroska, {@code 1/90000} in MPEG-TS).
 * Kept as written, not reduced: it is the unit of the container's timestamps.
 */
public record TimeBase(long numerator, long denominator) {

  public TimeBase {
    if (numerator <= 0 || denominator <= 0) {
      throw new IllegalArgumentException("time base must be positive: " + numerator + "/" + denominator);
    }
  }

  /**
   * Parses {@code "1/12288"}.
   *
   * @throws IllegalArgumentException if the text is not a positive fraction
   */
  public static TimeBase parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    try {
      if (slash > 0) return new TimeBase(Long.parseLong(text.substring(0, slash).strip()), Long.parseLong(text.substring(slash + 1).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a time base: '" + text + "'", e);
    }
    throw new IllegalArgumentException("not a time base: '" + text + "'");
  }

  /** {@code "1/12288"}, the form ffmpeg uses. */
  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
