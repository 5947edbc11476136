package dev.patchwork.time;

import java.util.Objects;

/**
 * An SMPTE timecode label at a frame rate: {@code HH:MM:SS:FF}, or drop-frame {@code HH:MM:SS;FF}
 * at 29.97 and 59.94.
 *
 * <p>A timecode is held as its frame number since {@code 00:00:00:00} (its position in a 24-hour day
 * of real frames) together with the rate and the drop-frame flag, so arithmetic is exact. Drop-frame
 * skips the labels {@code ;00} and {@code ;01} (four labels at 59.94) at the start of every minute that
 * is not a multiple of ten; those labels do not exist and are rejected.
 */
public record Timecode(long frameOfDay, FrameRate rate, boolean dropFrame) implements Comparable<Timecode> {

  public Timecode {
    Objects.requireNonNull(rate, "rate");
    if (dropFrame && !rate.supportsDropFrame()) {
      throw new IllegalArgumentException("drop-frame timecode is defined only at 29.97 and 59.94, not " + rate.toDecimalString());
    }
    long day = framesPerDay(rate, dropFrame);
    if (frameOfDay < 0 || frameOfDay >= day) {
      throw new IllegalArgumentException("frame " + frameOfDay + " is outside a 24-hour day (" + day + " frames)");
    }
  }

  /** {@code 00:00:00:00} at {@code rate} (drop-frame if {@code dropFrame}). */
  public static Timecode zero(FrameRate rate, boolean dropFrame) {
    return new Timecode(0, rate, dropFrame);
  }

  /** The timecode whose frame number since midnight is {@code frameOfDay}, wrapping at 24 hours. */
  public static Timecode ofFrame(long frameOfDay, FrameRate rate, boolean dropFrame) {
    return new Timecode(Math.floorMod(frameOfDay, framesPerDay(rate, dropFrame)), rate, dropFrame);
  }

