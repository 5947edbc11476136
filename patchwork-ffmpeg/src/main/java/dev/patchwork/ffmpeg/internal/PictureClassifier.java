package dev.patchwork.ffmpeg.internal;

import java.io.IOException;
import java.util.Objects;

/**
 * Tells from a packet's first bytes what kind of picture it starts, without decoding it: NAL unit headers,
 * H.264 slice types and recovery point SEI, HEVC NAL unit types, MPEG-1/2 GOP and picture headers.
 *
 * <p>Packets come length-prefixed ({@code avcC}/{@code hvcC}: MP4, MOV, Matroska) or in Annex B with start codes
 * (MPEG-TS, MXF, raw streams); MPEG-2 always uses start codes.
 */
public final class PictureClassifier {

  /** The codecs whose random access is read from the bitstream. */
  public enum Codec {
    H264, HEVC, MPEG2;

    /** The codec for an ffmpeg codec name, or null if its random access is not read from the bitstream. */
    public static Codec of(String ffmpegCodecName) {
      return switch (ffmpegCodecName) {
        case "h264" -> H264;
        case "hevc" -> HEVC;
        case "mpeg2video", "mpeg1video" -> MPEG2;
        default -> null;
      };
    }
  }

  /** What a picture is, for random access. */
  public enum Type {
    /** H.264 IDR (NAL 5) or HEVC IDR (NAL 19/20). */
    IDR,
    /** HEVC CRA (NAL 21). */
    CRA,
    /** HEVC BLA (NAL 16–18). */
    BLA,
    /** H.264 I picture with a recovery point SEI whose {@code recovery_frame_cnt} is 0. */
    RECOVERY_POINT,
    /** An I picture that is not a random-access point (H.264 non-IDR I without recovery point; MPEG-2 I without a GOP header). */
    I_ONLY,
    /** MPEG-1/2 I picture after a GOP header. */
    GOP_I,
    /** HEVC random-access decodable leading picture (NAL 6/7). */
    RADL,
    /** HEVC random-access skipped leading picture (NAL 8/9). */
    RASL,
    /** A bi-predicted picture that is not a leading picture: H.264 B slice, MPEG-1/2 B picture (HEVC does not tell). */
    B,
    /** Any other picture. */
    OTHER,
    /** No picture found in the bytes read. */
    UNKNOWN
  }

  /**
   * A classified picture.
   *
   * @param type        what it is
   * @param nalUnitType the NAL unit type of its first slice, or -1
   * @param closedGop   MPEG-2 {@code closed_gop}
   * @param brokenLink  MPEG-2 GOP or H.264 recovery point {@code broken_link}
   */
  public record Picture(Type type, int nalUnitType, boolean closedGop, boolean brokenLink) {
    public Picture {
      Objects.requireNonNull(type, "type");
    }

    static Picture of(Type type, int nal) {
      return new Picture(type, nal, false, false);
    }

    public static final Picture UNKNOWN = new Picture(Type.UNKNOWN, -1, false, false);
  }

  /** A packet's payload, read on demand. */
  public interface PacketBytes {
    /** The payload size in bytes. */
    int size();

    /**
     * Reads up to {@code len} bytes at {@code offset} within the payload.
     *
     * @return bytes read; fewer than asked (possibly 0) at the end of the payload or of what is available
     */
    int read(long offset, byte[] dst, int dstOffset, int len) throws IOException;
  }

  /** Bytes read from the start of an Annex B / MPEG-2 packet to find its headers. */
  static final int ANNEX_B_HEAD = 64 * 1024;
  private static final int MAX_SEI = 16 * 1024;
  private static final int SLICE_HEADER_BYTES = 48;

  private PictureClassifier() {}

  /**
   * The NAL length size of length-prefixed H.264/HEVC from its {@code avcC} / {@code hvcC} extradata; 0 for Annex B
   * (extradata starting with a start code) or when it cannot tell (no or unknown extradata).
   */
  public static int nalLengthSize(Codec codec, byte[] extradata) {
    if (codec == Codec.MPEG2 || extradata == null || extradata.length < 4) return 0;
    if (startsWithStartCode(extradata, extradata.length)) return 0;
    if (codec == Codec.H264) {
      if ((extradata[0] & 0xFF) != 1 || extradata.length < 7) return 0;
      return (extradata[4] & 3) + 1;
    }
    // hvcC: configurationVersion (ffmpeg also accepts 0), lengthSizeMinusOne in byte 21
    if (extradata.length < 23) return 0;
    return (extradata[21] & 3) + 1;
  }

