package dev.patchwork.ffmpeg.internal;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchworkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes a file in one sequential read: SHA-256 of the whole file, of each span of a list that tiles it, and of
 * chosen byte ranges inside the spans (video packet payloads), each span's ranges concatenated in file order.
 *
 * <p>The calling thread reads the file in {@value #CHUNK_BYTES}-byte chunks from a small pool ({@value #CHUNKS}
 * chunks: 8 MiB whatever the file's size) and hands each chunk to up to three digest threads — the whole file, the
 * spans, the ranges — each a sequential SHA-256 of its own. A chunk returns to the pool when all have seen it. So the
 * pass runs at the speed of one SHA-256 when there are cores for each digest, and no slower than the file can be
 * read. Nothing per packet is kept: ranges come one at a time from a {@link Ranges} cursor (drawn on the range
 * thread), and each span leaves only its hex digest.
 *
 * <p>The file may be shorter or longer than the spans say (a truncated or grown master): spans are hashed as far as
 * the file reaches and {@link Result#spanComplete(int)} tells which were read whole.
 */
public final class ContentHasher {

  /** Bytes read at a time. */
  public static final int CHUNK_BYTES = 1 << 20;
  /** Chunks in flight between the reader and the whole-file digest. */
  public static final int CHUNKS = 8;

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

    /** Moves to the next range; false when there are no more (or the cursor gave up). Called on one thread. */
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
   * @param bounds        the span boundaries hashed
   */
  public record Result(long bytesRead, String fileSha256, String[] spanSha256, long[] spanRead, String[] rangeSha256,
      Duration elapsed, long[] bounds) {

    /** True if the file holds every byte of span {@code i}. */
    public boolean spanComplete(int i) {
      return spanRead[i] == bounds[i + 1] - bounds[i];
    }

  }

  private ContentHasher() {}

  /**
   * Hashes {@code file}.
   *
   * @param bounds       span boundaries: span {@code i} is bytes {@code [bounds[i], bounds[i + 1])}; {@code bounds[0]}
   *                     is 0 and they never decrease
   * @param ranges       the ranges to hash per span, drawn lazily on the range digest's thread
   * @param progress     told of the bytes read, a few times a second, on the calling thread
   * @param cancellation stops the pass (as does an interrupt of the calling thread)
   * @throws IOException        if the file cannot be read, or the range cursor could not read it
   * @throws CancelledException if cancelled or interrupted
   */
  public static Result hash(Path file, long[] bounds, Ranges ranges, Progress progress, Cancellation cancellation)
      throws IOException {
    return hash(file, bounds, ranges, progress, cancellation, true);
  }

  /**
   * Hashes {@code file}, with the whole file's digest only if {@code wholeFile} ({@link Result#fileSha256()} is null
   * otherwise: the caller has it from elsewhere).
   */
  public static Result hash(Path file, long[] bounds, Ranges ranges, Progress progress, Cancellation cancellation, boolean wholeFile)
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
    WholeFile whole = new WholeFile();
    Spans spans = new Spans(bounds);
    RangeDigests rangeDigests = ranges == Ranges.NONE ? null : new RangeDigests(bounds, ranges);
    List<Consumer> consumers = new ArrayList<>();
    if (wholeFile) consumers.add(whole);
    consumers.add(spans);
    if (rangeDigests != null) consumers.add(rangeDigests);
    String name = String.valueOf(file.getFileName());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Workers workers = new Workers(name, consumers)) {
      long expected = Math.max(bounds[bounds.length - 1], channel.size());
      long offset = 0;
      long lastReport = System.nanoTime();
      while (true) {
        if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
          throw new CancelledException("cancelled while hashing " + file);
        }
        Chunk c = workers.free();
        int n = fill(channel, c.buffer, offset);
        if (n == 0) {
          workers.giveBack(c);
          break;
        }
        c.length = n;
        c.offset = offset;
        workers.submit(c);
        offset += n;
        long now = System.nanoTime();
        if (now - lastReport >= 200_000_000L) {
          progress.bytes(offset, expected);
          lastReport = now;
        }
      }
      workers.finish();
      progress.bytes(offset, Math.max(offset, expected));
      return new Result(offset, whole.sha, spans.spanSha, spans.spanRead,
          rangeDigests == null ? new String[bounds.length - 1] : rangeDigests.rangeSha,
          Duration.ofNanos(System.nanoTime() - start), bounds.clone());
    } catch (ClosedByInterruptException e) {
      throw new CancelledException("interrupted while hashing " + file);
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
    long offset;
    final AtomicInteger pending = new AtomicInteger();

    Chunk(int size) {
      buffer = new byte[size];
    }
  }

  /** One digest fed chunk by chunk, in file order, on its own thread. */
  private interface Consumer {
    void accept(byte[] b, int n, long base) throws IOException;

    void finish();
  }

  /** The whole file. */
  private static final class WholeFile implements Consumer {
    private final MessageDigest digest = sha256();
    String sha;

    @Override
    public void accept(byte[] b, int n, long base) {
      digest.update(b, 0, n);
    }

    @Override
    public void finish() {
      sha = HEX.formatHex(digest.digest());
    }
  }

  /** Each span's bytes, as far as the file holds them. */
  private static final class Spans implements Consumer {
    private final long[] bounds;
    private final int count;
    final String[] spanSha;
    final long[] spanRead;
    private final MessageDigest digest = sha256();
    private int span;

    Spans(long[] bounds) {
      this.bounds = bounds;
      this.count = bounds.length - 1;
      this.spanSha = new String[count];
      this.spanRead = new long[count];
    }

    @Override
    public void accept(byte[] b, int n, long base) {
      long end = base + n;
      long at = base;
      while (at < end && span < count) {
        long spanEnd = bounds[span + 1];
        if (at >= spanEnd) {
          close();
          continue;
        }
        int take = (int) (Math.min(end, spanEnd) - at);
        digest.update(b, (int) (at - base), take);
        spanRead[span] += take;
        at += take;
        if (at == spanEnd) close();
      }
    }

    private void close() {
      spanSha[span] = HEX.formatHex(digest.digest());
      span++;
    }

    @Override
    public void finish() {
      // spans the file does not reach, or reaches only partly, keep the digest of what there was
      while (span < count) close();
    }
  }

  /** Each span's ranges, concatenated. */
  private static final class RangeDigests implements Consumer {
    private final long[] bounds;
    private final int spans;
    private final Ranges ranges;
    final String[] rangeSha;
    private final MessageDigest digest = sha256();
    private int rangeSpan = -1;
    private boolean started;
    private boolean haveRange;
    private boolean done;
    private long rangeStart;
    private long rangeEnd;
    private long previousEnd;

    RangeDigests(long[] bounds, Ranges ranges) {
      this.bounds = bounds;
      this.spans = bounds.length - 1;
      this.ranges = ranges;
      this.rangeSha = new String[spans];
    }

    @Override
    public void accept(byte[] b, int n, long base) throws IOException {
      if (!started) {
        started = true;
        advance();
      }
      long end = base + n;
      while (haveRange && rangeStart < end) {
        long from = Math.max(rangeStart, base);
        long to = Math.min(rangeEnd, end);
        if (to > from) digest.update(b, (int) (from - base), (int) (to - from));
        if (rangeEnd <= end) {
          advance();
        } else {
          break;
        }
      }
    }

    private void advance() throws IOException {
      if (done) return;
      if (!ranges.next()) {
        haveRange = false;
        done = true;
        closeSpan();
        return;
      }
      long s = ranges.start();
      long len = ranges.length();
      int sp = ranges.span();
      if (len < 0 || s < previousEnd || sp < 0 || sp >= spans || sp < rangeSpan || s < bounds[sp] || s + len > bounds[sp + 1]) {
        throw new IllegalStateException("range [" + s + ", " + (s + len) + ") of span " + sp + " is out of order or outside its span");
      }
      if (sp != rangeSpan) {
        closeSpan();
        rangeSpan = sp;
      }
      rangeStart = s;
      rangeEnd = s + len;
      previousEnd = rangeEnd;
      haveRange = true;
    }

    private void closeSpan() {
      if (rangeSpan >= 0) rangeSha[rangeSpan] = HEX.formatHex(digest.digest());
    }

    @Override
    public void finish() {
      // a range past the end of the file: its span's digest covers what was read
      if (haveRange || !done) {
        haveRange = false;
        done = true;
        closeSpan();
      }
    }
  }

  /** The digest threads and the pool of chunks they share with the reader. */
  private static final class Workers implements AutoCloseable {
    private static final Chunk END = new Chunk(0);
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(CHUNKS);
    private final List<BlockingQueue<Chunk>> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private boolean finished;

    Workers(String name, List<Consumer> consumers) {
      for (int i = 0; i < CHUNKS; i++) free.add(new Chunk(CHUNK_BYTES));
      for (Consumer c : consumers) {
        BlockingQueue<Chunk> q = new ArrayBlockingQueue<>(CHUNKS + 1);
        queues.add(q);
        Thread t = new Thread(() -> run(c, q), "patchwork-sha256 " + name);
        t.setDaemon(true);
        threads.add(t);
      }
      threads.forEach(Thread::start);
    }

    private void run(Consumer consumer, BlockingQueue<Chunk> queue) {
      try {
        while (true) {
          Chunk c = queue.take();
          if (c == END) {
            consumer.finish();
            return;
          }
          if (failure.get() == null) consumer.accept(c.buffer, c.length, c.offset);
          if (c.pending.decrementAndGet() == 0) free.add(c);
        }
      } catch (InterruptedException e) {
        // closed early
      } catch (IOException | RuntimeException | Error e) {
        failure.compareAndSet(null, e);
      }
    }

    Chunk free() throws IOException {
      try {
        while (true) {
          checkFailure();
          Chunk c = free.poll(100, TimeUnit.MILLISECONDS);
          if (c != null) return c;
          for (Thread t : threads) {
            if (!t.isAlive()) throw new IllegalStateException("a hashing thread stopped");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while hashing");
      }
    }

    void giveBack(Chunk c) {
      free.add(c);
    }

    void submit(Chunk c) {
      c.pending.set(queues.size());
      for (BlockingQueue<Chunk> q : queues) put(q, c);
    }

    private void put(BlockingQueue<Chunk> q, Chunk c) {
      try {
        q.put(c);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while hashing");
      }
    }

    void finish() throws IOException {
      for (BlockingQueue<Chunk> q : queues) put(q, END);
      for (Thread t : threads) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancelledException("interrupted while hashing");
        }
      }
      finished = true;
      checkFailure();
    }

    private void checkFailure() throws IOException {
      Throwable t = failure.get();
      if (t == null) return;
      if (t instanceof IOException io) throw io;
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error e) throw e;
      throw new PatchworkException("hashing failed: " + t, t);
    }

    @Override
    public void close() {
      if (finished) return;
      threads.forEach(Thread::interrupt);
      for (Thread t : threads) {
        try {
          t.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
