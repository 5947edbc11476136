package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Picture;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Type;
import dev.patchwork.time.FrameRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a long-GOP master's random-access points from its bitstream and packet timestamps.
 *
 * <ol>
 *   <li>Candidates are the packets the container flags as keyframes. Each is classified from its own bytes
 *       ({@link dev.patchwork.ffmpeg.internal.PictureClassifier}); only IDR, CRA, BLA, H.264 recovery-point I
 *       pictures and MPEG-2 I pictures after a GOP header are points. A keyframe flag on anything else (a plain
 *       non-IDR I frame) is ignored.
 *   <li>A point's leading pictures are the packets after it in decode order with an earlier presentation time.
 *       For HEVC they are classified too (RASL or RADL). RASL pictures of a BLA, or of the CRA the stream starts
 *       with, are never output by decoders; those packets are marked as not displayed.
 *   <li>A point is kept only if no packet before it in decode order is displayed after it, and its leading
 *       pictures are exactly the frames just before it in display order.
 * </ol>
 *
 * Display order comes from the presentation timestamps. When they never reorder, a sample of H.264/MPEG-2 packets is
 * checked for B pictures: finding one means the timestamps are really decode times and the master is refused.
 */
final class RandomAccessAnalysis {

  private static final Logger log = LoggerFactory.getLogger(RandomAccessAnalysis.class);
  /** Packets checked for B pictures when the timestamps never reorder. */
  private static final int ORDER_SAMPLE = 120;

  /** The index in display order and the points, first at frame 0. */
  record Outcome(PacketIndex index, List<AccessPoint> points) {}

  private RandomAccessAnalysis() {}

  /**
   * @param classify classifies the packets in the given set (decode-order indexes) from their bytes
   * @throws UnsupportedMasterException if frame 0 is not a closed random-access point
   */
  static Outcome analyze(String source, Codec codec, PacketTable t, TimeBase timeBase,
      Function<BitSet, Map<Integer, Picture>> classify) {
    int n = t.count();
    long[] suffixMin = new long[n + 1];
    suffixMin[n] = Long.MAX_VALUE;
    for (int i = n - 1; i >= 0; i--) suffixMin[i] = Math.min(suffixMin[i + 1], sortKey(t, i));

    BitSet candidates = new BitSet(n);
    BitSet needed = new BitSet(n);
    for (int i = 0; i < n; i++) {
      if (t.isKey(i) && !t.isDiscarded(i)) {
        candidates.set(i);
        needed.set(i);
        if (codec == Codec.HEVC) {
          for (int k = i + 1; k < n && suffixMin[k] < sortKey(t, i); k++) {
            if (sortKey(t, k) < sortKey(t, i)) needed.set(k);
          }
        }
      }
    }
    // Timestamps that never reorder are suspicious when the stream has B pictures: then they are decode times
    // (ffmpeg's MXF muxer writes H.264 so), and the display order cannot be known without decoding.
    BitSet sample = new BitSet(n);
    if (codec != Codec.HEVC && presentationFollowsDecodeOrder(t)) {
      for (int i = 0, taken = 0; i < n && taken < ORDER_SAMPLE; i++) {
        if (!needed.get(i) && !t.isDiscarded(i)) {
          sample.set(i);
          taken++;
        }
      }
      needed.or(sample);
    }
    Map<Integer, Picture> pictures = classify.apply(needed);
    for (int i = sample.nextSetBit(0); i >= 0; i = sample.nextSetBit(i + 1)) {
      if (typeOf(pictures, i) == Type.B) {
        throw new UnsupportedMasterException(source + ": the container's timestamps do not give the display order: packet " + i
            + " is a B picture, yet every packet is presented in decode order (ffmpeg writes H.264 in MXF this way). "
            + "Patchwork cannot tell which frame is which without decoding; re-wrap the master (MOV, MP4, MKV) first");
      }
    }

    // RASL pictures decoders skip: those of a BLA, and those of the CRA the stream starts with.
    BitSet skipped = new BitSet(n);
    if (codec == Codec.HEVC) {
      boolean first = true;
      for (int c = candidates.nextSetBit(0); c >= 0; c = candidates.nextSetBit(c + 1)) {
        Type type = typeOf(pictures, c);
        boolean startsStream = first && c == 0;
        first = false;
        if (type == Type.BLA || (type == Type.CRA && startsStream)) {
          for (int k = c + 1; k < n && suffixMin[k] < sortKey(t, c); k++) {
            if (sortKey(t, k) < sortKey(t, c) && typeOf(pictures, k) == Type.RASL) skipped.set(k);
          }
        }
      }
    }
    PacketIndex index = t.toIndex(timeBase, skipped);

    List<AccessPoint> points = new ArrayList<>();
    long prefixMax = Long.MIN_VALUE; // largest pts displayed among packets before c
    int scanned = 0;
    long previousFrame = -1;
    for (int c = candidates.nextSetBit(0); c >= 0; c = candidates.nextSetBit(c + 1)) {
      for (; scanned < c; scanned++) {
        if (index.isDisplayed(scanned)) prefixMax = Math.max(prefixMax, index.pts(scanned));
      }
      Picture pic = pictures.getOrDefault(c, Picture.UNKNOWN);
      AccessPoint.Kind kind = kindOf(pic);
      if (kind == null) {
        if (pic.type() == Type.I_ONLY) log.debug("{}: keyframe packet {} is an I picture but not a random-access point", source, c);
        continue;
      }
      if (!index.isDisplayed(c)) continue;
      long pts = index.pts(c);
      int frame = index.frameOf(c);
      if (prefixMax > pts) {
        log.debug("{}: packet {} ({}) is not a usable point: an earlier packet is displayed after it", source, c, kind);
        continue;
      }
      int lead = 0;
      int minLeadFrame = frame;
      boolean decodable = true;
      for (int k = c + 1; k < n && suffixMin[k] < pts; k++) {
        if (!index.isDisplayed(k) || index.pts(k) >= pts) continue;
        lead++;
        minLeadFrame = Math.min(minLeadFrame, index.frameOf(k));
        decodable &= leadingDecodable(codec, pic, pictures.getOrDefault(k, Picture.UNKNOWN));
      }
      if (minLeadFrame != frame - lead) {
        log.debug("{}: packet {} ({}) is not a usable point: its leading pictures are not the frames just before it", source, c, kind);
        continue;
      }
      if (lead > 0 && frame - lead <= previousFrame) {
        log.debug("{}: packet {} ({}) is not a usable point: its leading pictures reach back to the previous point", source, c, kind);
        continue;
      }
      boolean brokenLink = pic.brokenLink() || kind == AccessPoint.Kind.BLA;
      points.add(new AccessPoint(frame, c, kind, pic.nalUnitType(), FrameRange.of(frame - lead, frame), decodable, brokenLink));
      previousFrame = frame;
    }

    if (points.isEmpty() || points.get(0).frame() != 0) {
      int p0 = index.frameCount() > 0 ? index.packetOf(0) : -1;
      throw new UnsupportedMasterException(source + ": the first frame is not a random-access point (its packet "
          + p0 + " is " + describe(pictures.get(p0), p0 >= 0 && t.isKey(p0)) + "); the master cannot be decoded from its start");
    }
    if (!points.get(0).isClosed()) {
      throw new UnsupportedMasterException(source + ": the master starts with an open GOP: frames " + points.get(0).leading()
          + " are shown before the first random-access point and reference pictures the file does not have");
    }
    return new Outcome(index, points);
  }

