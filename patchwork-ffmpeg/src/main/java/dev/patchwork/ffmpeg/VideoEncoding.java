package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.H264Sps;
import dev.patchwork.ffmpeg.internal.Mpeg2Headers;
import dev.patchwork.ffmpeg.internal.X264Options;
import dev.patchwork.ffmpeg.internal.X265Options;
import dev.patchwork.sidecar.ColorInfo;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.VideoStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * How to encode video exactly like a master: the ffmpeg encoder arguments and the frame properties (pixel format,
 * colour tags, sample aspect ratio) the frames must carry into the encoder, from the master's sidecar and, where the
 * sidecar does not say, the master's stream.
 *
 * <ul>
 *   <li>H.264: libx264 with the master's x264 option string ({@link X264Options}); a master with no x264 option string
 *       (another encoder) is refused: the SEI is the only complete record of the settings, and matching SPS fields
 *       alone would not reproduce the encoder's GOP and rate-control behaviour.
 *   <li>HEVC: libx265 with the master's x265 option string ({@link X265Options}); other encoders are refused likewise.
 *   <li>MPEG-2: ffmpeg's mpeg2video with the B-frames and closed/open GOPs of the sidecar (the GOP length comes from the
 *       forced key frames) and the bit rate,
 *       VBV buffer, profile/level, DC precision, quantiser scale type, VLC table and scan of the master's first
 *       sequence and picture headers; custom quantiser matrices are refused.
 *   <li>ProRes: prores_ks with the master's profile (Proxy, LT, Standard, HQ, 4444, 4444 XQ), vendor {@code apl0}.
 *   <li>DNxHR: dnxhd with the master's profile (LB, SQ, HQ, HQX, 444); DNxHD (fixed bit-rate family) needs the
 *       sidecar's bit rate.
 * </ul>
 *
 * Interlaced masters are refused for now (field order other than progressive).
 *
 * @param codec       the master's codec ({@code h264}, …)
 * @param args        encoder arguments for the video output ({@code -c:v …})
 * @param pixFmt      the pixel format frames must have
 * @param setparams   the {@code setparams} filter arguments tagging the frames with the master's colour
 * @param sar         the {@code setsar} value ({@code 1/1}, or {@code 0/1} for unspecified)
 * @param intraOnly   true if every frame is a key frame (no key frames to force)
 */
record VideoEncoding(String codec, List<String> args, String pixFmt, String setparams, String sar, boolean intraOnly) {

