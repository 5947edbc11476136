package dev.patchwork.plan;

import dev.patchwork.time.FrameRange;
import java.util.Objects;

/**
 * A point in the master where decoding can start (an IDR, CRA, BLA, closed or open MPEG-2 GOP, or every
 * frame of an intra codec).
 *
 * @param frame   the point's frame index in display order
 * @param leading the display range of its <em>leading pictures</em>: frames shown before it but stored
 *                after it, which reference the previous GOP (RASL, open-GOP B-frames). Empty (at
 *                {@code frame}) for a closed point. When not empty it ends at {@code frame}.
 */
public record RandomAccessPoint(long frame, FrameRange leading) {

  public RandomAccessPoint {
    Objects.requireNonNull(leading, "leading");
    if (frame < 0) throw new IllegalArgumentException("frame < 0: " + frame);
    if (leading.isEmpty()) {
      leading = FrameRange.of(frame, frame);
    } else if (leading.endExclusive() != frame) {
      throw new IllegalArgumentException("leading pictures " + leading + " must end at the random-access point " + frame);
    }
  }

  /** A closed random-access point (no leading pictures). */
  public static RandomAccessPoint closed(long frame) {
    return new RandomAccessPoint(frame, FrameRange.of(frame, frame));
  }

  /** An open random-access point with {@code leadingPictures} leading pictures just before it in display order. */
  public static RandomAccessPoint open(long frame, int leadingPictures) {
    if (leadingPictures < 0) throw new IllegalArgumentException("leadingPictures < 0: " + leadingPictures);
    if (leadingPictures > frame) {
      throw new IllegalArgumentException("point " + frame + " cannot have " + leadingPictures + " leading pictures");
    }
    return new RandomAccessPoint(frame, FrameRange.of(frame - leadingPictures, frame));
  }

  /** Number of leading pictures ({@code lead(j)} in the planner's rules). */
  public long lead() {
    return leading.frames();
  }

  public boolean isClosed() {
    return leading.isEmpty();
  }
}
