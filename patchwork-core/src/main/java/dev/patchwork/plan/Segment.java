package dev.patchwork.plan;

import dev.patchwork.time.FrameRange;
import java.util.Locale;
import java.util.Objects;

/**
 * One piece of a {@link PatchPlan}: master frames that are kept byte-for-byte or re-rendered.
 *
 * @param kind   keep or render
 * @param start  first master frame (display order)
 * @param frames how many frames; at least one
 */
public record Segment(Kind kind, long start, long frames) {

  /** What happens to a segment's frames. */
  public enum Kind {
    /** Copied from the master untouched. */
    KEEP,
    /** Re-rendered from the new source with the master's settings. */
    RENDER;

    /** {@code "keep"} / {@code "render"}, as in the CLI's JSON. */
    public String jsonName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Segment {
    Objects.requireNonNull(kind, "kind");
    if (start < 0) throw new IllegalArgumentException("start < 0: " + start);
    if (frames <= 0) throw new IllegalArgumentException("frames must be positive: " + frames);
  }

  public static Segment keep(long start, long frames) {
    return new Segment(Kind.KEEP, start, frames);
  }

  public static Segment render(long start, long frames) {
    return new Segment(Kind.RENDER, start, frames);
  }

  public FrameRange range() {
    return FrameRange.ofLength(start, frames);
  }

  public long endExclusive() {
    return start + frames;
  }

  public boolean isRender() {
    return kind == Kind.RENDER;
  }

  @Override
  public String toString() {
    return kind + "(" + start + ", " + frames + ")";
  }
}