  private static final Set<String> PRIMARIES = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m", "film", "bt2020",
      "smpte428", "smpte431", "smpte432", "jedec-p22", "ebu3213");
  private static final Set<String> TRANSFERS = Set.of("bt709", "bt470m", "bt470bg", "smpte170m", "smpte240m", "linear", "log100",
      "log316", "iec61966-2-4", "bt1361e", "iec61966-2-1", "bt2020-10", "bt2020-12", "smpte2084", "smpte428", "arib-std-b67");
  private static final Set<String> MATRICES = Set.of("gbr", "bt709", "fcc", "bt470bg", "smpte170m", "smpte240m", "ycgco", "bt2020nc",
      "bt2020c", "smpte2085", "chroma-derived-nc", "chroma-derived-c", "ictcp");
  /** ffmpeg chroma locations as ffprobe names them, in AVChromaLocation order from "left" (1). */
  private static final List<String> CHROMA_LOCATIONS = List.of("left", "center", "topleft", "top", "bottomleft", "bottom");

  private static final Map<String, String> PRORES = Map.of("proxy", "proxy", "lt", "lt", "standard", "standard", "hq", "hq",
      "4444", "4444", "4444xq", "4444xq", "4444 xq", "4444xq");
  private static final Map<String, String> DNXHR = Map.of("dnxhr lb", "dnxhr_lb", "dnxhr sq", "dnxhr_sq", "dnxhr hq", "dnxhr_hq",
      "dnxhr hqx", "dnxhr_hqx", "dnxhr 444", "dnxhr_444");
  private static final Set<String> X26X_PIX_FMTS = Set.of("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p",
      "yuv420p10le", "yuv422p10le", "yuv444p10le", "yuv420p12le", "yuv422p12le", "yuv444p12le", "nv12", "nv16", "gray", "gray10le");

  VideoEncoding {
    Objects.requireNonNull(codec, "codec");
    args = List.copyOf(args);
    Objects.requireNonNull(pixFmt, "pixFmt");
    Objects.requireNonNull(setparams, "setparams");
    Objects.requireNonNull(sar, "sar");
  }

  /**
   * The encoding for {@code sidecar}'s master.
   *
   * @param master      the master's first video stream as ffprobe describes it, or {@code null} to check the sidecar only
   * @param firstPacket the master's first video packet as an elementary stream of the raw format given ({@code h264},
   *                    {@code mpeg2video}), with its parameter sets or sequence headers; returning {@code null} checks the
   *                    sidecar only
   * @throws UnsupportedMasterException if the master's codec or encoder cannot be matched
   */
  static VideoEncoding of(Sidecar sidecar, InputInfo.Video master, Function<String, byte[]> firstPacket) {
    VideoStream v = sidecar.video();
    String where = sidecar.master().fileName();
    String field = v.fieldOrder() == null ? field(master, "field_order") : v.fieldOrder();
    if (!field.isEmpty() && !field.equals("progressive")) {
      throw new UnsupportedMasterException(where + ": the master is interlaced (field order " + field
          + "); the ffmpeg renderer does not re-encode interlaced video yet");
    }
    String pixFmt = v.pixelFormat();
    String setparams = setparams(where, v.color());
    String sar = v.sampleAspectRatio() == null ? "0/1" : v.sampleAspectRatio().replace(':', '/');
    List<String> args = new ArrayList<>();
    String codec = v.codec();
    boolean intra = v.intraOnly();
    switch (codec) {
      case "h264" -> {
        String options = x26xOptions(sidecar, "x264", "cabac=");
        requirePixFmt(where, codec, pixFmt, X26X_PIX_FMTS);
        int loc = CHROMA_LOCATIONS.indexOf(field(master, "chroma_location"));
        byte[] es = firstPacket.apply("h264");
        boolean fixed = es != null && H264Sps.fixedFrameRate(es).orElse(false);
        X264Options.Translation t = X264Options.translate(options,
            new X264Options.Context(pixFmt.startsWith("yuv444") || pixFmt.startsWith("yuvj444"), Math.max(0, loc), v.level(), fixed));
        args.addAll(List.of("-c:v", "libx264", "-preset", t.preset(), "-x264-params", t.joined()));
      }
      case "hevc" -> {
        String options = x26xOptions(sidecar, "x265", "keyint=");
        requirePixFmt(where, codec, pixFmt, X26X_PIX_FMTS);
        X265Options.Translation t = X265Options.translate(options);
        args.addAll(List.of("-c:v", "libx265", "-x265-params", t.joined()));
      }
      case "mpeg2video" -> {
        requirePixFmt(where, codec, pixFmt, Set.of("yuv420p", "yuv422p"));
        Integer gop = v.gop().length();
        Integer bFrames = v.gop().bFrames();
        if (gop == null || bFrames == null) {
          throw new UnsupportedMasterException(where + ": the sidecar does not give the master's GOP length and B-frames ([video.gop] length, b_frames)");
        }
        byte[] es = firstPacket.apply("mpeg2video");
        if (es == null) return new VideoEncoding(codec, args, pixFmt, setparams, sar, false); // checking only
        Mpeg2Headers h = Mpeg2Headers.read(es).orElseThrow(() -> new UnsupportedMasterException(where
            + ": the master's first MPEG-2 sequence header cannot be read, so its bit rate and buffer cannot be matched"));
        if (h.customMatrices()) {
          throw new UnsupportedMasterException(where + ": the master's MPEG-2 uses custom quantiser matrices, which cannot be matched yet");
        }
        if (h.profileAndLevel() < 0) throw new UnsupportedMasterException(where + ": the master is MPEG-1 video, not MPEG-2");
        args.addAll(List.of("-c:v", "mpeg2video"));
        long average = v.bitRate() != null ? v.bitRate() : h.bitRate();
        if (average <= 0 && h.bitRate() <= 0 && h.vbvBufferBits() > 0) average = rateForDefaultBuffer(-1, h.vbvBufferBits());
        if (average <= 0) throw new UnsupportedMasterException(where + ": neither the sidecar nor the stream states the master's bit rate");
        if (h.bitRate() > 0) {
          args.addAll(List.of("-b:v", Long.toString(average), "-maxrate", Long.toString(h.bitRate())));
          if (h.vbvBufferBits() > 0) args.addAll(List.of("-bufsize", Long.toString(h.vbvBufferBits())));
        } else {
          // no maximum rate stated (0x3FFFF, as ffmpeg writes without -maxrate): ffmpeg takes a buffer size only with a
          // maximum rate, so the average rate is chosen, as near the master's as can be, to give ffmpeg's default buffer
          // for that rate the master's stated size
          args.addAll(List.of("-b:v", Long.toString(rateForDefaultBuffer(average, h.vbvBufferBits()))));
        }
        // no -g: every I-frame of a segment is forced at a master random-access point (the renderer sets a GOP longer than
        // the segment); a natural GOP end would add I-frames the master does not have (mpeg2video even turns the last
        // frame into one when the stream ends a GOP early)
        args.addAll(List.of("-bf", Integer.toString(bFrames), "-sc_threshold", "1000000000"));
        if (Boolean.TRUE.equals(v.gop().closed())) args.addAll(List.of("-flags", "+cgop"));
        if (h.ffmpegProfile() >= 0) args.addAll(List.of("-profile:v", Integer.toString(h.ffmpegProfile())));
        if (h.ffmpegLevel() >= 0) args.addAll(List.of("-level:v", Integer.toString(h.ffmpegLevel())));
        args.addAll(List.of("-dc", Integer.toString(h.intraDcPrecision())));
        if (h.nonLinearQuant()) args.addAll(List.of("-non_linear_quant", "1"));
        if (h.intraVlcFormat()) args.addAll(List.of("-intra_vlc", "1"));
        if (h.alternateScan()) args.addAll(List.of("-alternate_scan", "1"));
      }
      case "prores" -> {
        String profile = lower(v.profile() != null ? v.profile() : field(master, "profile"));
        String p = PRORES.get(profile);
        if (p == null) throw new UnsupportedMasterException(where + ": unknown ProRes profile '" + profile + "'; expected Proxy, LT, Standard, HQ, 4444 or 4444 XQ");
        // ffmpeg's ProRes decoder gives 4444 as 12-bit; prores_ks encodes it from 10-bit
        Set<String> formats = p.startsWith("4444") ? Set.of("yuv444p10le", "yuva444p10le", "yuv444p12le", "yuva444p12le")
            : Set.of("yuv422p10le");
        requirePixFmt(where, codec, pixFmt, formats);
        pixFmt = pixFmt.replace("p12le", "p10le");
        args.addAll(List.of("-c:v", "prores_ks", "-profile:v", p, "-vendor", "apl0"));
        intra = true;
      }
      case "dnxhd" -> {
        String profile = lower(v.profile() != null ? v.profile() : field(master, "profile"));
        String p = DNXHR.get(profile);
        args.addAll(List.of("-c:v", "dnxhd"));
        if (p != null) {
          Set<String> formats = switch (p) {
            case "dnxhr_hqx" -> Set.of("yuv422p10le");
            case "dnxhr_444" -> Set.of("yuv444p10le", "gbrp10le");
            default -> Set.of("yuv422p");
          };
          requirePixFmt(where, codec, pixFmt, formats);
          args.addAll(List.of("-profile:v", p));
        } else if (profile.equals("dnxhd") && v.bitRate() != null) {
          requirePixFmt(where, codec, pixFmt, Set.of("yuv422p", "yuv422p10le"));
          args.addAll(List.of("-profile:v", "dnxhd", "-b:v", Long.toString(v.bitRate())));
        } else {
          throw new UnsupportedMasterException(where + ": unknown DNx profile '" + profile
              + "'; expected DNxHR LB, SQ, HQ, HQX or 444, or DNxHD with the sidecar's bit rate");
        }
        intra = true;
      }
      default -> throw new UnsupportedMasterException(where + ": the ffmpeg renderer cannot re-encode " + codec
          + " video; it matches H.264 (x264), HEVC (x265), MPEG-2, ProRes and DNxHR/DNxHD masters");
    }
    return new VideoEncoding(codec, args, pixFmt, setparams, sar, intra);
  }

  /** The x264/x265 option string of the sidecar's encoder, or a refusal naming what encoded the master. */
  private static String x26xOptions(Sidecar sidecar, String encoder, String marker) {
    String options = sidecar.encoder().options();
    String library = sidecar.encoder().library();
    boolean fromEncoder = library == null || library.toLowerCase(Locale.ROOT).contains(encoder);
    if (options == null || !options.contains(marker) || !fromEncoder) {
      String by = library != null ? library : sidecar.encoder().tool();
      throw new UnsupportedMasterException(sidecar.master().fileName() + ": the master's " + sidecar.video().codec()
          + " was encoded by " + by + ", not " + encoder + " (the sidecar's [encoder] has no " + encoder
          + " option string); the ffmpeg renderer re-encodes only what it can match setting for setting");
    }
    return options;
  }

  private static void requirePixFmt(String where, String codec, String pixFmt, Set<String> allowed) {
    if (!allowed.contains(pixFmt)) {
      throw new UnsupportedMasterException(where + ": the ffmpeg renderer cannot encode " + codec + " in pixel format " + pixFmt
          + "; it can in " + String.join(", ", new java.util.TreeSet<>(allowed)));
    }
  }

  /** {@code setparams} arguments for the master's colour, every field set (unknown where the master says nothing). */
  static String setparams(String where, ColorInfo c) {
    return "range=" + (c.range() == null ? "unknown" : c.range())
        + ":color_primaries=" + known(where, "primaries", c.primaries(), PRIMARIES)
        + ":color_trc=" + known(where, "transfer", c.transfer(), TRANSFERS)
        + ":colorspace=" + known(where, "matrix", c.matrix(), MATRICES)
        + ":chroma_location=unspecified:field_mode=prog";
  }

  private static String known(String where, String what, String value, Set<String> names) {
    if (value == null) return "unknown";
    if (!names.contains(value)) {
      throw new UnsupportedMasterException(where + ": the master's colour " + what + " '" + value + "' is not one ffmpeg can tag");
    }
    return value;
  }

  private static String field(InputInfo.Video master, String name) {
    return master == null ? "" : master.field(name);
  }

  private static String lower(String s) {
    return s == null ? "" : s.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The bit rate nearest {@code average} at which ffmpeg's MPEG-2 encoder, given no buffer size, states a VBV buffer of
   * {@code vbvBits} (its default: {@code floor(20 · rate / 575964) · 8192} bits, written in units of 16384 bits rounded
   * up); {@code average} itself if {@code vbvBits} is not positive, the middle of the rates that give it if
   * {@code average} is not.
   */
  static long rateForDefaultBuffer(long average, long vbvBits) {
    if (vbvBits <= 0) return average;
    long units = (vbvBits + 16383) / 16384;
    // floor(20 · rate / 575964) must be 2·units − 1 or 2·units
    long low = ceilDiv((2 * units - 1) * 575964L, 20);
    long high = ceilDiv((2 * units + 1) * 575964L, 20) - 1;
    if (average <= 0) return (low + high) / 2;
    return Math.max(low, Math.min(high, average));
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
