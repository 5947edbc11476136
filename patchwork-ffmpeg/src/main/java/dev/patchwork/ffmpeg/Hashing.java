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

  /**
   * SHA-256 of the payloads of video packets {@code [from, to)} (decode order) of a probed file, read where the
   * container stores them, as 64 lowercase hex digits; empty if a payload cannot be located in the file.
   */
  static java.util.Optional<String> payloadSha256(java.nio.file.Path file, String formatName, PacketIndex index, int from, int to)
      throws IOException {
    MessageDigest d = sha256();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    try (FilePackets packets = new FilePackets(file, formatName); FileChannel ch = FileChannel.open(file)) {
      for (int i = from; i < to; i++) {
        long start = packets.payloadStart(index.position(i), index.byteSize(i));
        if (start < 0) return java.util.Optional.empty();
        update(ch, start, index.byteSize(i), buf, d);
      }
    }
    return java.util.Optional.of(hex(d));
  }

  /** SHA-256 of bytes {@code [offset, offset + length)}, as 64 lowercase hex digits. */
  static String sha256(FileChannel ch, long offset, long length) throws IOException {
    MessageDigest d = sha256();
    update(ch, offset, length, ByteBuffer.allocate(CHUNK), d);
    return hex(d);
  }
}
