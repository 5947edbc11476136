package dev.patchwork.plan;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a first render of {@code frameCount} frames, encoded with a fixed GOP of {@code gop} frames, is split
 * into chunks that can be rendered independently and concatenated: every chunk starts on a GOP boundary
 * (a multiple of {@code gop}), and the last ends at {@code frameCount}.
 *
 * @param frameCount frames to render
 * @param gop        the encoder's fixed GOP length in frames
 * @param chunks     contiguous, non-empty ranges covering {@code [0, frameCount)}
 */
public record ChunkPlan(long frameCount, int gop, List<FrameRange> chunks) {

  public ChunkPlan {
    chunks = List.copyOf(chunks);
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (gop <= 0) throw new IllegalArgumentException("gop must be positive: " + gop);
    if (chunks.isEmpty()) throw new IllegalArgumentException("a chunk plan needs at least one chunk");
    long next = 0;
    for (FrameRange c : chunks) {
      if (c.start() != next) throw new IllegalArgumentException("chunks must be contiguous from frame 0: " + c + " starts at " + c.start() + ", expected " + next);
      if (c.isEmpty()) throw new IllegalArgumentException("empty chunk " + c);
      if (c.start() % gop != 0) throw new IllegalArgumentException("chunk " + c + " does not start on a GOP boundary (gop " + gop + ")");
      next = c.endExclusive();
    }
    if (next != frameCount) throw new IllegalArgumentException("chunks end at " + next + ", not at frameCount " + frameCount);
  }

  /**
   * Chunks of about {@code target} each at {@code rate}; see {@link #ofTargetFrames}. The target is turned
   * into frames exactly (rounded down, at least one).
   */
  public static ChunkPlan of(long frameCount, FrameRate rate, int gop, Duration target) {
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(target, "target");
    if (target.isNegative() || target.isZero()) throw new IllegalArgumentException("target duration must be positive: " + target);
    BigInteger nanos = BigInteger.valueOf(target.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
        .add(BigInteger.valueOf(target.getNano()));
    BigInteger frames = nanos.multiply(BigInteger.valueOf(rate.numerator()))
        .divide(BigInteger.valueOf(1_000_000_000L).multiply(BigInteger.valueOf(rate.denominator())));
    long targetFrames = frames.min(BigInteger.valueOf(Long.MAX_VALUE)).max(BigInteger.ONE).longValueExact();
    return ofTargetFrames(frameCount, gop, targetFrames);
  }

  /**
   * Chunks of about {@code targetFrames} frames. With {@code G} GOPs in all (the last may be partial) and a
   * target of {@code T} GOPs ({@code targetFrames / gop} rounded half up, at least 1), there are
   * {@code round(G / T)} chunks (at least 1, at most {@code G}); their GOP counts differ by at most one, the
   * larger ones last so that a partial final GOP evens out. Every chunk holds at least one GOP or, when
   * {@code frameCount < gop}, the whole render.
   */
  public static ChunkPlan ofTargetFrames(long frameCount, int gop, long targetFrames) {
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (gop <= 0) throw new IllegalArgumentException("gop must be positive: " + gop);
    if (targetFrames <= 0) throw new IllegalArgumentException("targetFrames must be positive: " + targetFrames);
    long gops = frameCount / gop + (frameCount % gop == 0 ? 0 : 1);
    long targetGops = Math.max(1, divideRoundingHalfUp(targetFrames, gop));
    long count = Math.min(gops, Math.max(1, divideRoundingHalfUp(gops, targetGops)));
    long base = gops / count;
    long larger = gops % count; // the last `larger` chunks get one GOP more
    List<FrameRange> chunks = new ArrayList<>(Math.toIntExact(count));
    long start = 0;
    for (long i = 0; i < count; i++) {
      long size = base + (i >= count - larger ? 1 : 0);
      long end = Math.min(frameCount, start + size * gop);
      chunks.add(FrameRange.of(start, end));
      start = end;
    }
    return new ChunkPlan(frameCount, gop, chunks);
  }

  /** {@code a / b} rounded half up, for positive values, without overflow. */
  private static long divideRoundingHalfUp(long a, long b) {
    long r = a % b;
    return a / b + (r >= b - r ? 1 : 0);
  }
}
