package dev.patchwork.ffmpeg;

import dev.patchwork.time.FrameRate;
import java.util.Objects;

/**
 * Where a master frame starts in its audio, in samples: the arithmetic every part of a patch (renderer, splicer,
 * verifier) must share so that audio seams are sample-exact.
 *
 * <p>Frame {@code f} of a video at {@code rate} starts at {@code f / rate} seconds, which is sample
 * {@code f · sampleRate · den / num}. That is a whole number at 24, 25 or 23.976 fps and 48 kHz (2000, 1920, 2002
 * samples a frame) but not at 29.97 fps (1601.6). Patchwork rounds the exact position to the nearest sample, halves
 * up, always counted from frame 0 of the master ({@link #startOf}); a range of frames then holds
 * {@code startOf(end) − startOf(start)} samples, so the pieces of a spliced track add up exactly and the error never
 * exceeds half a sample (29.97 fps at 48 kHz gives the cadence 1602, 1601, 1602, 1601, 1602). Integer math only.
 */
public final class PcmSamples {

  private PcmSamples() {}

  /**
   * The first sample of master frame {@code frame}: {@code round(frame · sampleRate · den / num)}, halves rounded up.
   *
   * @throws IllegalArgumentException if {@code frame} is negative or {@code sampleRate} not positive
   * @throws ArithmeticException      if the product overflows a {@code long} (far beyond any real master)
   */
  public static long startOf(long frame, FrameRate rate, int sampleRate) {
    Objects.requireNonNull(rate, "rate");
    if (frame < 0) throw new IllegalArgumentException("frame < 0: " + frame);
    if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    long numerator = Math.multiplyExact(Math.multiplyExact(frame, (long) sampleRate), rate.denominator());
    long denominator = rate.numerator();
    return Math.floorDiv(Math.addExact(Math.multiplyExact(numerator, 2L), denominator), Math.multiplyExact(denominator, 2L));
  }

  /** Samples in master frames {@code [startFrame, endFrame)}: {@code startOf(endFrame) − startOf(startFrame)}. */
  public static long count(long startFrame, long endFrame, FrameRate rate, int sampleRate) {
    if (endFrame < startFrame) throw new IllegalArgumentException("endFrame < startFrame: " + endFrame + " < " + startFrame);
    return startOf(endFrame, rate, sampleRate) - startOf(startFrame, rate, sampleRate);
  }
}
