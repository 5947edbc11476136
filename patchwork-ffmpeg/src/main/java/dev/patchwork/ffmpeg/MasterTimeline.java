package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The master's packets seen as the splice needs them: where each frame starts in concat-demuxer microseconds, which
 * packet a KEEP segment starts and ends at, and where the demuxer must stop reading.
 *
 * <p>The output keeps the master's timeline: frame {@code f} starts at {@link #micros(long) micros(f)} (the master's
 * own timestamp, rounded up to a microsecond) less {@code micros(0)}. Every concat entry's duration is the difference
 * of these values, so the demuxer's time shift for each kept piece is exactly zero and rendered pieces land on the
 * master's own frame times.
 */
final class MasterTimeline {

  private final MediaProbe probe;
  private final PacketIndex index;
  private final Map<Long, AccessPoint> pointAt = new HashMap<>();
  private final List<AccessPoint> points;

  MasterTimeline(MediaProbe probe) {
    this.probe = probe;
    this.index = probe.packets();
    this.points = probe.accessPoints();
    for (AccessPoint p : points) pointAt.put(p.frame(), p);
  }

  MediaProbe probe() {
    return probe;
  }

  long frameCount() {
    return probe.frameCount();
  }

  TimeBase timeBase() {
    return index.timeBase();
  }

  boolean intraOnly() {
    return probe.intraOnly();
  }

  /** Frame {@code f}'s start in whole microseconds (rounded up), for {@code 0 <= f <= frameCount}. */
  long micros(long frame) {
    if (frame < frameCount()) return SpliceTime.ceilMicros(index.pts(index.packetOf(frame)), timeBase());
    long last = index.pts(index.packetOf(frameCount() - 1));
    return SpliceTime.ceilMicros(last + SpliceTime.frameTicks(probe.frameRate(), timeBase()), timeBase());
  }

  /** The random-access point at {@code frame} of a long-GOP master, or null. */
  AccessPoint pointAt(long frame) {
    return pointAt.get(frame);
  }

  /** The random-access point after {@code point}, or null for the last. */
  AccessPoint pointAfter(AccessPoint point) {
    int i = points.indexOf(point);
    return i + 1 < points.size() ? points.get(i + 1) : null;
  }

  /** The decode-order packet a KEEP starting at {@code frame} starts at. */
  int startPacket(long frame) {
    if (frame == 0) return 0;
    if (intraOnly()) return index.packetOf(frame);
    AccessPoint p = pointAt(frame);
    if (p == null) throw new UnsupportedMasterException("the plan keeps frames from " + frame + ", which is not a random-access point of the master");
    return p.packet();
  }

  /** The decode-order packet after the last one of a KEEP ending at {@code endFrame} (exclusive). */
  int endPacket(long endFrame) {
    if (endFrame == frameCount()) return index.packetCount();
    if (intraOnly()) return index.packetOf(endFrame);
    for (AccessPoint p : points) {
      if (p.frame() - p.lead() == endFrame) return p.packet();
    }
    throw new UnsupportedMasterException("the plan renders from frame " + endFrame
        + ", where no random-access point's leading pictures begin in the master");
  }

  /**
   * The concat demuxer's {@code outpoint} that stops reading exactly before packet {@code endPacket}: it drops
   * packets whose DTS is at or after the outpoint, so any value in {@code (dts(endPacket-1), dts(endPacket)]} cuts
   * there; the largest is taken, so that no packet of another stream stored before the last kept video packet
   * ends the piece early.
   */
  long outpointMicros(int endPacket) {
    long next = index.dts(endPacket);
    long last = index.dts(endPacket - 1);
    if (next == PacketIndex.ABSENT || last == PacketIndex.ABSENT) {
      throw new UnsupportedMasterException("the master does not give the decoding time of packet " + (endPacket - 1)
          + " or " + endPacket + ", so it cannot be cut there");
    }
    long op = SpliceTime.floorMicros(next, timeBase());
    if (!SpliceTime.isAfter(op, last, timeBase())) {
      throw new UnsupportedMasterException("packets " + (endPacket - 1) + " and " + endPacket
          + " of the master are decoded less than a microsecond apart; it cannot be cut between them");
    }
    return op;
  }

  /** The packets after {@code point} shown before it (its leading pictures, and any the decoder skips), in decode order. */
  List<Integer> leadingPackets(AccessPoint point, int endPacket) {
    List<Integer> out = new ArrayList<>();
    long pts = index.pts(point.packet());
    for (int i = point.packet() + 1; i < endPacket; i++) {
      if (!index.isDisplayed(i) || index.pts(i) < pts) out.add(i);
    }
    return out;
  }

  /**
   * True if RENDER {@code s} is followed by a KEEP at an H.264 open-GOP I picture, so that it goes into the master's
   * picture slots ({@link OpenGopSeam}) and must be rendered as intra pictures.
   */
  boolean slotsBefore(Segment s) {
    if (intraOnly() || s.endExclusive() >= frameCount()) return false;
    return OpenGopSeam.applies(probe, pointAt(s.endExclusive()));
  }

  /**
   * Checks, before anything is rendered, that the plan's cuts are cuts of this master (the sidecar it was planned
   * from may be stale) and that every seam can be spliced in {@code container}.
   */
  void checkPlan(PatchPlan plan, SpliceContainer container) {
    if (plan.frameCount() != frameCount()) {
      throw new UnsupportedMasterException("the plan covers " + plan.frameCount() + " frames but the master has " + frameCount());
    }
    if (probe.video().index() != 0) {
      throw new UnsupportedMasterException("the master's video is stream " + probe.video().index()
          + "; Patchwork splices masters whose first stream is the video");
    }
    if (container.isQuickTime() && Splicer.hasTopLevelBox(probe.path(), "moof")) {
      throw new UnsupportedMasterException("the master is a fragmented " + container.muxer().toUpperCase(Locale.ROOT)
          + " (it has moof boxes); Patchwork splices MP4/MOV files whose sample tables are in one moov box");
    }
    Segment previous = null;
    for (Segment s : plan.segments()) {
      if (s.isRender()) {
        if (s.start() > 0) endPacket(s.start());
      } else {
        startPacket(s.start());
        if (previous != null && !intraOnly()) {
          AccessPoint p = pointAt(s.start());
          if (OpenGopSeam.applies(probe, p)) OpenGopSeam.check(container, p); else SeamBridge.needed(probe, container, p);
        }
      }
      previous = s;
    }
  }
}
