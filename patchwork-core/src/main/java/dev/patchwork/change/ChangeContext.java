package dev.patchwork.change;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.Objects;

/**
 * What the parsers need to know about the master to turn timecodes into master frames and to check that
 * every change lies inside it.
 *
 * <p>The command line builds this from the master's sidecar (or a probe): the rate and frame count of its
 * video stream and the start timecode taken from its timecode track ({@code 00:00:00:00} when it has none).
 * {@code --start-tc} overrides the start with {@link #withStartTimecode(Timecode)}.
 *
 * @param rate          the master's frame rate; timecode labels are read at this rate
 * @param startTimecode the label of master frame 0; its drop-frame flag is the master's timecode mode
 * @param frameCount    frames in the master; every change must lie in {@code [0, frameCount)}
 */
public record ChangeContext(FrameRate rate, Timecode startTimecode, long frameCount) {

  public ChangeContext {
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(startTimecode, "startTimecode");
    if (!startTimecode.rate().equals(rate)) {
      throw new IllegalArgumentException("start timecode " + startTimecode + " is at " + startTimecode.rate().toDecimalString()
          + " fps but the master runs at " + rate.toDecimalString() + " fps");
    }
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
  }

  /** A master at {@code rate} with {@code frameCount} frames starting at {@code 00:00:00:00} (non-drop). */
  public static ChangeContext of(FrameRate rate, long frameCount) {
    return new ChangeContext(rate, Timecode.zero(rate, false), frameCount);
  }

  /** This context with another start timecode (the {@code --start-tc} override). */
  public ChangeContext withStartTimecode(Timecode newStart) {
    return new ChangeContext(rate, newStart, frameCount);
  }

  /** Every frame of the master: {@code [0, frameCount)}. */
  public FrameRange masterRange() {
    return FrameRange.of(0, frameCount);
  }

  /** The timecode label of master frame {@code frame} (which may lie outside the master). */
  public Timecode timecodeAt(long frame) {
    return startTimecode.plus(frame);
  }

  /**
   * The master in words, for messages: {@code "frames 0..2399 (01:00:00:00 to 01:01:39:23, 2400 frames at 24 fps)"}.
   */
  public String describeMaster() {
    return "frames 0.." + (frameCount - 1) + " (" + startTimecode + " to " + timecodeAt(frameCount - 1) + ", "
        + frameCount + " frames at " + rate.toDecimalString() + " fps)";
  }
}
