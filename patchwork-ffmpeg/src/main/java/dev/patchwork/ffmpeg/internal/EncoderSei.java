package dev.patchwork.ffmpeg.internal;

import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Finds the settings x264 and x265 write into their streams: a {@code user_data_unregistered} SEI message (payload
 * type 5) in the first access unit, whose text is
 * {@code x264 - core 164 r3191 4613ac3 - H.264/MPEG-4 AVC codec - … - options: cabac=1 ref=3 …} or
 * {@code x265 (build 199) - 3.5+1-f0c1022b6:[Linux][GCC 11.2.0][64 bit] 8bit+10bit+12bit - H.265/HEVC codec - … - options: cpuid=… }.
 * The packet may be length-prefixed (MP4, MOV, Matroska) or use start codes (MPEG-TS, raw streams).
 */
public final class EncoderSei {

  /**
   * An encoder's report of itself.
   *
   * @param library ffmpeg's name for the encoder: {@code libx264} or {@code libx265}
   * @param build   what the encoder says of its version: {@code core 164 r3191 4613ac3}, {@code 3.5+1-f0c1022b6}
   * @param options its option string, after {@code options: }
   */
  public record Info(String library, String build, String options) {
    public Info {
      Objects.requireNonNull(library, "library");
      Objects.requireNonNull(build, "build");
      Objects.requireNonNull(options, "options");
    }

    /**
     * The value of option {@code name} in the string ({@code keyint} in {@code keyint=24}); for x265's flags,
     * {@code "1"} for {@code open-gop} and {@code "0"} for {@code no-open-gop}. Null when absent.
     */
    public String option(String name) {
      for (String token : options.split(" ")) {
        if (token.isEmpty()) continue;
        int eq = token.indexOf('=');
        if (eq > 0) {
          if (token.substring(0, eq).equals(name)) return token.substring(eq + 1);
        } else if (token.equals(name)) {
          return "1";
        } else if (token.equals("no-" + name)) {
          return "0";
        }
      }
      return null;
    }
  }

  private static final String OPTIONS = " - options: ";

  private EncoderSei() {}

  /** The x264/x265 report in the first bytes of a packet, or null if there is none. */
  public static Info find(Codec codec, byte[] packet, int length, int packetSize) {
    Objects.requireNonNull(codec, "codec");
    if (codec == Codec.MPEG2) return null;
    for (int lengthSize : new int[] {4, 2, 1}) {
      if (isLengthPrefixed(packet, length, packetSize, lengthSize)) {
        Info info = lengthPrefixed(codec, packet, length, lengthSize);
        if (info != null) return info;
      }
    }
    return annexB(codec, packet, length);
  }

  /**
   * The x264/x265 report in a stream's extradata, or null: ffmpeg's libx265 wrapper puts x265's SEI there (into the
   * {@code hvcC} NAL unit arrays of MP4/Matroska) rather than into the first packet. Reads {@code hvcC} and Annex B
   * extradata; {@code avcC} holds only parameter sets.
   */
  public static Info findInExtradata(Codec codec, byte[] extradata) {
    Objects.requireNonNull(codec, "codec");
    if (codec == Codec.MPEG2 || extradata == null || extradata.length < 4) return null;
    if (PictureClassifier.startsWithStartCode(extradata, extradata.length)) return annexB(codec, extradata, extradata.length);
    if (codec != Codec.HEVC || extradata.length < 23) return null;
    // hvcC: 22 bytes of configuration, numOfArrays, then per array: type byte, numNalus (16 bits), and per NAL unit
    // its length (16 bits) and bytes
    int i = 22;
    int arrays = extradata[i++] & 0xFF;
    for (int a = 0; a < arrays && i + 3 <= extradata.length; a++) {
      i++; // array_completeness, reserved, NAL_unit_type
      int nalus = (extradata[i] & 0xFF) << 8 | (extradata[i + 1] & 0xFF);
      i += 2;
      for (int n = 0; n < nalus && i + 2 <= extradata.length; n++) {
        int len = (extradata[i] & 0xFF) << 8 | (extradata[i + 1] & 0xFF);
        i += 2;
        int end = Math.min(extradata.length, i + len);
        Step step = nal(codec, extradata, i, end);
        if (step.info() != null) return step.info();
        i = end;
      }
    }
    return null;
  }

