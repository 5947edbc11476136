package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.EncoderSei;
import dev.patchwork.sidecar.ColorInfo;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.GopStructure;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a probe says about a master, in the sidecar's terms: the container's short name, the video stream (with
 * level written as the codec does, colour, GOP structure), the audio streams and the encoder. Stream facts come from
 * ffprobe (which reads them from the SPS/VUI and the container); x264/x265 settings from their SEI.
 */
final class SidecarFacts {

  /** The field orders and colour ranges a sidecar accepts (docs/sidecar.md). */
  private static final Set<String> FIELD_ORDERS = Set.of("progressive", "tt", "bb", "tb", "bt");
  private static final Set<String> COLOR_RANGES = Set.of("tv", "pc");

  private SidecarFacts() {}

  /**
   * A stable short container name: {@code mov} (QuickTime brand {@code qt  }), {@code mp4} (other ISO brands),
   * {@code matroska} or {@code webm}, {@code mxf}, else ffprobe's first format name ({@code mpegts}, …).
   */
  static String container(MediaProbe p) {
    List<String> names = List.of(p.formatName().split(","));
    String ext = extension(p.path());
    if (names.contains("mov") || names.contains("mp4")) {
      String brand = p.formatTags().getOrDefault("major_brand", "").strip();
      if (brand.equals("qt")) return "mov";
      if (!brand.isEmpty()) return "mp4";
      return ext.equals("mov") || ext.equals("qt") ? "mov" : "mp4";
    }
    if (names.contains("matroska") || names.contains("webm")) return ext.equals("webm") ? "webm" : "matroska";
    return names.get(0).strip();
  }

  private static String extension(Path path) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** The sidecar's {@code [video]} table. */
  static dev.patchwork.sidecar.VideoStream video(MediaProbe p, EncoderSei.Info sei) {
    VideoStream v = p.video();
    long bitRate = v.bitRate() > 0 ? v.bitRate() : measuredBitRate(p);
    String range = COLOR_RANGES.contains(v.colorRange()) ? v.colorRange() : null;
    ColorInfo color = new ColorInfo(v.colorPrimaries(), v.colorTransfer(), v.colorSpace(), range);
    return new dev.patchwork.sidecar.VideoStream(v.codecName(), v.profile(), level(v.codecName(), v.level()), v.pixFmt(),
        v.width(), v.height(), sampleAspectRatio(v.sampleAspectRatio()),
        FIELD_ORDERS.contains(v.fieldOrder()) ? v.fieldOrder() : null, bitRate > 0 ? bitRate : null, color, gop(p, sei));
  }

  /** The level as the codec writes it: H.264 {@code 41} → {@code "4.1"}, HEVC {@code 123} → {@code "4.1"}, MPEG-2 {@code 4} → {@code "High"}. */
  static String level(String codec, int level) {
    if (level < 0) return null;
    return switch (codec) {
      case "h264" -> level == 9 ? "1b" : level / 10 + "." + level % 10;
      case "hevc" -> level % 3 == 0 ? level / 30 + "." + level / 3 % 10 : Integer.toString(level);
      case "mpeg2video" -> switch (level) {
        case 4 -> "High";
        case 6 -> "High 1440";
        case 8 -> "Main";
        case 10 -> "Low";
        default -> Integer.toString(level);
      };
      default -> level == 0 ? null : Integer.toString(level);
    };
  }

  private static String sampleAspectRatio(String sar) {
    int colon = sar.indexOf(':');
    if (colon <= 0) return null;
    try {
      long a = Long.parseLong(sar.substring(0, colon));
      long b = Long.parseLong(sar.substring(colon + 1));
      return a > 0 && b > 0 ? sar : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Bits per second of the video packets over the master's duration (frames / rate), or -1. */
  static long measuredBitRate(MediaProbe p) {
    PacketIndex index = p.packets();
    long bytes = 0;
    for (int i = 0; i < index.packetCount(); i++) bytes += index.byteSize(i);
    if (bytes == 0 || p.frameCount() == 0) return -1;
    BigInteger bits = BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(8)).multiply(BigInteger.valueOf(p.frameRate().numerator()));
    BigInteger time = BigInteger.valueOf(p.frameCount()).multiply(BigInteger.valueOf(p.frameRate().denominator()));
    return bits.add(time.shiftRight(1)).divide(time).longValueExact();
  }

  /**
   * The GOP structure: what x264/x265 were asked for when they say so (keyint is a maximum, so the length is the
   * most common distance between random-access points), else what the stream shows.
   */
  static GopStructure gop(MediaProbe p, EncoderSei.Info sei) {
    if (p.intraOnly()) return new GopStructure(true, 1, 0, true);
    List<AccessPoint> points = p.accessPoints();
    Integer length = typicalDistance(points);
    if (length == null && sei != null) length = positive(sei.option("keyint"));
    Integer bFrames = sei == null ? null : nonNegative(sei.option("bframes"));
    if (bFrames == null) bFrames = longestReorderedRun(p.packets());
    Boolean closed = null;
    if (sei != null) {
      String open = sei.library().equals("libx265") ? sei.option("open-gop") : sei.option("open_gop");
      if (open != null) closed = open.equals("0");
    }
    if (closed == null) {
      closed = points.stream().allMatch(a -> a.isClosed() && a.kind() != AccessPoint.Kind.OPEN_GOP
          && a.kind() != AccessPoint.Kind.RECOVERY_POINT);
    }
    return GopStructure.longGop(length, bFrames, closed);
  }

  /** The most common distance in frames between consecutive points (the larger on a tie), or null with one point. */
  private static Integer typicalDistance(List<AccessPoint> points) {
    if (points.size() < 2) return null;
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 1; i < points.size(); i++) counts.merge(points.get(i).frame() - points.get(i - 1).frame(), 1, Integer::sum);
    long best = -1;
    int bestCount = 0;
    for (Map.Entry<Long, Integer> e : counts.entrySet()) {
      if (e.getValue() > bestCount || e.getValue() == bestCount && e.getKey() > best) {
        best = e.getKey();
        bestCount = e.getValue();
      }
    }
    return best > 0 && best <= Integer.MAX_VALUE ? (int) best : null;
  }

