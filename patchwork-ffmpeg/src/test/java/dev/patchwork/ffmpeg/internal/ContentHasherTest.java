package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.CancelledException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One read, many hashes: each checked against {@link MessageDigest} run on a copy of the bytes in memory. */
class ContentHasherTest {

  @TempDir Path tmp;

  /** A 3.5-chunk file: spans and ranges cross chunk boundaries. */
  @Test
  void hashesTheFileItsSpansAndTheirRangesInOnePass() throws IOException {
    byte[] data = random(ContentHasher.CHUNK_BYTES * 7 / 2, 1);
    Path file = Files.write(tmp.resolve("master.bin"), data);
    long c = ContentHasher.CHUNK_BYTES;
    long[] bounds = {0, 0, 100, c - 10, c + 10, 3 * c, data.length - 5, data.length};
    // ranges: several per span, one crossing a chunk boundary, one empty, spans 1, 3, 4 (not 0, 2, 5, 6)
    long[][] ranges = {{10, 20, 1}, {50, 50, 1}, {c - 5, 10, 3}, {c + 20, 0, 4}, {c + 30, 2 * c - 40, 4}, {3 * c - 1, 1, 4}};
    AtomicLong lastDone = new AtomicLong();

    ContentHasher.Result r = ContentHasher.hash(file, bounds, cursor(ranges), (done, total) -> {
      assertThat(total).isEqualTo(data.length);
      lastDone.set(done);
    }, Cancellation.NONE);

    assertThat(r.bytesRead()).isEqualTo(data.length);
    assertThat(r.fileSha256()).isEqualTo(sha(data, 0, data.length));
    for (int i = 0; i + 1 < bounds.length; i++) {
      assertThat(r.spanSha256()[i]).as("span %d", i).isEqualTo(sha(data, bounds[i], bounds[i + 1]));
      assertThat(r.spanComplete(i)).isTrue();
    }
    assertThat(r.rangeSha256()[1]).isEqualTo(sha(concat(data, ranges, 1)));
    assertThat(r.rangeSha256()[3]).isEqualTo(sha(concat(data, ranges, 3)));
    assertThat(r.rangeSha256()[4]).isEqualTo(sha(concat(data, ranges, 4)));
    assertThat(r.rangeSha256()[0]).isNull();
    assertThat(r.rangeSha256()[2]).isNull();
    assertThat(lastDone.get()).isEqualTo(data.length);
  }

  @Test
  void aShorterFileHashesWhatThereIsAndSaysWhichSpansAreIncomplete() throws IOException {
    byte[] data = random(5000, 2);
    Path file = Files.write(tmp.resolve("cut.bin"), data);
    long[] bounds = {0, 1000, 4000, 6000, 8000};

    ContentHasher.Result r = ContentHasher.hash(file, bounds, ContentHasher.Ranges.NONE, ContentHasher.Progress.NONE, Cancellation.NONE);

    assertThat(r.bytesRead()).isEqualTo(5000);
    assertThat(r.spanComplete(0)).isTrue();
    assertThat(r.spanComplete(1)).isTrue();
    assertThat(r.spanComplete(2)).isFalse();
    assertThat(r.spanRead()[2]).isEqualTo(1000);
    assertThat(r.spanSha256()[2]).isEqualTo(sha(data, 4000, 5000));
    assertThat(r.spanRead()[3]).isZero();
    assertThat(r.spanComplete(3)).isFalse();
  }

  @Test
  void aLongerFileCountsInTheWholeHashOnly() throws IOException {
    byte[] data = random(3000, 3);
    Path file = Files.write(tmp.resolve("grown.bin"), data);
    long[] bounds = {0, 0, 2000, 2500};

    ContentHasher.Result r = ContentHasher.hash(file, bounds, ContentHasher.Ranges.NONE, ContentHasher.Progress.NONE, Cancellation.NONE);

    assertThat(r.fileSha256()).isEqualTo(sha(data, 0, 3000));
    assertThat(r.spanSha256()[0]).isEqualTo(sha(new byte[0]));
    assertThat(r.spanSha256()[2]).isEqualTo(sha(data, 2000, 2500));
    assertThat(r.spanComplete(2)).isTrue();
  }

