package dev.patchwork.ffmpeg.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Copies an MP4/MOV file with one track (as ffmpeg wrote it) and replaces the payloads of some of its samples: every
 * timestamp, edit list and sample description stays; the sample table's sizes and offsets are written anew (one
 * sample per chunk, 64-bit offsets) and the samples follow in a new {@code mdat} after the {@code moov}.
 */
public final class Mp4SampleSwap {

  private static final Set<String> PATH = Set.of("moov", "trak", "mdia", "minf", "stbl");

  private Mp4SampleSwap() {}

  /** New payloads for some samples, streamed (they may be far larger than memory allows). */
  public interface Replacements {
    /** The size of sample {@code i}'s new payload, or -1 to keep the sample as it is. */
    long size(int sample);

    /** Writes sample {@code i}'s new payload, exactly {@link #size} bytes. */
    void transferTo(int sample, FileChannel dst) throws IOException;
  }

  /**
   * Writes {@code out}: {@code in} with the payload of sample {@code i} (0-based, decoding order) replaced where
   * {@code replacements} has one.
   *
   * @return the number of samples
   */
  public static int write(Path in, Path out, Replacements replacements) throws IOException {
    try (FileChannel src = FileChannel.open(in)) {
      List<Box> top = boxes(src, 0, src.size());
      Box ftyp = find(top, "ftyp");
      Box moov = find(top, "moov");
      ByteBuffer moovBytes = read(src, moov.offset(), (int) moov.size());
      Box moovBox = new Box("moov", 0, moov.size(), moov.header());
      Table table = table(moovBytes, moovBox);
      int n = table.sizes().length;
      long[] sizes = new long[n];
      boolean[] replaced = new boolean[n];
      for (int i = 0; i < n; i++) {
        long r = replacements.size(i);
        replaced[i] = r >= 0;
        sizes[i] = replaced[i] ? r : table.sizes()[i];
      }

      byte[] ftypBytes = ftyp == null ? new byte[0] : read(src, ftyp.offset(), (int) ftyp.size()).array();
      // the new moov's size does not depend on the offsets (co64 entries are 8 bytes whatever they hold)
      byte[] probe = rebuild(moovBytes, moovBox, sizes, new long[n], table.descriptionIndex());
      long payload = 0;
      for (long s : sizes) payload += s;
      boolean large = payload + 8 > 0xFFFF_FFFFL;
      long dataStart = ftypBytes.length + probe.length + (large ? 16 : 8);
      long[] offsets = new long[n];
      long at = dataStart;
      for (int i = 0; i < n; i++) {
        offsets[i] = at;
        at += sizes[i];
      }
      byte[] newMoov = rebuild(moovBytes, moovBox, sizes, offsets, table.descriptionIndex());
      if (newMoov.length != probe.length) throw new IllegalStateException("moov size changed with its offsets");

      try (FileChannel dst = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE)) {
        writeFully(dst, ByteBuffer.wrap(ftypBytes));
        writeFully(dst, ByteBuffer.wrap(newMoov));
        ByteBuffer h = ByteBuffer.allocate(large ? 16 : 8);
        if (large) {
          h.putInt(1).put("mdat".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putLong(payload + 16);
        } else {
          h.putInt((int) (payload + 8)).put("mdat".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        h.flip();
        writeFully(dst, h);
        for (int i = 0; i < n; i++) {
          if (replaced[i]) {
            long before = dst.position();
            replacements.transferTo(i, dst);
            if (dst.position() - before != sizes[i]) throw new IOException("sample " + i + "'s new payload is not " + sizes[i] + " bytes");
          } else {
            long pos = table.offsets()[i];
            long left = sizes[i];
            while (left > 0) {
              long moved = src.transferTo(pos, left, dst);
              if (moved <= 0) throw new IOException(in.getFileName() + " ends inside sample " + i);
              pos += moved;
              left -= moved;
            }
          }
        }
        dst.force(false);
      }
      return n;
    }
  }

  // --- boxes ---------------------------------------------------------------------------------------------

  private record Box(String type, long offset, long size, int header) {}

  private record Table(long[] sizes, long[] offsets, int descriptionIndex) {}

  private static List<Box> boxes(FileChannel ch, long from, long to) throws IOException {
    List<Box> out = new ArrayList<>();
    long at = from;
    while (at + 8 <= to) {
      ByteBuffer h = read(ch, at, (int) Math.min(16, to - at));
      long size = h.getInt(0) & 0xFFFF_FFFFL;
      String type = new String(h.array(), 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      int header = 8;
      if (size == 1) {
        size = h.getLong(8);
        header = 16;
      } else if (size == 0) {
        size = to - at;
      }
      if (size < header || at + size > to) throw new IOException("box '" + type + "' at " + at + " overruns its parent");
      out.add(new Box(type, at, size, header));
      at += size;
    }
    return out;
  }

  private static List<Box> children(ByteBuffer b, Box parent) throws IOException {
    List<Box> out = new ArrayList<>();
    long at = parent.offset() + parent.header();
    long end = parent.offset() + parent.size();
    while (at + 8 <= end) {
      long size = b.getInt((int) at) & 0xFFFF_FFFFL;
      String type = new String(b.array(), (int) at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      int header = 8;
      if (size == 1) {
        size = b.getLong((int) at + 8);
        header = 16;
      } else if (size == 0) {
        size = end - at;
      }
      if (size < header || at + size > end) throw new IOException("box '" + type + "' overruns its parent '" + parent.type() + "'");
      out.add(new Box(type, at, size, header));
      at += size;
    }
    return out;
  }

  private static Box find(List<Box> boxes, String type) {
    for (Box b : boxes) if (b.type().equals(type)) return b;
    return null;
  }

  private static Table table(ByteBuffer moov, Box root) throws IOException {
    Box stbl = root;
    for (String step : List.of("trak", "mdia", "minf", "stbl")) {
      List<Box> kids = children(moov, stbl);
      if (step.equals("trak") && kids.stream().filter(k -> k.type().equals("trak")).count() != 1) {
        throw new IOException("the file must hold exactly one track");
      }
      stbl = find(kids, step);
      if (stbl == null) throw new IOException("no '" + step + "' box");
    }
    List<Box> kids = children(moov, stbl);
    Box stsz = find(kids, "stsz");
    Box stsc = find(kids, "stsc");
    Box stco = find(kids, "stco");
    Box co64 = find(kids, "co64");
    if (stsz == null || stsc == null || (stco == null && co64 == null)) throw new IOException("incomplete sample table");
    int p = (int) (stsz.offset() + stsz.header() + 4);
    long constant = moov.getInt(p) & 0xFFFF_FFFFL;
    int count = moov.getInt(p + 4);
    long[] sizes = new long[count];
    for (int i = 0; i < count; i++) sizes[i] = constant != 0 ? constant : moov.getInt(p + 8 + 4 * i) & 0xFFFF_FFFFL;
    Box co = co64 != null ? co64 : stco;
    int q = (int) (co.offset() + co.header() + 4);
    int chunks = moov.getInt(q);
    long[] chunkOffsets = new long[chunks];
    for (int i = 0; i < chunks; i++) {
      chunkOffsets[i] = co64 != null ? moov.getLong(q + 4 + 8 * i) : moov.getInt(q + 4 + 4 * i) & 0xFFFF_FFFFL;
    }
    int r = (int) (stsc.offset() + stsc.header() + 4);
    int entries = moov.getInt(r);
    if (entries == 0) throw new IOException("empty sample-to-chunk table");
    long[] offsets = new long[count];
    int sample = 0;
    int description = moov.getInt(r + 4 + 8);
    for (int e = 0; e < entries; e++) {
      int first = moov.getInt(r + 4 + 12 * e);
      int perChunk = moov.getInt(r + 4 + 12 * e + 4);
      if (moov.getInt(r + 4 + 12 * e + 8) != description) throw new IOException("more than one sample description");
      int last = e + 1 < entries ? moov.getInt(r + 4 + 12 * (e + 1)) - 1 : chunks;
      for (int c = first; c <= last; c++) {
        long at = chunkOffsets[c - 1];
        for (int k = 0; k < perChunk && sample < count; k++) {
          offsets[sample] = at;
          at += sizes[sample++];
        }
      }
    }
    if (sample != count) throw new IOException("the chunk table covers " + sample + " of " + count + " samples");
    return new Table(sizes, offsets, description);
  }

  private static byte[] rebuild(ByteBuffer moov, Box box, long[] sizes, long[] offsets, int description) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) box.size() + 16 * sizes.length);
    switch (box.type()) {
      case "stsz" -> {
        ByteBuffer b = ByteBuffer.allocate(20 + 4 * sizes.length);
        b.putInt(20 + 4 * sizes.length).put(ascii("stsz")).putInt(0).putInt(0).putInt(sizes.length);
        for (long s : sizes) b.putInt((int) s);
        return b.array();
      }
      case "stsc" -> {
        ByteBuffer b = ByteBuffer.allocate(28);
        b.putInt(28).put(ascii("stsc")).putInt(0).putInt(1).putInt(1).putInt(1).putInt(description);
        return b.array();
      }
      case "stco", "co64" -> {
        ByteBuffer b = ByteBuffer.allocate(16 + 8 * offsets.length);
        b.putInt(16 + 8 * offsets.length).put(ascii("co64")).putInt(0).putInt(offsets.length);
        for (long o : offsets) b.putLong(o);
        return b.array();
      }
      default -> {
        if (!PATH.contains(box.type())) {
          out.write(moov.array(), (int) box.offset(), (int) box.size());
          return out.toByteArray();
        }
      }
    }
    if (box.header() != 8) throw new IOException("box '" + box.type() + "' has a 64-bit size");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Box child : children(moov, box)) body.writeBytes(rebuild(moov, child, sizes, offsets, description));
    long size = 8L + body.size();
    if (size > 0xFFFF_FFFFL) throw new IOException("box '" + box.type() + "' too large");
    ByteBuffer h = ByteBuffer.allocate(8).putInt((int) size).put(ascii(box.type()));
    out.writeBytes(h.array());
    body.writeTo(out);
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static ByteBuffer read(FileChannel ch, long pos, int size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) throw new IOException("the file ends inside a box");
    }
    buf.flip();
    return buf;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) ch.write(b);
  }
}