  /** True if {@code b} starts with {@code 00 00 01} or {@code 00 00 00 01}. */
  public static boolean startsWithStartCode(byte[] b, int len) {
    if (len >= 3 && b[0] == 0 && b[1] == 0 && b[2] == 1) return true;
    return len >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 1;
  }

  /**
   * Checks that a length-prefixed packet is exactly a sequence of NAL units: the lengths, read from the file, end
   * precisely at the packet's size. This proves that the bytes read are the packet (right position, contiguous).
   */
  public static boolean isLengthPrefixed(PacketBytes p, int lengthSize, Codec codec) throws IOException {
    byte[] buf = new byte[lengthSize + 2];
    long off = 0;
    int nals = 0;
    while (off < p.size()) {
      if (p.read(off, buf, 0, buf.length) != buf.length) return false;
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (buf[i] & 0xFF);
      if (len < 1 || off + lengthSize + len > p.size()) return false;
      if ((buf[lengthSize] & 0x80) != 0) return false; // forbidden_zero_bit
      if (codec == Codec.HEVC && len < 2) return false;
      off += lengthSize + len;
      nals++;
    }
    return nals > 0 && off == p.size();
  }

  /**
   * Classifies the picture a packet starts.
   *
   * @param lengthSize NAL length size for length-prefixed H.264/HEVC, 0 for start codes
   */
  public static Picture classify(Codec codec, PacketBytes p, int lengthSize) throws IOException {
    if (codec == Codec.MPEG2) return mpeg2(head(p));
    if (lengthSize == 0) {
      byte[] head = head(p);
      return annexB(codec, head, head.length);
    }
    return lengthPrefixed(codec, p, lengthSize);
  }

  private static byte[] head(PacketBytes p) throws IOException {
    int want = Math.min(p.size(), ANNEX_B_HEAD);
    byte[] b = new byte[want];
    int n = 0;
    while (n < want) {
      int r = p.read(n, b, n, want - n);
      if (r <= 0) break;
      n += r;
    }
    return n == want ? b : java.util.Arrays.copyOf(b, n);
  }

  // --- H.264 / HEVC ----------------------------------------------------------------------------------------

  private static Picture lengthPrefixed(Codec codec, PacketBytes p, int lengthSize) throws IOException {
    byte[] hdr = new byte[lengthSize + 2];
    State s = new State();
    long off = 0;
    while (off + lengthSize < p.size()) {
      int h = p.read(off, hdr, 0, hdr.length);
      if (h < lengthSize + 1) break;
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (hdr[i] & 0xFF);
      if (len < 1) break;
      long start = off + lengthSize;
      int nalType = codec == Codec.H264 ? hdr[lengthSize] & 0x1F : (hdr[lengthSize] >> 1) & 0x3F;
      boolean sei = codec == Codec.H264 ? nalType == 6 : false;
      boolean vcl = codec == Codec.H264 ? nalType >= 1 && nalType <= 5 : nalType < 32;
      if (!sei && !vcl) {
        off = start + len; // parameter sets, AUD, HEVC SEI: not needed
        continue;
      }
      int limit = sei ? MAX_SEI : SLICE_HEADER_BYTES + 8;
      int want = (int) Math.min(len, Math.min(limit, p.size() - start));
      byte[] nal = new byte[want];
      int got = p.read(start, nal, 0, want);
      if (got <= 0) break;
      Picture pic = nal(codec, nal, 0, got, s);
      if (pic != null) return pic;
      off = start + len;
    }
    return Picture.UNKNOWN;
  }

  private static Picture annexB(Codec codec, byte[] b, int len) {
    State s = new State();
    int i = nextStartCode(b, 0, len);
    while (i >= 0) {
      int start = i;
      int next = nextStartCode(b, start, len);
      int end = next < 0 ? len : next - 3;
      while (end > start && b[end - 1] == 0) end--; // trailing zeros / 4-byte start code
      if (end > start) {
        Picture pic = nal(codec, b, start, end - start, s);
        if (pic != null) return pic;
      }
      i = next;
    }
    return Picture.UNKNOWN;
  }

