package dev.patchwork.resolve;

import dev.patchwork.ValidationException;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.Locale;
import java.util.Objects;

/**
 * The facts of a Resolve timeline that Patchwork uses.
 *
 * <p>Frames: {@code GetStartFrame()} is the absolute frame number of the timeline's first frame and
 * {@code GetEndFrame()} is taken as the frame after its last (so the timeline has {@code endFrame − startFrame}
 * frames), as scripts commonly use them. A master rendered from the whole timeline has its frame {@code i} at timeline
 * frame {@code startFrame + i}; marker keys are offsets {@code i}, render marks ({@code MarkIn}/{@code MarkOut}) are
 * absolute.
 *
 * @param name              {@code GetName()}
 * @param startFrame        {@code GetStartFrame()}
 * @param endFrame          {@code GetEndFrame()}
 * @param startTimecodeText {@code GetStartTimecode()}, e.g. {@code 01:00:00:00} or drop-frame {@code 01:00:00;00}
 * @param frameRateSetting  the {@code timelineFrameRate} setting (the timeline's own, else the project's), e.g.
 *                          {@code 24}, {@code 23.976}, {@code 29.97 DF}
 * @param dropFrameSetting  the {@code timelineDropFrameTimecode} setting ({@code 1} for drop-frame), or empty
 */
public record TimelineInfo(String name, long startFrame, long endFrame, String startTimecodeText, String frameRateSetting,
    String dropFrameSetting) {

  public TimelineInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(startTimecodeText, "startTimecodeText");
    Objects.requireNonNull(frameRateSetting, "frameRateSetting");
    dropFrameSetting = dropFrameSetting == null ? "" : dropFrameSetting;
    if (startFrame < 0) throw new IllegalArgumentException("startFrame < 0: " + startFrame);
    if (endFrame < startFrame) throw new IllegalArgumentException("endFrame " + endFrame + " < startFrame " + startFrame);
  }

  /** Frames in the timeline: {@code endFrame − startFrame}. */
  public long frameCount() {
    return endFrame - startFrame;
  }

  /**
   * The timeline's frame rate: the {@code timelineFrameRate} setting without a {@code DF} suffix, decimals such as
   * {@code 23.976} and {@code 29.97} read as the NTSC rationals they name.
   *
   * @throws ValidationException if the setting is not a frame rate
   */
  public FrameRate rate() {
    String t = frameRateSetting.strip();
    if (t.toUpperCase(Locale.ROOT).endsWith("DF")) t = t.substring(0, t.length() - 2).strip();
    try {
      return FrameRate.parse(t);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("timeline '" + name + "'.timelineFrameRate",
          "'" + frameRateSetting + "' is not a frame rate; expected e.g. 24, 23.976 or 29.97 DF");
    }
  }

  /**
   * True if the timeline counts drop-frame timecode: its frame rate setting ends in {@code DF}, the
   * {@code timelineDropFrameTimecode} setting is {@code 1}, or its start timecode has {@code ;} before the frames.
   */
  public boolean dropFrame() {
    return frameRateSetting.strip().toUpperCase(Locale.ROOT).endsWith("DF") || dropFrameSetting.strip().equals("1")
        || startTimecodeText.strip().matches("\\d\\d[:;.,]\\d\\d[:;.,]\\d\\d[;.,]\\d\\d");
  }

  /**
   * The timeline's start timecode at its rate, in its drop-frame mode.
   *
   * @throws ValidationException if the start timecode cannot be read at the timeline's rate
   */
  public Timecode startTimecode() {
    FrameRate rate = rate();
    try {
      Timecode tc = Timecode.parse(startTimecodeText, rate);
      boolean df = dropFrame() && rate.supportsDropFrame();
      if (tc.dropFrame() == df) return tc;
      return Timecode.of(tc.hours(), tc.minutes(), tc.seconds(), tc.frames(), rate, df);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("timeline '" + name + "'.GetStartTimecode", e.getMessage());
    }
  }

  /** The absolute timeline frame of offset {@code offset} (a master frame): {@code startFrame + offset}. */
  public long absoluteFrame(long offset) {
    return Math.addExact(startFrame, offset);
  }

  /**
   * The context for reading timecodes and marker files against a master rendered from the whole timeline: its rate,
   * start timecode and frame count.
   *
   * @throws ValidationException if the timeline is empty or its rate or start timecode cannot be read
   */
  public ChangeContext changeContext() {
    if (frameCount() <= 0) throw new ValidationException("timeline '" + name + "'", "the timeline is empty (no frames)");
    return new ChangeContext(rate(), startTimecode(), frameCount());
  }
}
