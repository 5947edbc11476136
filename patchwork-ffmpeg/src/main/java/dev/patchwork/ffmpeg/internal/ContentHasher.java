package dev.patchwork.ffmpeg.internal;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchworkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes a file in one sequential read: SHA-256 of the whole file, of each span of a list that tiles it, and of
 * chosen byte ranges inside the spans (video packet payloads), each span's ranges concatenated in file order.
 *
 * <p>The file is read in {@value #CHUNK_BYTES}-byte chunks from a small pool ({@value #CHUNKS} chunks: 4 MiB
 * whatever the file's size). The whole-file digest runs on a second thread while the calling thread reads and
 * hashes the spans and ranges, so on two cores the pass costs about one digest per byte of wall time. Nothing per
 * packet is kept: ranges come one at a time from a {@link Ranges} cursor, and each span leaves only its hex digest.
 *
 * <p>The file may be shorter or longer than the spans say (a truncated or grown master): spans are hashed as far as
 * the file reaches and {@link Result#spanComplete(int)} tells which were read whole.
 */
public final class ContentHasher {

  /** Bytes read at a time. */
  public static final int CHUNK_BYTES = 1 << 20;
  /** Chunks in flight between the reader and the whole-file digest. */
  public static final int CHUNKS = 4;

  private static final HexFormat HEX = HexFormat.of();

  /** Byte ranges inside the spans, in file order, not overlapping; each lies inside the span it names. */
  public interface Ranges {
    /** No ranges. */
    Ranges NONE = new Ranges() {
      @Override
      public boolean next() {
        return false;
      }

      @Override
      public long start() {
        throw new IllegalStateException();
      }

      @Override
      public long length() {
        throw new IllegalStateException();
      }

      @Override
      public int span() {
        throw new IllegalStateException();
      }
    };

    /** Moves to the next range; false when there are no more (or the cursor gave up). */
    boolean next() throws IOException;

    /** The current range's first byte in the file. */
    long start();

    /** The current range's length in bytes (may be 0). */
    long length();

    /** The span the current range belongs to. */
    int span();
  }

  /** Reports bytes read so far of the total expected; called on the hashing thread. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total) -> { };

    void bytes(long done, long total);
  }

  /**
   * What one pass found.
   *
   * @param bytesRead     bytes in the file (all of them were read)
   * @param fileSha256    SHA-256 of the whole file, lowercase hex
   * @param spanSha256    per span, SHA-256 of its bytes as far as the file holds them
   * @param spanRead      per span, how many of its bytes the file holds
   * @param rangeSha256   per span, SHA-256 of its ranges concatenated; {@code null} for spans with no ranges
   * @param elapsed       wall time of the pass
   */
  public record Result(long bytesRead, String fileSha256, String[] spanSha256, long[] spanRead, String[] rangeSha256,
      Duration elapsed, long[] bounds) {

    /** True if the file holds every byte of span {@code i}. */
    public boolean spanComplete(int i) {
      return spanRead[i] == bounds[i + 1] - bounds[i];
    }

    /** Bytes per second of the pass. */
    public long bytesPerSecond() {
      long nanos = Math.max(1, elapsed.toNanos());
      return (long) (bytesRead * 1e9 / nanos);
    }
  }

  private ContentHasher() {}

  /**
   * Hashes {@code file}.
   *
   * @param bounds       span boundaries: span {@code i} is bytes {@code [bounds[i], bounds[i + 1])}; {@code bounds[0]}
   *                     is 0 and they never decrease
   * @param ranges       the ranges to hash per span (drawn lazily, on the calling thread)
   * @param progress     told of the bytes read, a few times a second
   * @param cancellation stops the pass (as does an interrupt of the calling thread)
   * @throws IOException        if the file cannot be read
   * @throws CancelledException if cancelled or interrupted
   */
  public static Result hash(Path file, long[] bounds, Ranges ranges, Progress progress, Cancellation cancellation)
      throws IOException {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(ranges, "ranges");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(cancellation, "cancellation");
    if (bounds.length < 2 || bounds[0] != 0) throw new IllegalArgumentException("bounds must start at 0 and name a span");
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] < bounds[i - 1]) throw new IllegalArgumentException("bounds decrease at " + i);
    }
    long start = System.nanoTime();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        WholeFileDigest whole = new WholeFileDigest(file)) {
      long expected = Math.max(bounds[bounds.length - 1], channel.size());
      Pass pass = new Pass(bounds, ranges);
      long offset = 0;
      long lastReport = System.nanoTime();
      while (true) {
        if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
          throw new CancelledException("cancelled while hashing " + file);
        }
        Chunk c = whole.free();
        int n = fill(channel, c.buffer, offset);
        if (n == 0) {
          whole.giveBack(c);
          break;
        }
        c.length = n;
        c.pending.set(2);
        whole.submit(c);
        pass.accept(c.buffer, n, offset);
        whole.release(c);
        offset += n;
        long now = System.nanoTime();
        if (now - lastReport >= 200_000_000L) {
          progress.bytes(offset, expected);
          lastReport = now;
        }
      }
      String fileSha = whole.finish();
      pass.finish();
      progress.bytes(offset, Math.max(offset, expected));
      return new Result(offset, fileSha, pass.spanSha, pass.spanRead, pass.rangeSha, Duration.ofNanos(System.nanoTime() - start),
          bounds.clone());
    }
  }

  private static int fill(FileChannel channel, byte[] buffer, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buffer);
    while (b.hasRemaining()) {
      int r = channel.read(b, position + b.position());
      if (r < 0) break;
    }
    return b.position();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  private static final class Chunk {
    final byte[] buffer;
    int length;

    Chunk(int size) {
      buffer = new byte[size];
    }

    final AtomicInteger pending = new AtomicInteger();
  }

  /** The span and range digests, fed chunk by chunk on the calling thread. */
  private static final class Pass {
    private final long[] bounds;
    private final int spans;
    private final Ranges ranges;
    final String[] spanSha;
    final long[] spanRead;
    final String[] rangeSha;
    private final MessageDigest spanDigest = sha256();
    private final MessageDigest rangeDigest = sha256();
    private int span;
    private int rangeSpan = -1;
    private boolean haveRange;
    private boolean rangesDone;
    private long rangeStart;
    private long rangeEnd;
    private long previousRangeEnd;

    Pass(long[] bounds, Ranges ranges) throws IOException {
      this.bounds = bounds;
      this.spans = bounds.length - 1;
      this.ranges = ranges;
      this.spanSha = new String[spans];
      this.spanRead = new long[spans];
      this.rangeSha = new String[spans];
      advanceRange();
    }

    void accept(byte[] b, int n, long base) throws IOException {
      long end = base + n;
      // spans
      long at = base;
      while (at < end && span < spans) {
        long spanEnd = bounds[span + 1];
        if (at >= spanEnd) {
          closeSpan();
          continue;
        }
        int take = (int) (Math.min(end, spanEnd) - at);
        spanDigest.update(b, (int) (at - base), take);
        spanRead[span] += take;
        at += take;
        if (at == spanEnd) closeSpan();
      }
      // ranges
      while (haveRange && rangeStart < end) {
        long from = Math.max(rangeStart, base);
        long to = Math.min(rangeEnd, end);
        if (to > from) rangeDigest.update(b, (int) (from - base), (int) (to - from));
        if (rangeEnd <= end) {
          advanceRange();
        } else {
          break;
        }
      }
    }

    private void closeSpan() {
      spanSha[span] = HEX.formatHex(spanDigest.digest());
      span++;
    }

    private void advanceRange() throws IOException {
      if (rangesDone) return;
      if (!ranges.next()) {
        haveRange = false;
        rangesDone = true;
        closeRangeSpan();
        return;
      }
      long s = ranges.start();
      long len = ranges.length();
      int sp = ranges.span();
      if (len < 0 || s < previousRangeEnd || sp < 0 || sp >= spans || sp < rangeSpan || s < bounds[sp] || s + len > bounds[sp + 1]) {
        throw new IllegalStateException("range [" + s + ", " + (s + len) + ") of span " + sp
            + " is out of order or outside its span");
      }
      if (sp != rangeSpan) {
        closeRangeSpan();
        rangeSpan = sp;
      }
      rangeStart = s;
      rangeEnd = s + len;
      previousRangeEnd = rangeEnd;
      haveRange = true;
    }

    private void closeRangeSpan() {
      if (rangeSpan >= 0) rangeSha[rangeSpan] = HEX.formatHex(rangeDigest.digest());
    }

    void finish() {
      // spans the file does not reach (or reaches only partly) keep the digest of what there was
      while (span < spans) closeSpan();
      if (haveRange) {
        // a range past the end of the file: its span's digest covers what was read
        haveRange = false;
        closeRangeSpan();
      }
    }
  }

  /** The whole-file SHA-256 on its own thread, and the pool of chunks it shares with the reader. */
  private static final class WholeFileDigest implements AutoCloseable {
    private static final Chunk END = new Chunk(0);
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
    private final BlockingQueue<Chunk> work = new ArrayBlockingQueue<>(CHUNKS + 1);
    private final MessageDigest digest = sha256();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean finished;

    WholeFileDigest(Path file) {
      for (int i = 0; i < CHUNKS; i++) free.add(new Chunk(CHUNK_BYTES));
      thread = new Thread(this::run, "patchwork-sha256 " + file.getFileName());
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      try {
        while (true) {
          Chunk c = work.take();
          if (c == END) return;
          digest.update(c.buffer, 0, c.length);
          release(c);
        }
      } catch (InterruptedException e) {
        // closed early
      } catch (RuntimeException | Error e) {
        failure.set(e);
      }
    }

    Chunk free() {
      try {
        while (true) {
          Chunk c = free.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          if (c != null) return c;
          checkAlive();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while hashing");
      }
    }

    void submit(Chunk c) {
      try {
        work.put(c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while hashing");
      }
    }

    void release(Chunk c) {
      if (c.pending.decrementAndGet() == 0) free.add(c);
    }

    void giveBack(Chunk c) {
      free.add(c);
    }

    private void checkAlive() {
      Throwable t = failure.get();
      if (t != null) throw new PatchworkException("hashing failed: " + t, t);
      if (!thread.isAlive()) throw new IllegalStateException("the hashing thread stopped");
    }

    String finish() {
      submit(END);
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while hashing");
      }
      Throwable t = failure.get();
      if (t != null) throw new PatchworkException("hashing failed: " + t, t);
      finished = true;
      return HEX.formatHex(digest.digest());
    }

    @Override
    public void close() {
      if (finished) return;
      thread.interrupt();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
