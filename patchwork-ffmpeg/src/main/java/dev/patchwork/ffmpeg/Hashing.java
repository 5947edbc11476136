package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of file spans, read in bounded chunks. */
final class Hashing {

  static final int CHUNK = 1 << 20;

  private Hashing() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  /** Feeds bytes {@code [offset, offset + length)} of {@code ch} into every digest given. */
  static void update(FileChannel ch, long offset, long length, ByteBuffer buf, MessageDigest... digests) throws IOException {
    long pos = offset;
    long end = offset + length;
    while (pos < end) {
      if (Thread.currentThread().isInterrupted()) throw new CancelledException("hashing was interrupted");
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int n;
      try {
        n = ch.read(buf, pos);
      } catch (ClosedByInterruptException e) {
        throw new CancelledException("hashing was interrupted");
      }
      if (n < 0) throw new IOException("the file ends at byte " + pos + ", before " + end);
      buf.flip();
      for (MessageDigest d : digests) {
        buf.mark();
        d.update(buf);
        buf.reset();
      }
      pos += n;
    }
  }

  /** SHA-256 of bytes {@code [offset, offset + length)}, as 64 lowercase hex digits. */
  static String sha256(FileChannel ch, long offset, long length) throws IOException {
    MessageDigest d = sha256();
    update(ch, offset, length, ByteBuffer.allocate(CHUNK), d);
    return hex(d);
  }
}
