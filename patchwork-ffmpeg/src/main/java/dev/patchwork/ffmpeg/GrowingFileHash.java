package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.Callable;

/**
 * The SHA-256 of a file that another thread is writing from its start to its end, never going back: read from the
 * file (not from the writer's buffers) as it grows, so that the hash is ready soon after the last byte is written. The
 * writer calls {@link #finished(long)} with the file's final size.
 */
final class GrowingFileHash implements Callable<GrowingFileHash.Hashed> {

  /** The file's hash and the bytes it covers. */
  record Hashed(String sha256, long size) {}

  private final Path file;
  private volatile long finalSize = -1;

  GrowingFileHash(Path file) {
    this.file = file;
  }

  /** The writer is done; the file has {@code size} bytes. */
  void finished(long size) {
    finalSize = size;
  }

  @Override
  public Hashed call() throws IOException, InterruptedException {
    MessageDigest d = Hashing.sha256();
    ByteBuffer buf = ByteBuffer.allocate(Hashing.CHUNK);
    FileChannel ch = null;
    try {
      while (ch == null) {
        try {
          ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
          if (finalSize >= 0) throw e;
          Thread.sleep(2);
        }
      }
      long pos = 0;
      while (true) {
        long done = finalSize; // read before the size: once set, the size it names is all there is
        long available = ch.size();
        if (pos < available) {
          buf.clear();
          buf.limit((int) Math.min(buf.capacity(), available - pos));
          int n = ch.read(buf, pos);
          if (n > 0) {
            d.update(buf.array(), 0, n);
            pos += n;
          }
          continue;
        }
        if (done >= 0 && pos >= done) break;
        if (Thread.interrupted()) throw new InterruptedException();
        Thread.sleep(1);
      }
      return new Hashed(Hashing.hex(d), pos);
    } catch (ClosedByInterruptException e) {
      throw new CancelledException("hashing " + file + " was interrupted");
    } finally {
      if (ch != null) ch.close();
    }
  }
}
