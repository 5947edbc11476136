package dev.patchwork.change;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.regex.Pattern;

/**
 * Turns timecode labels into master frames and says, in words, when a range falls outside the master.
 * Shared by every parser so that they all follow the same rules:
 *
 * <ul>
 *   <li>A label is read at the master's rate. It is drop-frame if its last separator is {@code ;}, {@code .} or
 *       {@code ,} (or if the file says so, as an EDL's {@code FCM: DROP FRAME} does).</li>
 *   <li>When a label's drop-frame mode differs from the master's start timecode, the start label is re-read in
 *       the label's mode: editors mean the same label ({@code 01:00:00:00} and {@code 01:00:00;00}), and the frame
 *       count between two labels of one mode is the real number of frames between them.</li>
 *   <li>The frame of a label is its signed distance from the master's start, across midnight if that is
 *       nearer, so a label before the start gives a negative frame and a clear message rather than a wrap.</li>
 * </ul>
 */
final class MasterClock {

  /** {@code HH:MM:SS:FF} with any of the separators {@link Timecode#parse} accepts. */
  static final Pattern LABEL = Pattern.compile("\\d\\d[:;.,]\\d\\d[:;.,]\\d\\d[:;.,]\\d\\d");

  private final ChangeContext ctx;
  private final ChangeFilter filter;

  MasterClock(ChangeContext ctx) {
    this(ctx, ChangeFilter.ALL);
  }

  MasterClock(ChangeContext ctx, ChangeFilter filter) {
    this.ctx = ctx;
    this.filter = filter;
  }

  /**
   * True if a marker with this name and colour is wanted. Markers the filter drops are skipped before their
   * range is checked against the master, so a filtered-out marker outside the master is not an error.
   */
  boolean wanted(String name, String color) {
    return filter == ChangeFilter.ALL || filter.test(new Change(FrameRange.of(0, 1), name, color, null, null));
  }

  ChangeContext context() {
    return ctx;
  }

  /**
   * Parses a label at the master's rate; {@code forceDropFrame} reads a {@code :}-separated label as drop-frame.
   *
   * @throws IllegalArgumentException with a message naming the label if it is not valid at this rate
   */
  Timecode parseLabel(String text, boolean forceDropFrame) {
    Timecode tc = Timecode.parse(text, ctx.rate());
    if (forceDropFrame && !tc.dropFrame()) {
      tc = Timecode.of(tc.hours(), tc.minutes(), tc.seconds(), tc.frames(), ctx.rate(), true);
    }
    return tc;
  }

  /**
   * The master frame labelled {@code label}: negative if it lies before the master's first frame.
   *
   * @throws IllegalArgumentException if the master's start label does not exist in the label's drop-frame mode
   */
  long frameOf(Timecode label) {
    return signedDistance(label.frameOfDay() - startIn(label.dropFrame()).frameOfDay(), label.dropFrame());
  }

  /**
   * The master frame of a position given as frames since midnight in the master's own timecode mode (an OTIO
   * timeline's global start time): its signed distance from the master's start.
   */
  long frameOfDayToMasterFrame(long frameOfDay) {
    return signedDistance(frameOfDay - ctx.startTimecode().frameOfDay(), ctx.startTimecode().dropFrame());
  }

  /**
   * {@code null} if {@code [start, endExclusive)} lies inside the master; otherwise why not, in words that show
   * the range and the master in frames and timecode.
   */
  String outside(long start, long endExclusive) {
    long count = ctx.frameCount();
    if (start >= 0 && endExclusive <= count) return null;
    StringBuilder sb = new StringBuilder("covers master frames ").append(start).append("..").append(endExclusive - 1)
        .append(" (").append(ctx.timecodeAt(start)).append(" to ").append(ctx.timecodeAt(endExclusive - 1)).append(')');
    if (start < 0) {
      sb.append(", which starts ").append(frames(-start)).append(" before the master's first frame");
    } else if (start >= count) {
      sb.append(", which starts ").append(frames(start - count + 1)).append(" after the master's last frame");
    } else {
      sb.append(", which runs ").append(frames(endExclusive - count)).append(" past the master's last frame");
    }
    sb.append("; the master has ").append(ctx.describeMaster())
        .append(". Ranges are never clamped: fix the range, or the master's start timecode (--start-tc)");
    return sb.toString();
  }

  private Timecode startIn(boolean dropFrame) {
    Timecode start = ctx.startTimecode();
    if (start.dropFrame() == dropFrame) return start;
    try {
      return Timecode.of(start.hours(), start.minutes(), start.seconds(), start.frames(), ctx.rate(), dropFrame);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the master starts at " + start + ", a label that does not exist in "
          + (dropFrame ? "drop-frame" : "non-drop-frame") + " timecode, so " + (dropFrame ? "drop-frame" : "non-drop-frame")
          + " labels cannot be placed on it (" + e.getMessage() + ")", e);
    }
  }

  private long signedDistance(long difference, boolean dropFrame) {
    long day = Timecode.framesPerDay(ctx.rate(), dropFrame);
    long d = Math.floorMod(difference, day);
    return d > day / 2 ? d - day : d;
  }

  static String frames(long n) {
    return n == 1 ? "1 frame" : n + " frames";
  }
}
