package dev.patchwork.ffmpeg.internal;

import java.util.Optional;

/**
 * The MPEG-2 video headers of a stream's first picture that an encoder must reproduce: the sequence header and
 * extension (bit rate, VBV buffer, profile and level, quantiser matrices) and the first picture coding extension
 * (DC precision, quantiser scale type, VLC table, scan).
 *
 * @param bitRate                 the sequence header's bit rate in bits per second ({@code (ext << 18 | value) · 400});
 *                                -1 for {@code 0x3FFFF} without extension bits (variable, not stated)
 * @param vbvBufferBits           the VBV buffer size in bits ({@code (ext << 10 | value) · 16 384})
 * @param profileAndLevel         the sequence extension's {@code profile_and_level_indication}, -1 if MPEG-1
 * @param progressiveSequence     {@code progressive_sequence}
 * @param chromaFormat            1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4
 * @param customMatrices          true if the sequence header loads its own quantiser matrices
 * @param intraDcPrecision        8 to 11 bits
 * @param nonLinearQuant          {@code q_scale_type}
 * @param intraVlcFormat          {@code intra_vlc_format}
 * @param alternateScan           {@code alternate_scan}
 */
public record Mpeg2Headers(long bitRate, long vbvBufferBits, int profileAndLevel, boolean progressiveSequence, int chromaFormat,
    boolean customMatrices, int intraDcPrecision, boolean nonLinearQuant, boolean intraVlcFormat, boolean alternateScan) {

  /** Reads the headers from the start of an MPEG-2 elementary stream (the first packet is enough). */
  public static Optional<Mpeg2Headers> read(byte[] es) {
    int seq = find(es, 0xB3, 0);
    if (seq < 0) return Optional.empty();
    try {
      BitReader r = new BitReader(es, seq + 4, es.length - seq - 4);
      r.u(12); // horizontal_size_value
      r.u(12); // vertical_size_value
      r.u(4); // aspect_ratio_information
      r.u(4); // frame_rate_code
      long bitRateValue = r.u(18);
      r.u(1); // marker
      long vbvValue = r.u(10);
      r.u(1); // constrained_parameters_flag
      boolean custom = false;
      if (r.u(1) == 1) {
        custom = true;
        for (int i = 0; i < 64; i++) r.u(8);
      }
      if (r.u(1) == 1) custom = true;

      int profileAndLevel = -1;
      boolean progressive = true;
      int chroma = 1;
      long bitRateExt = 0;
      long vbvExt = 0;
      int ext = find(es, 0xB5, seq + 4);
      while (ext >= 0) {
        int id = (es[ext + 4] & 0xFF) >> 4;
        if (id == 1) {
          BitReader e = new BitReader(es, ext + 4, es.length - ext - 4);
          e.u(4);
          profileAndLevel = e.u(8);
          progressive = e.u(1) == 1;
          chroma = e.u(2);
          e.u(2);
          e.u(2);
          bitRateExt = e.u(12);
          e.u(1);
          vbvExt = e.u(8);
          break;
        }
        ext = find(es, 0xB5, ext + 4);
      }
      int dc = 8;
      boolean nonLinear = false;
      boolean intraVlc = false;
      boolean alternate = false;
      int pic = find(es, 0x00, seq + 4);
      int pce = pic < 0 ? -1 : find(es, 0xB5, pic + 4);
      while (pce >= 0) {
        if ((es[pce + 4] & 0xFF) >> 4 == 8) {
          BitReader p = new BitReader(es, pce + 4, es.length - pce - 4);
          p.u(4);
          p.u(16); // f_codes
          dc = 8 + p.u(2);
          p.u(2); // picture_structure
          p.u(1); // top_field_first
          p.u(1); // frame_pred_frame_dct
          p.u(1); // concealment_motion_vectors
          nonLinear = p.u(1) == 1;
          intraVlc = p.u(1) == 1;
          alternate = p.u(1) == 1;
          break;
        }
        pce = find(es, 0xB5, pce + 4);
      }
      long rateUnits = bitRateExt << 18 | bitRateValue;
      long bitRate = rateUnits == 0x3FFFF && bitRateExt == 0 ? -1 : rateUnits * 400;
      long vbv = (vbvExt << 10 | vbvValue) * 16384;
      return Optional.of(new Mpeg2Headers(bitRate, vbv, profileAndLevel, progressive, chroma, custom, dc, nonLinear, intraVlc, alternate));
    } catch (IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  /** ffmpeg's {@code -profile:v} for the profile in {@code profile_and_level_indication}: 0 = 4:2:2, 1 = High, 4 = Main, 5 = Simple. */
  public int ffmpegProfile() {
    if (profileAndLevel < 0) return -1;
    if ((profileAndLevel & 0x80) != 0) return profileAndLevel == 0x85 || profileAndLevel == 0x82 ? 0 : -1; // 4:2:2 main/high
    return (profileAndLevel >> 4) & 0x7;
  }

  /** ffmpeg's {@code -level:v}: 4 = High, 6 = High 1440, 8 = Main, 10 = Low (4:2:2: 0x82 High, 0x85 Main). */
  public int ffmpegLevel() {
    if (profileAndLevel < 0) return -1;
    if ((profileAndLevel & 0x80) != 0) return profileAndLevel == 0x82 ? 2 : profileAndLevel == 0x85 ? 5 : -1;
    return profileAndLevel & 0xF;
  }

  /** The first start code {@code 00 00 01 code} at or after {@code from}, or -1. */
  private static int find(byte[] b, int code, int from) {
    for (int i = Math.max(0, from); i + 4 <= b.length; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1 && (b[i + 3] & 0xFF) == code) return i;
    }
    return -1;
  }
}
