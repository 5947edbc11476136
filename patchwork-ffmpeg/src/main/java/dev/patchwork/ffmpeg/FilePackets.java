package dev.patchwork.ffmpeg;

import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads packet payloads straight from the media file at the position ffprobe reports, without ffmpeg.
 *
 * <p>Where the payload starts relative to ffprobe's {@code pos} depends on the container (verified for each,
 * see the tests): MOV/MP4 report the sample itself; Matroska reports the block header (track number as an EBML
 * varint, a 2-byte relative timecode, a flags byte) that precedes the frame; MXF (frame-wrapped) reports the
 * 16-byte KLV key, followed by a BER length equal to the packet size and then the essence. Other containers are
 * tried at {@code pos}. Callers must still check the bytes (NAL lengths that add up, a start code) and fall
 * back to another way of reading when they do not fit.
 */
final class FilePackets implements Closeable {

  enum Layout { MOV, MATROSKA, MXF, OTHER }

  private final FileChannel channel;
  private final Layout layout;
  private final long fileSize;

  FilePackets(Path file, String formatName) throws IOException {
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.fileSize = channel.size();
    this.layout = layoutOf(formatName);
  }

  /** ffprobe's format name for a file Patchwork wrote, by its extension. */
  static String formatOf(java.nio.file.Path file) {
    String n = file.getFileName().toString();
    if (n.endsWith(".mkv")) return "matroska,webm";
    if (n.endsWith(".mxf")) return "mxf";
    return "mov,mp4,m4a,3gp,3g2,mj2";
  }

  static Layout layoutOf(String formatName) {
    for (String name : formatName.split(",")) {
      switch (name) {
        case "mov", "mp4" -> {
          return Layout.MOV;
        }
        case "matroska", "webm" -> {
          return Layout.MATROSKA;
        }
        case "mxf" -> {
          return Layout.MXF;
        }
        default -> { }
      }
    }
    return Layout.OTHER;
  }

  /** The payload of the packet ffprobe reports at {@code pos} with {@code size} bytes, or null if it cannot be located. */
  PacketBytes packet(long pos, int size) throws IOException {
    long start = payloadStart(pos, size);
    return start < 0 ? null : new Slice(start, size);
  }

  /**
   * The whole payload of packet {@code packet} of {@code index} (an index of this file).
   *
   * @throws IOException if it cannot be located or the file ends inside it
   */
  byte[] payload(PacketIndex index, int packet) throws IOException {
    int size = index.byteSize(packet);
    PacketBytes p = packet(index.position(packet), size);
    if (p == null) throw new IOException("packet " + packet + " is not where ffprobe says");
    byte[] b = new byte[size];
    if (p.read(0, b, 0, size) != size) throw new IOException("the file ends inside packet " + packet);
    return b;
  }

  /**
   * Where the payload of the packet ffprobe reports at {@code pos} with {@code size} bytes starts in the file, or
   * -1 if it cannot be located (no position, a laced Matroska block, an MXF KLV of another length, past the end).
   */
  long payloadStart(long pos, int size) throws IOException {
    if (pos == PacketIndex.ABSENT || pos < 0) return -1;
    long start = switch (layout) {
      case MOV, OTHER -> pos;
      case MATROSKA -> matroskaPayload(pos);
      case MXF -> mxfPayload(pos, size);
    };
    return start < 0 || start + size > fileSize ? -1 : start;
  }

  /** The container layout this reader assumes. */
  Layout layout() {
    return layout;
  }

  /** After the block header: track number (EBML varint), 16-bit timecode, flags (no lacing for video). */
  private long matroskaPayload(long pos) throws IOException {
    byte[] b = read(pos, 12);
    if (b.length < 4) return -1;
    int first = b[0] & 0xFF;
    if (first == 0) return -1;
    int vintLength = Integer.numberOfLeadingZeros(first) - 24 + 1;
    if (b.length < vintLength + 3) return -1;
    int flags = b[vintLength + 2] & 0xFF;
    if ((flags & 0x06) != 0) return -1; // laced: several frames in one block
    return pos + vintLength + 3;
  }

  /** After the KLV key and BER length when {@code pos} is a KLV packet holding exactly this packet; else {@code pos}. */
  private long mxfPayload(long pos, int size) throws IOException {
    byte[] b = read(pos, 25);
    if (b.length < 17 || (b[0] & 0xFF) != 0x06 || (b[1] & 0xFF) != 0x0E || (b[2] & 0xFF) != 0x2B || (b[3] & 0xFF) != 0x34) {
      return pos; // not a KLV key: clip-wrapped essence is addressed directly
    }
    int ber = b[16] & 0xFF;
    long length;
    int berBytes;
    if (ber < 0x80) {
      length = ber;
      berBytes = 1;
    } else {
      int n = ber & 0x7F;
      if (n == 0 || n > 8 || b.length < 17 + n) return -1;
      length = 0;
      for (int i = 0; i < n; i++) length = length << 8 | (b[17 + i] & 0xFF);
      berBytes = 1 + n;
    }
    return length == size ? pos + 16 + berBytes : -1;
  }

  private byte[] read(long pos, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(n, Math.max(0, fileSize - pos)));
    while (buf.hasRemaining()) {
      if (channel.read(buf, pos + buf.position()) < 0) break;
    }
    return java.util.Arrays.copyOf(buf.array(), buf.position());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private final class Slice implements PacketBytes {
    private final long start;
    private final int size;

    Slice(long start, int size) {
      this.start = start;
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int read(long offset, byte[] dst, int dstOffset, int len) throws IOException {
      if (offset >= size) return 0;
      int want = (int) Math.min(len, size - offset);
      ByteBuffer buf = ByteBuffer.wrap(dst, dstOffset, want);
      int total = 0;
      while (buf.hasRemaining()) {
        int r = channel.read(buf, start + offset + total);
        if (r < 0) break;
        total += r;
      }
      return total;
    }
  }
}
