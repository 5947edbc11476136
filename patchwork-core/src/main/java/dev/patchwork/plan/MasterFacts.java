package dev.patchwork.plan;

import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.List;
import java.util.Objects;

/**
 * What the planner needs to know about a master.
 *
 * @param frameCount         frames in the master's video stream
 * @param rate               its constant frame rate
 * @param startTimecode      the timecode of frame 0 ({@code 00:00:00:00} when the master has no timecode track)
 * @param intraOnly          true for all-intra codecs (ProRes, DNxHR, …): every frame is a closed random-access point
 * @param randomAccessPoints for long-GOP masters, every random-access point in display order, the first at frame 0;
 *                           ignored (may be empty) when {@code intraOnly}
 */
public record MasterFacts(
    long frameCount, FrameRate rate, Timecode startTimecode, boolean intraOnly, List<RandomAccessPoint> randomAccessPoints) {

  public MasterFacts {
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(startTimecode, "startTimecode");
    randomAccessPoints = List.copyOf(randomAccessPoints);
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (!intraOnly) {
      if (randomAccessPoints.isEmpty() || randomAccessPoints.get(0).frame() != 0) {
        throw new IllegalArgumentException("a long-GOP master needs a random-access point at frame 0");
      }
      if (!randomAccessPoints.get(0).isClosed()) {
        throw new IllegalArgumentException("the random-access point at frame 0 cannot have leading pictures");
      }
      long previous = -1;
      for (RandomAccessPoint p : randomAccessPoints) {
        if (p.frame() <= previous) {
          throw new IllegalArgumentException("random-access points must be strictly increasing: " + p.frame() + " after " + previous);
        }
        if (p.frame() >= frameCount) {
          throw new IllegalArgumentException("random-access point " + p.frame() + " is past the last frame " + (frameCount - 1));
        }
        if (p.leading().start() <= previous) {
          throw new IllegalArgumentException("leading pictures " + p.leading() + " of point " + p.frame()
              + " reach back to or before the previous point " + previous);
        }
        previous = p.frame();
      }
    }
  }

  /** An all-intra master: every frame can be cut. */
  public static MasterFacts intra(long frameCount, FrameRate rate, Timecode startTimecode) {
    return new MasterFacts(frameCount, rate, startTimecode, true, List.of());
  }

  /** A long-GOP master with closed GOPs of {@code gop} frames each. */
  public static MasterFacts closedGops(long frameCount, FrameRate rate, Timecode startTimecode, int gop) {
    if (gop <= 0) throw new IllegalArgumentException("gop must be positive: " + gop);
    var points = new java.util.ArrayList<RandomAccessPoint>();
    for (long f = 0; f < frameCount; f += gop) points.add(RandomAccessPoint.closed(f));
    return new MasterFacts(frameCount, rate, startTimecode, false, points);
  }
}