  /**
   * Parses an encoder's text; null if it is not x264's or x265's.
   */
  public static Info parse(String text) {
    if (text == null) return null;
    int opt = text.indexOf(OPTIONS);
    String options = opt < 0 ? "" : text.substring(opt + OPTIONS.length()).strip();
    if (text.startsWith("x264 - ")) {
      String rest = text.substring("x264 - ".length());
      int dash = rest.indexOf(" - ");
      return new Info("libx264", (dash < 0 ? rest : rest.substring(0, dash)).strip(), options);
    }
    if (text.startsWith("x265 (build ")) {
      int dash = text.indexOf(" - ");
      String build = "";
      if (dash > 0) {
        String rest = text.substring(dash + 3);
        int end = rest.indexOf(':');
        int space = rest.indexOf(' ');
        int cut = end < 0 ? space : space < 0 ? end : Math.min(end, space);
        build = (cut < 0 ? rest : rest.substring(0, cut)).strip();
      }
      return new Info("libx265", build, options);
    }
    return null;
  }

  /** True if the NAL lengths read from the bytes at hand chain up without breaking the packet's size. */
  private static boolean isLengthPrefixed(byte[] b, int length, int packetSize, int lengthSize) {
    long off = 0;
    int nals = 0;
    while (off < packetSize) {
      if (off + lengthSize > length) return nals > 0; // beyond the bytes read; what was read fits
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (b[(int) off + i] & 0xFF);
      if (len < 1 || off + lengthSize + len > packetSize) return false;
      if (off + lengthSize < length && (b[(int) off + lengthSize] & 0x80) != 0) return false; // forbidden_zero_bit
      off += lengthSize + len;
      nals++;
    }
    return nals > 0 && off == packetSize;
  }

  private static Info lengthPrefixed(Codec codec, byte[] b, int length, int lengthSize) {
    long off = 0;
    while (off + lengthSize < length) {
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (b[(int) off + i] & 0xFF);
      int start = (int) off + lengthSize;
      int end = (int) Math.min(length, start + len);
      Step step = nal(codec, b, start, end);
      if (step.done()) return step.info();
      off = start + len;
    }
    return null;
  }

  private static Info annexB(Codec codec, byte[] b, int length) {
    int i = nextStartCode(b, 0, length);
    while (i >= 0) {
      int next = nextStartCode(b, i, length);
      int end = next < 0 ? length : next - 3;
      while (end > i && b[end - 1] == 0) end--;
      Step step = nal(codec, b, i, end);
      if (step.done()) return step.info();
      i = next;
    }
    return null;
  }

  /** What one NAL unit told: the report, the end of the search (a slice: the SEI comes before), or nothing yet. */
  private record Step(Info info, boolean done) {
    static final Step GO_ON = new Step(null, false);
    static final Step STOP = new Step(null, true);
  }

  private static Step nal(Codec codec, byte[] b, int start, int end) {
    if (end - start < 2) return Step.GO_ON;
    int header;
    boolean sei;
    boolean slice;
    if (codec == Codec.H264) {
      int type = b[start] & 0x1F;
      header = 1;
      sei = type == 6;
      slice = type >= 1 && type <= 5;
    } else {
      int type = (b[start] >> 1) & 0x3F;
      header = 2;
      sei = type == 39 || type == 40;
      slice = type < 32;
    }
    if (slice) return Step.STOP;
    if (!sei) return Step.GO_ON;
    Info info = sei(b, start + header, end - start - header);
    return info == null ? Step.GO_ON : new Step(info, true);
  }

  /** Walks the SEI messages of one NAL unit for a user_data_unregistered text from x264 or x265. */
  private static Info sei(byte[] b, int off, int len) {
    byte[] rbsp = new byte[len];
    int n = BitReader.unescape(b, off, len, rbsp);
    int i = 0;
    while (i < n && (rbsp[i] & 0xFF) != 0x80) {
      int type = 0;
      while (i < n && (rbsp[i] & 0xFF) == 0xFF) {
        type += 255;
        i++;
      }
      if (i >= n) return null;
      type += rbsp[i++] & 0xFF;
      int size = 0;
      while (i < n && (rbsp[i] & 0xFF) == 0xFF) {
        size += 255;
        i++;
      }
      if (i >= n) return null;
      size += rbsp[i++] & 0xFF;
      if (type == 5 && size > 16) {
        int textStart = i + 16; // after the UUID
        int textEnd = Math.min(n, i + size);
        int nul = textStart;
        while (nul < textEnd && rbsp[nul] != 0) nul++;
        Info info = parse(new String(rbsp, textStart, Math.max(0, nul - textStart), StandardCharsets.ISO_8859_1));
        if (info != null) return info;
      }
      i += size;
    }
    return null;
  }

  private static int nextStartCode(byte[] b, int from, int len) {
    for (int i = from; i + 2 < len; i++) {
      if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) return i + 3;
    }
    return -1;
  }
}
