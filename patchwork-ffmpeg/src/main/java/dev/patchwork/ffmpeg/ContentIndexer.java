package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.Cancellation;
import dev.patchwork.ffmpeg.internal.ContentHasher;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.Region;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * Hashes a probed media file into the sidecar's content index (see {@code docs/sidecar.md}) in one sequential read:
 * the whole file's SHA-256, and per GOP region the SHA-256 of its byte span and of its video packets' payloads in
 * decode order. A region starts at the container position of its random-access point's first video packet; the
 * header is everything before the first, the trailer everything after the last video payload. Intra-only files are
 * cut into runs of frames starting at the given frames.
 */
final class ContentIndexer {

  /** The index and the file's own hash and size. */
  record Indexed(ContentIndex index, String sha256, long size) {}

  private record Span(long start, long frames, long leading, int firstPacket, int endPacket) {}

  private ContentIndexer() {}

  /**
   * @param runStarts for an intra-only file, the frames where a region starts (0 included); ignored otherwise
   */
  static Indexed index(MediaProbe probe, SortedSet<Long> runStarts) {
    return index(probe, runStarts, null);
  }

  /**
   * @param runStarts for an intra-only file, the frames where a region starts (0 included); ignored otherwise
   * @param wholeFile the whole file's hash as read elsewhere ({@link GrowingFileHash}), or null to read it here
   */
  static Indexed index(MediaProbe probe, SortedSet<Long> runStarts, java.util.function.Supplier<GrowingFileHash.Hashed> wholeFile) {
    PacketIndex idx = probe.packets();
    List<Span> spans = spans(probe, runStarts);
    Path file = probe.path();
    try (FilePackets packets = new FilePackets(file, probe.formatName());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      long[] payload = new long[idx.packetCount()];
      long lastEnd = 0;
      for (int i = 0; i < idx.packetCount(); i++) {
        payload[i] = packets.payloadStart(idx.position(i), idx.byteSize(i));
        if (payload[i] < 0) {
          throw new UnsupportedMasterException(file + ": video packet " + i + " cannot be read where ffprobe places it ("
              + probe.formatName() + ")");
        }
        lastEnd = Math.max(lastEnd, payload[i] + idx.byteSize(i));
      }
      Indexed parallel = inParallel(probe, spans, payload, lastEnd, size, wholeFile);
      if (parallel != null) return parallel;
      MessageDigest whole = Hashing.sha256();
      ByteBuffer buf = ByteBuffer.allocate(Hashing.CHUNK);
      long first = idx.position(spans.get(0).firstPacket());
      MessageDigest d = Hashing.sha256();
      Hashing.update(ch, 0, first, buf, whole, d);
      Region header = Region.header(first, Hashing.hex(d));
      List<Region> regions = new ArrayList<>(spans.size());
      for (int r = 0; r < spans.size(); r++) {
        Span s = spans.get(r);
        long offset = idx.position(s.firstPacket());
        long end = r + 1 < spans.size() ? idx.position(spans.get(r + 1).firstPacket()) : lastEnd;
        if (end <= offset) {
          throw new PatchworkException(file + ": the GOP at frame " + s.start() + " does not start after the previous one in the file");
        }
        MessageDigest span = Hashing.sha256();
        MessageDigest video = Hashing.sha256();
        hashRegion(ch, buf, offset, end, s, payload, idx, whole, span, video);
        regions.add(Region.gop(s.start(), s.frames(), s.leading(), offset, end - offset, Hashing.hex(span), Hashing.hex(video)));
      }
      d = Hashing.sha256();
      Hashing.update(ch, lastEnd, size - lastEnd, buf, whole, d);
      Region trailer = Region.trailer(lastEnd, size - lastEnd, Hashing.hex(d));
      return new Indexed(new ContentIndex(header, regions, trailer), Hashing.hex(whole), size);
    } catch (ClosedByInterruptException e) {
      throw new CancelledException("hashing " + file + " was interrupted");
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * The same index from one read of the file with the whole-file, span and payload digests on threads of their own
   * ({@link ContentHasher}); null if the payloads are not stored in decode order inside their regions, which the
   * sequential pass below handles.
   */
  private static Indexed inParallel(MediaProbe probe, List<Span> spans, long[] payload, long lastEnd, long size,
      java.util.function.Supplier<GrowingFileHash.Hashed> wholeFile) throws IOException {
    PacketIndex idx = probe.packets();
    int n = spans.size();
    long[] bounds = new long[n + 3];
    for (int r = 0; r < n; r++) bounds[r + 1] = idx.position(spans.get(r).firstPacket());
    bounds[n + 1] = lastEnd;
    bounds[n + 2] = size;
    for (int i = 1; i < bounds.length; i++) {
      if (bounds[i] < bounds[i - 1] || (i <= n + 1 && i > 1 && bounds[i] <= bounds[i - 1])) return null;
    }
    int[] first = new int[n + 1];
    for (int r = 0; r < n; r++) first[r] = spans.get(r).firstPacket();
    first[n] = spans.get(n - 1).endPacket();
    PayloadRanges cursor = new PayloadRanges(idx, first, bounds, p -> payload[p]);
    ContentHasher.Result hashed = ContentHasher.hash(probe.path(), bounds, cursor, ContentHasher.Progress.NONE, Cancellation.NONE,
        wholeFile == null);
    if (cursor.gaveUp()) return null;
    if (hashed.bytesRead() != size) throw new IOException("the file changed while it was hashed");
    String fileSha256 = hashed.fileSha256();
    if (wholeFile != null) {
      GrowingFileHash.Hashed whole = wholeFile.get();
      if (whole.size() != size) throw new IOException("the file changed while it was hashed (" + whole.size() + " and " + size + " bytes)");
      fileSha256 = whole.sha256();
    }
    List<Region> regions = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Span s = spans.get(r);
      regions.add(Region.gop(s.start(), s.frames(), s.leading(), bounds[r + 1], bounds[r + 2] - bounds[r + 1], hashed.spanSha256()[r + 1],
          hashed.rangeSha256()[r + 1]));
    }
    ContentIndex index = new ContentIndex(Region.header(bounds[1], hashed.spanSha256()[0]), regions,
        Region.trailer(lastEnd, size - lastEnd, hashed.spanSha256()[n + 1]));
    return new Indexed(index, fileSha256, size);
  }

  /**
   * Streams {@code [offset, end)} into {@code whole} and {@code span}, and the region's video payloads into
   * {@code video} as they pass; payloads stored out of decode order or outside the span are read separately.
   */
  private static void hashRegion(FileChannel ch, ByteBuffer buf, long offset, long end, Span s, long[] payload, PacketIndex idx,
      MessageDigest whole, MessageDigest span, MessageDigest video) throws IOException {
    boolean inOrder = true;
    long prev = offset;
    for (int p = s.firstPacket(); p < s.endPacket(); p++) {
      if (payload[p] < prev || payload[p] + idx.byteSize(p) > end) {
        inOrder = false;
        break;
      }
      prev = payload[p] + idx.byteSize(p);
    }
    int next = s.firstPacket();
    long pos = offset;
    while (pos < end) {
      if (Thread.currentThread().isInterrupted()) throw new CancelledException("hashing was interrupted");
      buf.clear();
      buf.limit((int) Math.min(buf.capacity(), end - pos));
      int n = ch.read(buf, pos);
      if (n < 0) throw new IOException("the file ends at byte " + pos);
      byte[] a = buf.array();
      whole.update(a, 0, n);
      span.update(a, 0, n);
      while (inOrder && next < s.endPacket()) {
        long from = payload[next];
        long to = from + idx.byteSize(next);
        if (from >= pos + n) break;
        long lo = Math.max(from, pos);
        long hi = Math.min(to, pos + n);
        if (hi > lo) video.update(a, (int) (lo - pos), (int) (hi - lo));
        if (to <= pos + n) next++;
        else break;
      }
      pos += n;
    }
    if (!inOrder) {
      ByteBuffer one = ByteBuffer.allocate(Hashing.CHUNK);
      for (int p = s.firstPacket(); p < s.endPacket(); p++) Hashing.update(ch, payload[p], idx.byteSize(p), one, video);
    }
  }

  private static List<Span> spans(MediaProbe probe, SortedSet<Long> runStarts) {
    PacketIndex idx = probe.packets();
    long n = probe.frameCount();
    List<Span> spans = new ArrayList<>();
    if (probe.intraOnly()) {
      List<Long> starts = new ArrayList<>();
      for (long f : runStarts) if (f >= 0 && f < n) starts.add(f);
      if (starts.isEmpty() || starts.get(0) != 0) starts.add(0, 0L);
      for (int i = 0; i < starts.size(); i++) {
        long a = starts.get(i);
        long b = i + 1 < starts.size() ? starts.get(i + 1) : n;
        int firstPacket = idx.packetOf(a);
        int endPacket = b < n ? idx.packetOf(b) : idx.packetCount();
        if (endPacket <= firstPacket) {
          throw new UnsupportedMasterException(probe.path() + ": the intra-only frames are not stored in display order");
        }
        spans.add(new Span(a, b - a, 0, firstPacket, endPacket));
      }
      return spans;
    }
    List<AccessPoint> points = probe.accessPoints();
    for (int i = 0; i < points.size(); i++) {
      AccessPoint p = points.get(i);
      AccessPoint q = i + 1 < points.size() ? points.get(i + 1) : null;
      long start = p.frame() - p.lead();
      long end = q == null ? n : q.frame() - q.lead();
      spans.add(new Span(start, end - start, p.lead(), p.packet(), q == null ? idx.packetCount() : q.packet()));
    }
    return spans;
  }
}
