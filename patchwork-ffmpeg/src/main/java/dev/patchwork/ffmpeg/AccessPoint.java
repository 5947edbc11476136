package dev.patchwork.ffmpeg;

import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.time.FrameRange;
import java.util.Objects;

/**
 * One random-access point of a long-GOP master as found in its bitstream (never from the container's keyframe
 * flag alone), with the detail a splicer needs.
 *
 * @param frame            the point's frame index in display order
 * @param packet           its packet index in decode order ({@link PacketIndex})
 * @param kind             what makes it a point
 * @param nalUnitType      the NAL unit type of its first slice (H.264 5 or 1, HEVC 16–21), or {@code -1} (MPEG-2)
 * @param leading          display range of its leading pictures: stored after it in decode order, shown before it.
 *                         Empty (at {@code frame}) when there are none
 * @param leadingDecodable true if every leading picture (if any) can be decoded from this point on (HEVC RADL, an
 *                         MPEG-2 closed GOP whose first B-frames predict only backwards); false if any references
 *                         the previous GOP (HEVC RASL, H.264 open-GOP B-frames, MPEG-2 open GOP). Either way they
 *                         are displayed before the point, so a splice at this point must drop or replace them
 * @param brokenLink       the bitstream says the leading pictures are unusable (MPEG-2 or H.264 recovery-point
 *                         {@code broken_link}, HEVC BLA)
 */
public record AccessPoint(
    long frame, int packet, Kind kind, int nalUnitType, FrameRange leading, boolean leadingDecodable, boolean brokenLink) {

  /** What makes a picture a random-access point. */
  public enum Kind {
    /** H.264 IDR (NAL 5) or HEVC IDR_W_RADL / IDR_N_LP (NAL 19/20). */
    IDR,
    /** HEVC clean random access (NAL 21); its RASL pictures reference the previous GOP. */
    CRA,
    /** HEVC broken link access (NAL 16–18). */
    BLA,
    /** H.264 non-IDR I picture with a recovery point SEI ({@code recovery_frame_cnt = 0}): x264's open GOP. */
    RECOVERY_POINT,
    /** MPEG-1/2 I picture after a GOP header with {@code closed_gop = 1}. */
    CLOSED_GOP,
    /** MPEG-1/2 I picture after a GOP header with {@code closed_gop = 0}. */
    OPEN_GOP
  }

  public AccessPoint {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(leading, "leading");
    if (frame < 0) throw new IllegalArgumentException("frame < 0: " + frame);
    if (packet < 0) throw new IllegalArgumentException("packet < 0: " + packet);
    if (leading.isEmpty()) {
      leading = FrameRange.of(frame, frame);
    } else if (leading.endExclusive() != frame) {
      throw new IllegalArgumentException("leading pictures " + leading + " must end at the point " + frame);
    }
  }

  /** Number of leading pictures. */
  public long lead() {
    return leading.frames();
  }

  /** True if no picture stored after this point is shown before it. */
  public boolean isClosed() {
    return leading.isEmpty();
  }

  /** The planner's view: the point and its leading pictures. */
  public RandomAccessPoint toRandomAccessPoint() {
    return new RandomAccessPoint(frame, leading);
  }
}