  /** True if no displayed packet is presented before one that precedes it in decode order. */
  private static boolean presentationFollowsDecodeOrder(PacketTable t) {
    long last = Long.MIN_VALUE;
    for (int i = 0; i < t.count(); i++) {
      if (t.isDiscarded(i)) continue;
      long p = t.pts(i);
      if (p == PacketIndex.ABSENT) continue;
      if (p <= last) return false;
      last = p;
    }
    return true;
  }

  private static long sortKey(PacketTable t, int i) {
    long p = t.pts(i);
    return t.isDiscarded(i) || p == PacketIndex.ABSENT ? Long.MAX_VALUE : p;
  }

  private static Type typeOf(Map<Integer, Picture> pictures, int i) {
    Picture p = pictures.get(i);
    return p == null ? Type.UNKNOWN : p.type();
  }

  private static AccessPoint.Kind kindOf(Picture p) {
    return switch (p.type()) {
      case IDR -> AccessPoint.Kind.IDR;
      case CRA -> AccessPoint.Kind.CRA;
      case BLA -> AccessPoint.Kind.BLA;
      case RECOVERY_POINT -> AccessPoint.Kind.RECOVERY_POINT;
      case GOP_I -> p.closedGop() ? AccessPoint.Kind.CLOSED_GOP : AccessPoint.Kind.OPEN_GOP;
      default -> null;
    };
  }

  /** Whether one leading picture can be decoded starting at the point. */
  private static boolean leadingDecodable(Codec codec, Picture point, Picture leading) {
    return switch (codec) {
      case HEVC -> leading.type() == Type.RADL;
      case MPEG2 -> point.closedGop() && !point.brokenLink();
      case H264 -> point.type() == Type.IDR;
    };
  }

  private static String describe(Picture p, boolean keyFlagged) {
    String what = p == null ? "a picture that is not a random-access point" : switch (p.type()) {
      case I_ONLY -> "an I picture that is not a random-access point";
      case RASL, RADL -> "a leading picture (" + p.type() + ")";
      case UNKNOWN -> "not recognisable as a picture";
      default -> "a " + p.type() + " picture";
    };
    return what + (keyFlagged ? ", although the container flags it as a keyframe" : "");
  }
}
