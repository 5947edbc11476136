package dev.patchwork.resolve;

import dev.patchwork.change.Change;
import dev.patchwork.time.FrameRange;
import java.util.Objects;

/**
 * A marker on a Resolve timeline, as {@code Timeline.GetMarkers()} reports it.
 *
 * @param offset     the marker's position in frames from the timeline's first frame: the key of {@code GetMarkers()},
 *                   which is an <em>offset</em>, not an absolute timeline frame (absolute = {@code GetStartFrame()} +
 *                   offset); with a master rendered from the whole timeline it is the master frame
 * @param duration   frames the marker covers; at least 1
 * @param color      its colour as Resolve names it ({@code Blue}), or {@code null}
 * @param name       its name, or {@code null}
 * @param note       its note, or {@code null}
 * @param customData its custom data (set by scripts, not shown in Resolve's UI), or {@code null}
 */
public record Marker(long offset, long duration, String color, String name, String note, String customData) {

  public Marker {
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    if (duration < 1) throw new IllegalArgumentException("duration must be at least 1: " + duration);
    color = blankToNull(color);
    name = blankToNull(name);
    note = blankToNull(note);
    customData = blankToNull(customData);
  }

  /** The frames it covers, counted from the timeline's first frame: {@code [offset, offset + duration)}. */
  public FrameRange range() {
    return FrameRange.ofLength(offset, duration);
  }

  /** This marker as a change of the master rendered from the whole timeline; {@code origin} names it in messages. */
  public Change toChange(String origin) {
    return new Change(range(), name, color, note, Objects.requireNonNull(origin, "origin"));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