  @Test
  void rangesOutOfOrderOrOutsideTheirSpanAreABug() throws IOException {
    Path file = Files.write(tmp.resolve("f.bin"), random(1000, 4));
    long[] bounds = {0, 500, 1000};
    assertThatThrownBy(() -> ContentHasher.hash(file, bounds, cursor(new long[][] {{400, 200, 0}}), ContentHasher.Progress.NONE,
        Cancellation.NONE)).isInstanceOf(IllegalStateException.class).hasMessageContaining("outside its span");
    assertThatThrownBy(() -> ContentHasher.hash(file, bounds, cursor(new long[][] {{600, 10, 1}, {550, 10, 1}}),
        ContentHasher.Progress.NONE, Cancellation.NONE)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void cancellationStopsThePass() throws IOException {
    Path file = Files.write(tmp.resolve("big.bin"), random(ContentHasher.CHUNK_BYTES * 3, 5));
    Cancellation cancel = Cancellation.create();
    cancel.cancel();
    assertThatThrownBy(() -> ContentHasher.hash(file, new long[] {0, Files.size(file)}, ContentHasher.Ranges.NONE,
        ContentHasher.Progress.NONE, cancel)).isInstanceOf(CancelledException.class);
    // and the hashing thread is gone: no thread of that name survives
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("patchwork-sha256 big.bin") && t.isAlive());
  }

  @Test
  void aCursorThatCannotReadTheFileFailsThePass() throws IOException {
    Path file = Files.write(tmp.resolve("io.bin"), random(ContentHasher.CHUNK_BYTES * 2, 6));
    ContentHasher.Ranges broken = new ContentHasher.Ranges() {
      @Override
      public boolean next() throws IOException {
        throw new IOException("disk gone");
      }

      @Override
      public long start() {
        return 0;
      }

      @Override
      public long length() {
        return 0;
      }

      @Override
      public int span() {
        return 0;
      }
    };
    assertThatThrownBy(() -> ContentHasher.hash(file, new long[] {0, Files.size(file)}, broken, ContentHasher.Progress.NONE,
        Cancellation.NONE)).isInstanceOf(IOException.class).hasMessage("disk gone");
  }

  @Test
  void anInterruptedCallerGetsACancellation() throws IOException {
    Path file = Files.write(tmp.resolve("interrupted.bin"), random(ContentHasher.CHUNK_BYTES * 2, 7));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> ContentHasher.hash(file, new long[] {0, Files.size(file)}, ContentHasher.Ranges.NONE,
          ContentHasher.Progress.NONE, Cancellation.NONE)).isInstanceOf(CancelledException.class);
    } finally {
      Thread.interrupted();
    }
  }

  // --- helpers --------------------------------------------------------------------------------------------

  static ContentHasher.Ranges cursor(long[][] ranges) {
    return new ContentHasher.Ranges() {
      int i = -1;

      @Override
      public boolean next() {
        return ++i < ranges.length;
      }

      @Override
      public long start() {
        return ranges[i][0];
      }

      @Override
      public long length() {
        return ranges[i][1];
      }

      @Override
      public int span() {
        return (int) ranges[i][2];
      }
    };
  }

  private static byte[] concat(byte[] data, long[][] ranges, int span) {
    List<byte[]> parts = new ArrayList<>();
    for (long[] r : ranges) if (r[2] == span) parts.add(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1])));
    int n = parts.stream().mapToInt(p -> p.length).sum();
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha(byte[] data, long from, long to) {
    return sha(Arrays.copyOfRange(data, (int) from, (int) to));
  }

  static String sha(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
