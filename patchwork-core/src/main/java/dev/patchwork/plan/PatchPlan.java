package dev.patchwork.plan;

import java.util.List;

/**
 * What to do with every frame of a master: ordered, contiguous {@link Segment segments} in display order
 * that cover {@code [0, frameCount)} exactly and alternate between KEEP and RENDER. Made by the
 * {@link Planner}; the constructor checks only this shape, not the master's random-access points.
 *
 * @param frameCount frames in the master
 * @param segments   the segments, the first starting at frame 0, the last ending at {@code frameCount}
 */
public record PatchPlan(long frameCount, List<Segment> segments) {

  public PatchPlan {
    segments = List.copyOf(segments);
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (segments.isEmpty()) throw new IllegalArgumentException("a plan needs at least one segment");
    long next = 0;
    Segment previous = null;
    for (Segment s : segments) {
      if (s.start() != next) {
        throw new IllegalArgumentException(
            "segments must be contiguous from frame 0: " + s + (previous == null ? " is first" : " follows " + previous));
      }
      if (previous != null && previous.kind() == s.kind()) {
        throw new IllegalArgumentException("segments must alternate between keep and render: " + previous + " then " + s);
      }
      next = s.endExclusive();
      previous = s;
    }
    if (next != frameCount) {
      throw new IllegalArgumentException("segments end at " + next + ", not at the master's frame count " + frameCount);
    }
  }

  /** The plan that keeps every frame. */
  public static PatchPlan keepAll(long frameCount) {
    return new PatchPlan(frameCount, List.of(Segment.keep(0, frameCount)));
  }

  /** Frames that are re-rendered. */
  public long renderedFrames() {
    return framesOf(Segment.Kind.RENDER);
  }

  /** Frames copied from the master. */
  public long keptFrames() {
    return framesOf(Segment.Kind.KEEP);
  }

  /** The RENDER segments, in order. */
  public List<Segment> renderSegments() {
    return segments.stream().filter(Segment::isRender).toList();
  }

  /** The KEEP segments, in order. */
  public List<Segment> keepSegments() {
    return segments.stream().filter(s -> !s.isRender()).toList();
  }

  /** True if nothing is rendered: the patched master is the master. */
  public boolean isNoOp() {
    return segments.size() == 1 && !segments.get(0).isRender();
  }

  /** True if every frame is rendered: nothing of the master can be kept. */
  public boolean isFullRender() {
    return segments.size() == 1 && segments.get(0).isRender();
  }

  /** The segment holding {@code frame}. */
  public Segment segmentAt(long frame) {
    if (frame < 0 || frame >= frameCount) {
      throw new IndexOutOfBoundsException("frame " + frame + " is outside [0, " + frameCount + ")");
    }
    int lo = 0;
    int hi = segments.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (segments.get(mid).start() <= frame) lo = mid; else hi = mid - 1;
    }
    return segments.get(lo);
  }

  private long framesOf(Segment.Kind kind) {
    long sum = 0;
    for (Segment s : segments) if (s.kind() == kind) sum += s.frames();
    return sum;
  }
}
