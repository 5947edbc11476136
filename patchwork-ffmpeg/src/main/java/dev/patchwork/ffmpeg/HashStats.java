package dev.patchwork.ffmpeg;

import java.math.BigInteger;
import java.time.Duration;
import java.util.Objects;

/**
 * How long one read of a master took.
 *
 * @param bytes   bytes read and hashed
 * @param elapsed wall time of the read
 */
public record HashStats(long bytes, Duration elapsed) {

  public HashStats {
    Objects.requireNonNull(elapsed, "elapsed");
    if (bytes < 0) throw new IllegalArgumentException("bytes < 0: " + bytes);
    if (elapsed.isNegative()) throw new IllegalArgumentException("elapsed < 0: " + elapsed);
  }

  /** Bytes per second (bytes / elapsed). */
  public long bytesPerSecond() {
    long nanos = Math.max(1, elapsed.toNanos());
    return BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(1_000_000_000L)).divide(BigInteger.valueOf(nanos)).longValue();
  }
}