  /** The most packets in a row (decode order) shown before a packet decoded earlier: B-frames in a row. */
  static int longestReorderedRun(PacketIndex index) {
    long maxPts = Long.MIN_VALUE;
    int run = 0;
    int longest = 0;
    for (int i = 0; i < index.packetCount(); i++) {
      if (!index.isDisplayed(i)) continue;
      long pts = index.pts(i);
      if (pts < maxPts) {
        run++;
        longest = Math.max(longest, run);
      } else {
        run = 0;
        maxPts = pts;
      }
    }
    return longest;
  }

  private static Integer positive(String value) {
    Integer v = nonNegative(value);
    return v == null || v == 0 ? null : v;
  }

  private static Integer nonNegative(String value) {
    if (value == null) return null;
    try {
      int v = Integer.parseInt(value.strip());
      return v < 0 ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The sidecar's {@code [[audio]]} tables, in file order. */
  static List<dev.patchwork.sidecar.AudioStream> audio(MediaProbe p) {
    List<dev.patchwork.sidecar.AudioStream> out = new ArrayList<>();
    for (AudioStream a : p.audioStreams()) {
      if (a.sampleRate() <= 0 || a.channels() <= 0) {
        throw new UnsupportedMasterException(p.path() + ": audio stream " + a.index() + " (" + a.codecName()
            + ") has no sample rate or channel count ffprobe can read; Patchwork cannot describe it");
      }
      out.add(new dev.patchwork.sidecar.AudioStream(a.codecName(), a.sampleRate(), a.channels(), a.channelLayout(),
          a.bitsPerSample() > 0 ? a.bitsPerSample() : null, a.bitRate() > 0 ? a.bitRate() : null));
    }
    return out;
  }

  /**
   * The {@code [encoder]} table: the program from the container's encoder tag ({@code Lavf61.7.100} is ffmpeg) or
   * MXF identification (company, product, version); the encoder library from x264/x265's own report or the video
   * stream's encoder tag ({@code Lavc61.19.100 prores_ks}); the options from x264/x265's report.
   */
  static Encoder encoder(MediaProbe p, EncoderSei.Info sei) {
    Map<String, String> format = p.formatTags();
    String tag = tag(format, "encoder");
    String videoTag = tag(p.video().tags(), "encoder");
    String tool;
    String version = null;
    String company = tag(format, "company_name");
    String product = tag(format, "product_name");
    if (tag != null && tag.startsWith("Lavf")) {
      tool = "ffmpeg";
      version = tag;
    } else if (company != null && company.equalsIgnoreCase("FFmpeg")) {
      tool = "ffmpeg";
      String v = tag(format, "product_version");
      version = v == null ? null : "Lavf" + v;
    } else if (product != null) {
      tool = company != null && !product.contains(company) ? company + " " + product : product;
      version = tag(format, "product_version");
    } else if (tag != null) {
      tool = tag;
    } else if (videoTag != null && videoTag.startsWith("Lavc")) {
      tool = "ffmpeg";
    } else {
      tool = "unknown";
    }
    String library;
    if (sei != null) {
      library = sei.library();
    } else if (videoTag != null && videoTag.startsWith("Lavc") && videoTag.indexOf(' ') > 0) {
      library = videoTag.substring(videoTag.lastIndexOf(' ') + 1);
    } else {
      library = videoTag;
    }
    return new Encoder(tool, version, library, sei == null ? null : sei.options());
  }

  /** A tag by name, ignoring case (Matroska writes {@code ENCODER}); null when absent or blank. */
  private static String tag(Map<String, String> tags, String name) {
    for (Map.Entry<String, String> e : tags.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isBlank()) return e.getValue().strip();
    }
    return null;
  }
}
