package dev.patchwork.change;

import dev.patchwork.time.FrameRange;
import java.util.Locale;
import java.util.Objects;

/**
 * A range of master frames that needs re-rendering, with what is known about it.
 *
 * @param range  master frames, 0-based, half-open; never empty
 * @param name   marker name, or {@code null}
 * @param color  marker colour normalised to its plain name ({@code ResolveColorBlue} becomes
 *               {@code Blue}), or {@code null}
 * @param note   free text, or {@code null}
 * @param origin where the change came from, for messages: {@code "--change 10+5"}, {@code "cut.edl:14"};
 *               or {@code null}
 */
public record Change(FrameRange range, String name, String color, String note, String origin) {

  public Change {
    Objects.requireNonNull(range, "range");
    if (range.isEmpty()) throw new IllegalArgumentException("a change needs at least one frame: " + range);
    name = blankToNull(name);
    color = normalizeColor(color);
    note = blankToNull(note);
    origin = blankToNull(origin);
  }

  public static Change of(FrameRange range) {
    return new Change(range, null, null, null, null);
  }

  public static Change of(long start, long frames) {
    return of(FrameRange.ofLength(start, frames));
  }

  public Change withRange(FrameRange newRange) {
    return new Change(newRange, name, color, note, origin);
  }

  public Change withName(String newName) {
    return new Change(range, newName, color, note, origin);
  }

  public Change withColor(String newColor) {
    return new Change(range, name, newColor, note, origin);
  }

  public Change withNote(String newNote) {
    return new Change(range, name, color, newNote, origin);
  }

  public Change withOrigin(String newOrigin) {
    return new Change(range, name, color, note, newOrigin);
  }

  /** True if this change's colour is {@code color}, ignoring case and a {@code ResolveColor} prefix. */
  public boolean hasColor(String wanted) {
    String w = normalizeColor(wanted);
    return color != null && w != null && color.equalsIgnoreCase(w);
  }

  /**
   * A colour's plain name: strips Resolve's {@code ResolveColor} prefix (any case) and surrounding space;
   * keeps the case it was written in otherwise. {@code null} or blank gives {@code null}.
   */
  public static String normalizeColor(String color) {
    String c = blankToNull(color);
    if (c == null) return null;
    if (c.toLowerCase(Locale.ROOT).startsWith("resolvecolor")) c = c.substring("resolvecolor".length()).strip();
    return c.isEmpty() ? null : c;
  }

  private static String blankToNull(String s) {
    if (s == null) return null;
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }
}
