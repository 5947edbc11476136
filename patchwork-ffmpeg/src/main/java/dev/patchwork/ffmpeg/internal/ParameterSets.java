package dev.patchwork.ffmpeg.internal;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The parameter sets in a stream's codec configuration (extradata): SPS and PPS of an {@code avcC}, VPS, SPS and PPS
 * of an {@code hvcC}, or those NAL units of Annex B extradata. Other NAL units a configuration may carry (x265's
 * info SEI, which holds the option string) are left out, so two streams compare equal when a decoder would set up
 * the same way for both.
 */
public final class ParameterSets {

  private ParameterSets() {}

  /**
   * The parameter-set NAL units of {@code extradata} as hex strings, in order; empty if there is no extradata or it
   * cannot be read.
   *
   * @param hevc true for HEVC, false for H.264
   */
  public static List<String> of(byte[] extradata, boolean hevc) {
    if (extradata == null || extradata.length < 4) return List.of();
    try {
      if (extradata[0] == 0 && extradata[1] == 0 && (extradata[2] == 1 || extradata[2] == 0 && extradata[3] == 1)) {
        return annexB(extradata, hevc);
      }
      return hevc ? hvcC(extradata) : avcC(extradata);
    } catch (IndexOutOfBoundsException e) {
      return List.of();
    }
  }

  /**
   * {@code extradata} as a muxer would store it, without the NAL units that are not parameter sets: an {@code hvcC}
   * keeps its header and its VPS, SPS and PPS arrays byte for byte, and loses its other arrays (x265's info SEI, whose
   * option string differs between a master and a segment re-encoded with its settings, if only in {@code log-level}).
   * Any other extradata, and an {@code hvcC} that cannot be read, is returned as it is.
   *
   * @param hevc true for HEVC, false for H.264
   */
  public static byte[] configuration(byte[] extradata, boolean hevc) {
    if (!hevc || extradata == null || extradata.length < 23 || extradata[0] != 1) return extradata;
    try {
      java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
      int p = 22;
      int arrays = extradata[p++] & 0xFF;
      int keptArrays = 0;
      for (int a = 0; a < arrays; a++) {
        int from = p;
        int type = extradata[p++] & 0x3F;
        int count = (extradata[p] & 0xFF) << 8 | extradata[p + 1] & 0xFF;
        p += 2;
        for (int i = 0; i < count; i++) p += 2 + ((extradata[p] & 0xFF) << 8 | extradata[p + 1] & 0xFF);
        if (p > extradata.length) return extradata;
        if (type >= 32 && type <= 34) {
          kept.write(extradata, from, p - from);
          keptArrays++;
        }
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.write(extradata, 0, 22);
      out.write(keptArrays);
      kept.writeTo(out);
      out.write(extradata, p, extradata.length - p);
      return out.toByteArray();
    } catch (IndexOutOfBoundsException | java.io.IOException e) {
      return extradata;
    }
  }

  private static List<String> avcC(byte[] b) {
    List<String> out = new ArrayList<>();
    int p = 5;
    int sps = b[p++] & 0x1F;
    for (int i = 0; i < sps; i++) p = take(b, p, out);
    int pps = b[p++] & 0xFF;
    for (int i = 0; i < pps; i++) p = take(b, p, out);
    return out;
  }

  private static List<String> hvcC(byte[] b) {
    List<String> out = new ArrayList<>();
    int p = 22;
    int arrays = b[p++] & 0xFF;
    for (int a = 0; a < arrays; a++) {
      int type = b[p++] & 0x3F;
      int count = (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF;
      p += 2;
      for (int i = 0; i < count; i++) {
        if (type >= 32 && type <= 34) {
          p = take(b, p, out);
        } else {
          p += 2 + ((b[p] & 0xFF) << 8 | b[p + 1] & 0xFF);
        }
      }
    }
    return out;
  }

  /** Reads one 16-bit-length-prefixed NAL unit at {@code p} into {@code out}; returns the position after it. */
  private static int take(byte[] b, int p, List<String> out) {
    int len = (b[p] & 0xFF) << 8 | b[p + 1] & 0xFF;
    if (p + 2 + len > b.length) throw new IndexOutOfBoundsException("NAL unit past the end");
    out.add(HexFormat.of().formatHex(b, p + 2, p + 2 + len));
    return p + 2 + len;
  }

  private static List<String> annexB(byte[] b, boolean hevc) {
    List<String> out = new ArrayList<>();
    List<int[]> units = new ArrayList<>();
    int i = 0;
    int start = -1;
    while (i + 3 <= b.length) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
        if (start >= 0) units.add(new int[] {start, trimZeros(b, start, i)});
        start = i + 3;
        i += 3;
      } else {
        i++;
      }
    }
    if (start >= 0) units.add(new int[] {start, b.length});
    for (int[] u : units) {
      if (u[1] <= u[0]) continue;
      int type = hevc ? (b[u[0]] >> 1) & 0x3F : b[u[0]] & 0x1F;
      boolean ps = hevc ? type >= 32 && type <= 34 : type == 7 || type == 8;
      if (ps) out.add(HexFormat.of().formatHex(b, u[0], u[1]));
    }
    return out;
  }

  private static int trimZeros(byte[] b, int from, int to) {
    while (to > from && b[to - 1] == 0) to--;
    return to;
  }
}