  /** The index just past the next {@code 00 00 01} at or after {@code from}, or -1. */
  private static int nextStartCode(byte[] b, int from, int len) {
    for (int i = from; i + 2 < len; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) return i + 3;
    }
    return -1;
  }

  /** What was seen before the first slice of an access unit. */
  private static final class State {
    boolean recoveryPoint;
    boolean brokenLink;
  }

  /** Looks at one NAL unit; returns the picture at its first slice, or null to go on. */
  private static Picture nal(Codec codec, byte[] b, int off, int len, State s) {
    if (len < 1) return null;
    if (codec == Codec.H264) {
      int type = b[off] & 0x1F;
      if (type == 6) {
        sei(b, off + 1, len - 1, s);
        return null;
      }
      if (type != 1 && type != 5 && type != 2) return null;
      int sliceType = h264SliceType(b, off + 1, len - 1);
      if (type == 5) return Picture.of(Type.IDR, 5);
      boolean intra = sliceType >= 0 && (sliceType % 5 == 2 || sliceType % 5 == 4);
      if (sliceType >= 0 && sliceType % 5 == 1) return Picture.of(Type.B, type);
      if (!intra) return Picture.of(sliceType < 0 ? Type.UNKNOWN : Type.OTHER, type);
      if (s.recoveryPoint) return new Picture(Type.RECOVERY_POINT, type, false, s.brokenLink);
      return Picture.of(Type.I_ONLY, type);
    }
    // HEVC
    if (len < 2) return null;
    int type = (b[off] >> 1) & 0x3F;
    int layer = (b[off] & 1) << 5 | (b[off + 1] & 0xFF) >> 3;
    if (layer != 0 || type >= 32) return null;
    if (type >= 16 && type <= 18) return Picture.of(Type.BLA, type);
    if (type == 19 || type == 20) return Picture.of(Type.IDR, type);
    if (type == 21) return Picture.of(Type.CRA, type);
    if (type == 6 || type == 7) return Picture.of(Type.RADL, type);
    if (type == 8 || type == 9) return Picture.of(Type.RASL, type);
    return Picture.of(Type.OTHER, type);
  }

  /** {@code slice_type} from an H.264 slice header, or -1 if unreadable. */
  private static int h264SliceType(byte[] b, int off, int len) {
    byte[] rbsp = new byte[SLICE_HEADER_BYTES];
    int n = BitReader.unescape(b, off, Math.min(len, SLICE_HEADER_BYTES + 8), rbsp);
    try {
      BitReader r = new BitReader(rbsp, 0, n);
      r.ue(); // first_mb_in_slice
      long t = r.ue();
      return t <= 9 ? (int) t : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Walks H.264 SEI messages; notes a recovery point with {@code recovery_frame_cnt == 0}. */
  private static void sei(byte[] b, int off, int len, State s) {
    byte[] rbsp = new byte[Math.min(len, MAX_SEI)];
    int n = BitReader.unescape(b, off, len, rbsp);
    int i = 0;
    while (i < n && (rbsp[i] & 0xFF) != 0x80) {
      int payloadType = 0;
      while (i < n && (rbsp[i] & 0xFF) == 0xFF) {
        payloadType += 255;
        i++;
      }
      if (i >= n) return;
      payloadType += rbsp[i++] & 0xFF;
      int payloadSize = 0;
      while (i < n && (rbsp[i] & 0xFF) == 0xFF) {
        payloadSize += 255;
        i++;
      }
      if (i >= n) return;
      payloadSize += rbsp[i++] & 0xFF;
      if (payloadType == 6) {
        try {
          BitReader r = new BitReader(rbsp, i, Math.min(payloadSize, n - i));
          long recoveryFrameCnt = r.ue();
          r.u(1); // exact_match_flag
          boolean broken = r.u(1) == 1;
          if (recoveryFrameCnt == 0) {
            s.recoveryPoint = true;
            s.brokenLink = broken;
          }
        } catch (RuntimeException e) {
          return;
        }
      }
      i += payloadSize;
    }
  }

  // --- MPEG-1/2 -------------------------------------------------------------------------------------------

  private static Picture mpeg2(byte[] b) {
    boolean gop = false;
    boolean closed = false;
    boolean broken = false;
    int i = nextStartCode(b, 0, b.length);
    while (i >= 0 && i < b.length) {
      int code = b[i] & 0xFF;
      if (code == 0xB8 && i + 4 < b.length) {
        int last = b[i + 4] & 0xFF; // 25 bits of time code, then closed_gop, broken_link
        gop = true;
        closed = (last >> 6 & 1) == 1;
        broken = (last >> 5 & 1) == 1;
      } else if (code == 0x00 && i + 2 < b.length) {
        int codingType = (b[i + 2] & 0xFF) >> 3 & 7;
        if (codingType == 3) return new Picture(Type.B, -1, false, false);
        if (codingType != 1) return new Picture(Type.OTHER, -1, false, false);
        return gop ? new Picture(Type.GOP_I, -1, closed, broken) : new Picture(Type.I_ONLY, -1, false, false);
      }
      i = nextStartCode(b, i, b.length);
    }
    return Picture.UNKNOWN;
  }
}