  /**
   * Parses {@code HH:MM:SS:FF}; a {@code ;} (or {@code .} / {@code ,}) before the frames field marks
   * drop-frame, as do all-{@code ;} separators.
   *
   * @throws IllegalArgumentException naming what is wrong if the text is not a valid label at this rate
   */
  public static Timecode parse(String text, FrameRate rate) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(rate, "rate");
    String t = text.trim();
    if (t.length() != 11 || !isDigits(t, 0, 2) || !isDigits(t, 3, 5) || !isDigits(t, 6, 8) || !isDigits(t, 9, 11)) {
      throw new IllegalArgumentException("not a timecode (want HH:MM:SS:FF or HH:MM:SS;FF): '" + text + "'");
    }
    char s1 = t.charAt(2), s2 = t.charAt(5), s3 = t.charAt(8);
    if (!isSeparator(s1) || !isSeparator(s2) || !isSeparator(s3)) {
      throw new IllegalArgumentException("not a timecode (want HH:MM:SS:FF or HH:MM:SS;FF): '" + text + "'");
    }
    boolean df = s3 == ';' || s3 == '.' || s3 == ',';
    int hh = Integer.parseInt(t, 0, 2, 10);
    int mm = Integer.parseInt(t, 3, 5, 10);
    int ss = Integer.parseInt(t, 6, 8, 10);
    int ff = Integer.parseInt(t, 9, 11, 10);
    return of(hh, mm, ss, ff, rate, df, text);
  }

  /** The timecode labelled {@code hh:mm:ss:ff} at {@code rate}. */
  public static Timecode of(int hh, int mm, int ss, int ff, FrameRate rate, boolean dropFrame) {
    return of(hh, mm, ss, ff, rate, dropFrame, null);
  }

  private static Timecode of(int hh, int mm, int ss, int ff, FrameRate rate, boolean df, String text) {
    String label = text != null ? "'" + text + "'" : String.format(java.util.Locale.ROOT, "%02d:%02d:%02d%c%02d", hh, mm, ss, df ? ';' : ':', ff);
    if (df && !rate.supportsDropFrame()) {
      throw new IllegalArgumentException(label + " is drop-frame, which exists only at 29.97 and 59.94, not at " + rate.toDecimalString() + " fps");
    }
    int base = rate.timecodeBase();
    if (hh < 0 || hh > 23) throw new IllegalArgumentException(label + ": hours must be 00-23");
    if (mm < 0 || mm > 59) throw new IllegalArgumentException(label + ": minutes must be 00-59");
    if (ss < 0 || ss > 59) throw new IllegalArgumentException(label + ": seconds must be 00-59");
    if (ff < 0 || ff >= base) {
      throw new IllegalArgumentException(label + ": frames must be 00-" + (base - 1) + " at " + rate.toDecimalString() + " fps");
    }
    long totalMinutes = 60L * hh + mm;
    long frame = ((3600L * hh + 60L * mm + ss) * base) + ff;
    if (df) {
      int drop = dropPerMinute(rate);
      if (ss == 0 && ff < drop && mm % 10 != 0) {
        throw new IllegalArgumentException(label + " does not exist in drop-frame timecode: labels ;00"
            + (drop > 2 ? "-;0" + (drop - 1) : " and ;01") + " are skipped at every minute not divisible by ten");
      }
      frame -= drop * (totalMinutes - totalMinutes / 10);
    }
    return new Timecode(frame, rate, df);
  }

  public int hours() {
    return fields()[0];
  }

  public int minutes() {
    return fields()[1];
  }

  public int seconds() {
    return fields()[2];
  }

  public int frames() {
    return fields()[3];
  }

  /** This timecode moved by {@code frames} real frames, wrapping at 24 hours. */
  public Timecode plus(long frames) {
    return ofFrame(frameOfDay + frames, rate, dropFrame);
  }

  /**
   * The number of frames from {@code start} to this timecode, wrapping past midnight: the frame index of
   * this label in a master whose first frame is {@code start}.
   *
   * @throws IllegalArgumentException if the two differ in rate or drop-frame mode
   */
  public long framesSince(Timecode start) {
    if (!rate.equals(start.rate) || dropFrame != start.dropFrame) {
      throw new IllegalArgumentException("timecodes differ in rate or drop-frame: " + this + " vs " + start);
    }
    return Math.floorMod(frameOfDay - start.frameOfDay, framesPerDay(rate, dropFrame));
  }

  /** Frames in one 24-hour day of labels at this rate and mode. */
  public static long framesPerDay(FrameRate rate, boolean dropFrame) {
    long nominal = 24L * 3600 * rate.timecodeBase();
    if (!dropFrame) return nominal;
    return nominal - (long) dropPerMinute(rate) * (24 * 60 - 24 * 6);
  }

  private static int dropPerMinute(FrameRate rate) {
    return rate.timecodeBase() / 15; // 2 at 29.97, 4 at 59.94
  }

  private int[] fields() {
    int base = rate.timecodeBase();
    long f = frameOfDay;
    if (dropFrame) {
      int drop = dropPerMinute(rate);
      long perMinute = 60L * base - drop;
      long perTenMinutes = 10L * 60 * base - 9L * drop;
      long tens = f / perTenMinutes;
      long rem = f % perTenMinutes;
      f += 9L * drop * tens;
      if (rem >= drop) f += drop * ((rem - drop) / perMinute);
    }
    int ff = (int) (f % base);
    long totalSeconds = f / base;
    return new int[] {(int) (totalSeconds / 3600), (int) (totalSeconds / 60 % 60), (int) (totalSeconds % 60), ff};
  }

  @Override
  public int compareTo(Timecode o) {
    return Long.compare(frameOfDay, o.frameOfDay);
  }

  /** {@code HH:MM:SS:FF}, or {@code HH:MM:SS;FF} for drop-frame. */
  @Override
  public String toString() {
    int[] v = fields();
    StringBuilder sb = new StringBuilder(11);
    two(sb, v[0]).append(':');
    two(sb, v[1]).append(':');
    two(sb, v[2]).append(dropFrame ? ';' : ':');
    return two(sb, v[3]).toString();
  }

  private static StringBuilder two(StringBuilder sb, int v) {
    if (v < 10) sb.append('0');
    return sb.append(v);
  }

  private static boolean isDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }

  private static boolean isSeparator(char c) {
    return c == ':' || c == ';' || c == '.' || c == ',';
  }
}
