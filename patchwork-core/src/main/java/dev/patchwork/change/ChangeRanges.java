package dev.patchwork.change;

import dev.patchwork.ValidationException;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a range typed on the command line ({@code --change}) in one of two forms:
 *
 * <ul>
 *   <li>{@code START+COUNT}: {@code COUNT} master frames from the 0-based master frame {@code START}, e.g.
 *       {@code 240+48}.</li>
 *   <li>{@code TCIN-TCOUT}: SMPTE labels in the master's timecode, the out point exclusive, e.g.
 *       {@code 01:00:10:00-01:00:12:00}; {@code ;} (or {@code .}/{@code ,}) before the frames marks drop-frame,
 *       {@code 00:59:59;28-01:00:00;10}. The {@code -} is the one between two complete labels, so it is never
 *       mistaken for a sign. Labels in another drop-frame mode than the master's start timecode are read as
 *       described in {@link MarkerFiles} (the start label is re-read in the labels' mode).</li>
 * </ul>
 *
 * <p>An empty range ({@code COUNT} 0, out not after in), a negative number and a range that lies partly or
 * wholly outside the master are rejected with a {@link ValidationException} whose message shows the master's
 * range in frames and timecode; nothing is ever clamped.
 */
public final class ChangeRanges {

  private static final Pattern FRAMES = Pattern.compile("\\s*([-+]?\\d+)\\s*\\+\\s*([-+]?\\d+)\\s*");
  private static final Pattern TIMECODES =
      Pattern.compile("\\s*(" + MasterClock.LABEL.pattern() + ")\\s*-\\s*(" + MasterClock.LABEL.pattern() + ")\\s*");
  private static final String FORMS = "START+COUNT in master frames (e.g. 240+48) or TCIN-TCOUT in the master's "
      + "timecode, out exclusive (e.g. 01:00:10:00-01:00:12:00; use ; before the frames for drop-frame)";

  private ChangeRanges() {}

  /**
   * The change {@code cliRange} describes, with origin {@code "--change <cliRange>"}.
   *
   * @throws ValidationException naming {@code --change} if the text is not a valid, non-empty range inside the
   *                             master
   */
  public static Change parse(String cliRange, ChangeContext ctx) {
    Objects.requireNonNull(cliRange, "cliRange");
    Objects.requireNonNull(ctx, "ctx");
    String text = cliRange.strip();
    String where = text.isEmpty() ? "--change" : "--change " + text;
    MasterClock clock = new MasterClock(ctx);
    long start;
    long end;
    Matcher m = FRAMES.matcher(text);
    if (m.matches()) {
      long count;
      try {
        start = Long.parseLong(m.group(1));
        count = Long.parseLong(m.group(2));
      } catch (NumberFormatException e) {
        throw new ValidationException(where, "number too large in '" + text + "'");
      }
      if (start < 0) throw new ValidationException(where, "START must be 0 or more (master frames count from 0), not " + start);
      if (count <= 0) {
        throw new ValidationException(where, "COUNT must be at least 1 frame, not " + count + "; a change cannot be empty");
      }
      if (start > Long.MAX_VALUE - count) throw new ValidationException(where, "number too large in '" + text + "'");
      end = start + count;
    } else {
      m = TIMECODES.matcher(text);
      if (!m.matches()) throw new ValidationException(where, "not a range: '" + text + "'; expected " + FORMS);
      Timecode in;
      Timecode out;
      try {
        in = clock.parseLabel(m.group(1), false);
        out = clock.parseLabel(m.group(2), false);
      } catch (IllegalArgumentException e) {
        throw new ValidationException(where, e.getMessage());
      }
      if (in.dropFrame() != out.dropFrame()) {
        throw new ValidationException(where, "TCIN " + in + " and TCOUT " + out + " mix drop-frame (;) and non-drop-frame (:) labels");
      }
      try {
        start = clock.frameOf(in);
        end = clock.frameOf(out);
      } catch (IllegalArgumentException e) {
        throw new ValidationException(where, e.getMessage());
      }
      if (end <= start) {
        throw new ValidationException(where, "TCOUT " + out + " must come after TCIN " + in
            + " (the out point is exclusive, so 01:00:10:00-01:00:10:01 is one frame)");
      }
    }
    String outside = clock.outside(start, end);
    if (outside != null) throw new ValidationException(where, "the range " + outside);
    return new Change(FrameRange.of(start, end), null, null, null, where);
  }
}
