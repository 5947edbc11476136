package dev.patchwork.plan;

import java.util.List;

/**
 * Where a master can be cut, answered by binary search over its random-access points (never per frame).
 *
 * <p>With {@code lead(j)} the number of leading pictures of point {@code j}: a RENDER may start at
 * {@code j − lead(j)} for any point {@code j}, and a KEEP may start at a point {@code k}. These render starts
 * strictly increase with {@code j}, because {@link MasterFacts} guarantees that a point's leading pictures
 * begin after the previous point; for the same reason no point lies in {@code [j − lead(j), j)}. An all-intra
 * master can be cut at every frame.
 */
final class CutPoints {
  private final long frameCount;
  /** The master's points, or {@code null} for an all-intra master. */
  private final List<RandomAccessPoint> points;

  private CutPoints(long frameCount, List<RandomAccessPoint> points) {
    this.frameCount = frameCount;
    this.points = points;
  }

  static CutPoints of(MasterFacts master) {
    return new CutPoints(master.frameCount(), master.intraOnly() ? null : master.randomAccessPoints());
  }

  /**
   * The latest place a RENDER can start without starting after {@code frame}: the greatest
   * {@code j − lead(j)} that is {@code <= frame}. Always exists, since the point at frame 0 is closed.
   */
  long renderStartAtOrBefore(long frame) {
    if (points == null) return frame;
    int lo = 0;
    int hi = points.size() - 1;
    while (lo < hi) { // greatest index whose render start is <= frame; index 0 always qualifies
      int mid = (lo + hi + 1) >>> 1;
      if (renderStart(points.get(mid)) <= frame) lo = mid; else hi = mid - 1;
    }
    return renderStart(points.get(lo));
  }

  /** The first random-access point at or after {@code frame}, or {@code frameCount} if there is none. */
  long keepStartAtOrAfter(long frame) {
    if (frame >= frameCount) return frameCount;
    if (points == null) return frame;
    int i = firstPointAtOrAfter(frame);
    return i == points.size() ? frameCount : points.get(i).frame();
  }

  /** True if a RENDER may start at {@code frame}: it is {@code j − lead(j)} for some point {@code j}. */
  boolean isRenderStart(long frame) {
    return frame >= 0 && frame < frameCount && renderStartAtOrBefore(frame) == frame;
  }

  /**
   * True if a KEEP may start at {@code frame} right after a RENDER that starts at {@code renderStart}:
   * {@code frame} is a point whose leading pictures all lie in {@code [renderStart, frame)}.
   */
  boolean isKeepStartAfter(long frame, long renderStart) {
    if (frame < 0 || frame >= frameCount) return false;
    if (points == null) return true;
    int i = firstPointAtOrAfter(frame);
    return i < points.size() && points.get(i).frame() == frame && renderStart(points.get(i)) >= renderStart;
  }

  private int firstPointAtOrAfter(long frame) {
    int lo = 0;
    int hi = points.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points.get(mid).frame() < frame) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private static long renderStart(RandomAccessPoint p) {
    return p.leading().start();
  }
}
