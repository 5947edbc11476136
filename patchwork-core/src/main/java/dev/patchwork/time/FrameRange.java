package dev.patchwork.time;

import java.util.Optional;

/**
 * A half-open range of frames {@code [start, endExclusive)}, named after OTIO's opentime.
 * Frame numbers are non-negative; an empty range has {@code start == endExclusive}.
 */
public record FrameRange(long start, long endExclusive) implements Comparable<FrameRange> {

  public FrameRange {
    if (start < 0) throw new IllegalArgumentException("start < 0: " + start);
    if (endExclusive < start) {
      throw new IllegalArgumentException("endExclusive < start: [" + start + ", " + endExclusive + ")");
    }
  }

  /** {@code [start, endExclusive)}. */
  public static FrameRange of(long start, long endExclusive) {
    return new FrameRange(start, endExclusive);
  }

  /** {@code frames} frames from {@code start}. */
  public static FrameRange ofLength(long start, long frames) {
    if (frames < 0) throw new IllegalArgumentException("frames < 0: " + frames);
    return new FrameRange(start, Math.addExact(start, frames));
  }

  public long frames() {
    return endExclusive - start;
  }

  /** The last frame in the range; undefined for an empty range. */
  public long lastFrame() {
    if (isEmpty()) throw new IllegalStateException("empty range has no last frame: " + this);
    return endExclusive - 1;
  }

  public boolean isEmpty() {
    return start == endExclusive;
  }

  public boolean contains(long frame) {
    return frame >= start && frame < endExclusive;
  }

  /** True if every frame of {@code other} lies in this range (an empty range lies in any range that holds its start). */
  public boolean contains(FrameRange other) {
    return other.start >= start && other.endExclusive <= endExclusive;
  }

  /** True if the two ranges share at least one frame (an empty range overlaps nothing). */
  public boolean overlaps(FrameRange other) {
    return !isEmpty() && !other.isEmpty() && start < other.endExclusive && other.start < endExclusive;
  }

  /** True if one range ends exactly where the other begins. */
  public boolean meets(FrameRange other) {
    return endExclusive == other.start || other.endExclusive == start;
  }

  /** Frames between the two ranges (0 if they overlap or meet). */
  public long gapTo(FrameRange other) {
    if (overlaps(other)) return 0;
    return other.start >= endExclusive ? other.start - endExclusive : start - other.endExclusive;
  }

  /**
   * The union of two ranges that overlap or meet.
   *
   * @throws IllegalArgumentException if there is a gap between them (the union would not be a range)
   */
  public FrameRange union(FrameRange other) {
    if (!overlaps(other) && !meets(other) && !isEmpty() && !other.isEmpty()) {
      throw new IllegalArgumentException("disjoint ranges have no union: " + this + " and " + other);
    }
    return span(other);
  }

  /** The smallest range covering both, including any gap between them. */
  public FrameRange span(FrameRange other) {
    return new FrameRange(Math.min(start, other.start), Math.max(endExclusive, other.endExclusive));
  }

  /** The frames in both, or empty if they share none. */
  public Optional<FrameRange> intersection(FrameRange other) {
    if (!overlaps(other)) return Optional.empty();
    return Optional.of(new FrameRange(Math.max(start, other.start), Math.min(endExclusive, other.endExclusive)));
  }

  /** This range limited to {@code bounds}; empty (at the nearer bound) if it lies wholly outside. */
  public FrameRange clamped(FrameRange bounds) {
    long s = Math.min(Math.max(start, bounds.start), bounds.endExclusive);
    long e = Math.max(Math.min(endExclusive, bounds.endExclusive), s);
    return new FrameRange(s, e);
  }

  /** This range moved by {@code frames} (which may be negative). */
  public FrameRange shifted(long frames) {
    return new FrameRange(Math.addExact(start, frames), Math.addExact(endExclusive, frames));
  }

  @Override
  public int compareTo(FrameRange o) {
    int c = Long.compare(start, o.start);
    return c != 0 ? c : Long.compare(endExclusive, o.endExclusive);
  }

  @Override
  public String toString() {
    return "[" + start + ", " + endExclusive + ")";
  }
}
