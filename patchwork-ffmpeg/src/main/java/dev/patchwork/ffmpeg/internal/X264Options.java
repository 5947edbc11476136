package dev.patchwork.ffmpeg.internal;

import dev.patchwork.UnsupportedMasterException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the option string x264 writes into its stream ({@code x264_param2string}: {@code "cabac=1 ref=3 deblock=1:0:0
 * analyse=0x3:0x113 … crf=18.0 … aq=1:1.00"}) back into the settings that produce it again: a preset and
 * {@code -x264-params} for ffmpeg's libx264 ({@code x264_param_parse} names, {@code :}-separated).
 *
 * <p>The SEI is not written in the parser's language, so a literal copy would be wrong in places (checked against
 * x264 core 164's {@code common/base.c} and {@code encoder/encoder.c}):
 *
 * <ul>
 *   <li>Several names differ: {@code mixed_ref → mixed-refs}, {@code me_range → merange}, {@code decimate →
 *       dct-decimate}, {@code ip_ratio → ipratio}, {@code pb_ratio → pbratio}, {@code keyint_min → keyint-min};
 *       compound values are split: {@code deblock=1:a:b → deblock=a,b} (or {@code no-deblock}),
 *       {@code deadzone=i,j → deadzone-inter=i, deadzone-intra=j}, {@code aq=m:s → aq-mode=m, aq-strength=s},
 *       {@code psy_rd=a:b → psy-rd=a,b}; enumerations written as numbers are named ({@code direct=1 → spatial},
 *       {@code cqm=0 → flat}).
 *   <li>{@code analyse=intra:inter} holds bit masks: the inter mask becomes {@code partitions=…}; the intra mask can
 *       only be set by a preset ({@code 0} only by {@code ultrafast}).
 *   <li>{@code chroma_qp_offset} is written <em>after</em> x264 adjusted it (−1/−2 for psy-rd at subme ≥ 6, −1/−2 for
 *       psy-trellis, +6 for 4:4:4 with psy); passing it back would adjust it twice, so the adjustment is undone.
 *   <li>{@code threads}, {@code lookahead_threads} do not change the stream's syntax and are left to ffmpeg (unless
 *       {@code sliced_threads=1}, where the thread count is the slice count); {@code rc=} is implied by
 *       {@code crf=}/{@code bitrate=}/{@code qp=}; a two-pass master is matched by its average bit rate in one pass.
 *   <li>{@code rc_lookahead} is written only with MB-tree or VBV; without it the presets that turn MB-tree off use no
 *       lookahead, so {@code rc-lookahead=0}.
 * </ul>
 *
 * <p>Two settings are changed on purpose so that a segment has key frames exactly where the master has random-access
 * points (the renderer forces them): {@code scenecut=0}, and with open GOPs {@code keyint-min=1} (x264 turns a forced
 * I-frame into an open-GOP key frame only {@code keyint_min} frames after the previous one). Neither is part of the
 * SPS/PPS. Options this class does not know, custom quantiser matrices, periodic intra refresh, interlaced coding and
 * rate-control zones are refused with {@link UnsupportedMasterException}: the renderer cannot promise to match them.
 */
public final class X264Options {

  /**
   * What the master needs besides its option string.
   *
   * @param chroma444      the pixel format is 4:4:4 (x264 raises the chroma QP offset by 6 there)
   * @param chromaLocation x264's {@code chromaloc} (0 = left, not written)
   * @param level          the master's level ({@code "4.1"}), or {@code null} to let x264 choose
   * @param fixedFrameRate the master's SPS sets {@code fixed_frame_rate_flag} (x264 {@code force-cfr}, set by
   *                       {@code --tune zerolatency}; not in the option string)
   */
  public record Context(boolean chroma444, int chromaLocation, String level, boolean fixedFrameRate) {
    public Context {
      if (chromaLocation < 0 || chromaLocation > 5) throw new IllegalArgumentException("x264 chroma location 0-5: " + chromaLocation);
      if (level != null && (level.isBlank() || level.contains(":"))) throw new IllegalArgumentException("bad level: " + level);
    }
  }

  /**
   * The settings for ffmpeg's libx264.
   *
   * @param preset  the {@code -preset} to start from
   * @param params  {@code key=value} entries for {@code -x264-params}, in the SEI's order
   * @param openGop true if the master uses open GOPs
   * @param keyint  the maximum GOP length, or 0 for {@code infinite}
   */
  public record Translation(String preset, List<String> params, boolean openGop, int keyint) {
    public Translation {
      Objects.requireNonNull(preset, "preset");
      params = List.copyOf(params);
    }

    /** The {@code -x264-params} argument: the entries joined with {@code :}. */
    public String joined() {
      return String.join(":", params);
    }
  }

  private static final String[] DIRECT = {"none", "spatial", "temporal", "auto"};
  private static final String[] NAL_HRD = {"none", "vbr", "cbr"};

  private X264Options() {}

  /**
   * Translates {@code optionString} (with or without the {@code "x264 - core … options: "} prefix).
   *
   * @throws UnsupportedMasterException naming the option, if the string holds something that cannot be reproduced
   */
  public static Translation translate(String optionString, Context context) {
    Objects.requireNonNull(optionString, "optionString");
    Objects.requireNonNull(context, "context");
    Map<String, String> o = parse(optionString);
    for (String required : List.of("cabac", "ref", "bframes", "keyint", "rc")) {
      if (!o.containsKey(required)) throw refuse("it has no '" + required + "=' (is it x264's option string?)");
    }
    List<String> out = new ArrayList<>();
    String preset = "medium";
    boolean psy = "1".equals(o.get("psy"));
    double psyRd = 0;
    double psyTrellis = 0;
    if (psy && o.containsKey("psy_rd")) {
      String[] ab = o.get("psy_rd").split(":");
      if (ab.length != 2) throw refuse("psy_rd=" + o.get("psy_rd") + " is not two numbers");
      psyRd = number("psy_rd", ab[0]);
      psyTrellis = number("psy_rd", ab[1]);
    }
    int subme = integer(o, "subme", 7);
    int trellis = integer(o, "trellis", 0);
    boolean openGop = "1".equals(o.get("open_gop"));
    String rc = o.get("rc");
    int keyint = 0;

    for (Map.Entry<String, String> e : o.entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "cabac", "ref", "subme", "psy", "trellis", "8x8dct", "nr", "bframes", "b_pyramid", "b_adapt", "b_bias",
            "weightb", "open_gop", "weightp", "mbtree", "qcomp", "qpmin", "qpmax", "qpstep", "constrained_intra",
            "bluray_compat", "stitchable", "fast_pskip", "chroma_me", "rc_lookahead", "slices", "slices_max",
            "slice_max_size", "slice_max_mbs", "slice_min_mbs", "ratetol", "cplxblur", "qblur", "vbv_maxrate",
            "vbv_bufsize", "crf_max", "filler", "crop_rect", "mastering-display", "cll", "frame-packing" ->
            out.add(k.replace('_', '-') + "=" + safe(k, v));
        case "me_range" -> out.add("merange=" + safe(k, v));
        case "mixed_ref" -> out.add("mixed-refs=" + safe(k, v));
        case "decimate" -> out.add("dct-decimate=" + safe(k, v));
        case "ip_ratio" -> out.add("ipratio=" + safe(k, v));
        case "pb_ratio" -> out.add("pbratio=" + safe(k, v));
        case "me" -> out.add("me=" + safe(k, v));
        case "crf" -> {
          if ("crf".equals(rc)) out.add("crf=" + safe(k, v));
        }
        case "bitrate" -> {
          if (!"crf".equals(rc) && !"cqp".equals(rc)) out.add("bitrate=" + safe(k, v));
        }
        case "qp" -> {
          if ("cqp".equals(rc)) out.add("qp=" + safe(k, v));
        }
        case "deblock" -> {
          String[] d = v.split(":");
          if (d.length != 3) throw refuse("deblock=" + v + " is not enabled:alpha:beta");
          if ("0".equals(d[0])) out.add("no-deblock=1");
          else out.add("deblock=" + safe(k, d[1]) + "," + safe(k, d[2]));
        }
        case "analyse" -> {
          String[] masks = v.split(":");
          if (masks.length != 2) throw refuse("analyse=" + v + " is not intra:inter");
          int intra = mask(v, masks[0]);
          int inter = mask(v, masks[1]);
          if (intra == 0) preset = "ultrafast";
          else if ((intra & ~0x3) != 0) throw refuse("analyse=" + v + " has intra partitions no preset gives");
          out.add("partitions=" + partitions(inter));
        }
        case "psy_rd" -> {
          if (psy) out.add("psy-rd=" + fixed2(psyRd) + "," + fixed2(psyTrellis));
        }
        case "cqm" -> {
          switch (v) {
            case "0" -> out.add("cqm=flat");
            case "1" -> out.add("cqm=jvt");
            default -> throw refuse("it uses custom quantiser matrices (cqm=" + v + "), which its option string does not hold");
          }
        }
        case "deadzone" -> {
          String[] d = v.split(",");
          if (d.length != 2) throw refuse("deadzone=" + v + " is not inter,intra");
          out.add("deadzone-inter=" + safe(k, d[0]));
          out.add("deadzone-intra=" + safe(k, d[1]));
        }
        case "chroma_qp_offset" -> out.add("chroma-qp-offset="
            + userChromaQpOffset(integer(o, k, 0), psy, psyRd, psyTrellis, subme, trellis, context.chroma444()));
        case "threads", "lookahead_threads" -> {
          // frame and lookahead threads change no syntax; ffmpeg picks them (slices are taken care of below)
        }
        case "sliced_threads" -> {
          if ("1".equals(v)) {
            out.add("sliced-threads=1");
            out.add("threads=" + safe(k, o.getOrDefault("threads", "1")));
          }
        }
        case "interlaced" -> {
          switch (v) {
            case "0" -> out.add("interlaced=0");
            case "fake" -> out.add("fake-interlaced=1");
            default -> throw refuse("it is coded interlaced (interlaced=" + v + "); interlaced masters are not supported yet");
          }
        }
        case "direct" -> out.add("direct=" + named(k, v, DIRECT));
        case "keyint" -> {
          if ("infinite".equals(v)) {
            out.add("keyint=infinite");
          } else {
            keyint = integer(o, k, 0);
            out.add("keyint=" + keyint);
          }
        }
        case "keyint_min" -> out.add("keyint-min=" + (openGop ? "1" : safe(k, v)));
        case "scenecut" -> out.add("scenecut=0");
        case "intra_refresh" -> {
          if (!"0".equals(v)) throw refuse("it uses periodic intra refresh instead of key frames (intra_refresh=" + v + ")");
          out.add("intra-refresh=0");
        }
        case "rc" -> {
          if (!List.of("crf", "abr", "cbr", "2pass", "cqp").contains(v)) throw refuse("rate control rc=" + v + " is unknown");
        }
        case "aq" -> {
          String[] a = v.split(":");
          out.add("aq-mode=" + safe(k, a[0]));
          if (a.length > 1) out.add("aq-strength=" + safe(k, a[1]));
        }
        case "nal_hrd" -> out.add("nal-hrd=" + named(k, v, NAL_HRD));
        case "zones" -> throw refuse("it uses rate-control zones (zones=" + v + "), which are numbered in the master's frames");
        case "opencl" -> {
          // a speed-up only
        }
        default -> throw refuse("'" + k + "=" + v + "' is an option Patchwork does not know how to reproduce");
      }
    }
    if (!o.containsKey("rc_lookahead")) out.add("rc-lookahead=0");
    if (!switch (rc) {
      case "crf" -> o.containsKey("crf");
      case "cqp" -> o.containsKey("qp");
      default -> o.containsKey("bitrate");
    }) {
      throw refuse("rc=" + rc + " comes without its value");
    }
    out.add("chromaloc=" + context.chromaLocation());
    if (context.fixedFrameRate()) out.add("force-cfr=1");
    if (context.level() != null) out.add("level=" + context.level());
    return new Translation(preset, out, openGop, keyint);
  }

  /** The option string as {@code key → value}, in order; drops an {@code "x264 - core … options: "} prefix. */
  static Map<String, String> parse(String optionString) {
    // the SEI payload may be read with its RBSP stop bit (0x80) or other bytes around the text
    String s = optionString.replaceAll("[^\\x20-\\x7E]+", " ").strip();
    int at = s.indexOf("options:");
    if (at >= 0) s = s.substring(at + "options:".length()).strip();
    Map<String, String> o = new LinkedHashMap<>();
    for (String token : s.split("\\s+")) {
      if (token.isEmpty()) continue;
      int eq = token.indexOf('=');
      if (eq <= 0) throw refuse("'" + token + "' is not key=value");
      o.put(token.substring(0, eq), token.substring(eq + 1));
    }
    if (o.isEmpty()) throw refuse("the option string is empty");
    return o;
  }

  /**
   * The {@code chroma-qp-offset} to ask for so that x264's own adjustments give {@code written} again
   * ({@code x264_validate_parameters}: +6 for 4:4:4 with psy, −1 or −2 for psy-rd when subme ≥ 6, −1 or −2 for
   * psy-trellis when trellis is on).
   */
  static int userChromaQpOffset(int written, boolean psy, double psyRd, double psyTrellis, int subme, int trellis, boolean chroma444) {
    int user = written;
    if (chroma444 && psy) user -= 6;
    if (psy && subme >= 6 && fix8(psyRd) != 0) user += psyRd < 0.25 ? 1 : 2;
    if (psy && trellis != 0 && fix8(psyTrellis / 4) != 0) user += psyTrellis < 0.25 ? 1 : 2;
    return Math.max(-32, Math.min(32, user));
  }

  private static int fix8(double f) {
    return (int) (f * 256 + 0.5);
  }

  /** {@code partitions=} for an inter mask: I4x4 0x1, I8x8 0x2, P8x8 0x10, P4x4 0x20, B8x8 0x100. */
  static String partitions(int inter) {
    List<String> p = new ArrayList<>();
    if ((inter & 0x1) != 0) p.add("i4x4");
    if ((inter & 0x2) != 0) p.add("i8x8");
    if ((inter & 0x10) != 0) p.add("p8x8");
    if ((inter & 0x20) != 0) p.add("p4x4");
    if ((inter & 0x100) != 0) p.add("b8x8");
    return p.isEmpty() ? "none" : String.join(",", p);
  }

  private static int mask(String option, String hex) {
    try {
      return Integer.decode(hex.strip());
    } catch (NumberFormatException e) {
      throw refuse("analyse=" + option + " is not two bit masks");
    }
  }

  private static String named(String key, String value, String[] names) {
    try {
      int i = Integer.parseInt(value);
      if (i >= 0 && i < names.length) return names[i];
    } catch (NumberFormatException e) {
      for (String n : names) {
        if (n.equals(value)) return n;
      }
    }
    throw refuse(key + "=" + value + " is not one of " + String.join(", ", names));
  }

  private static int integer(Map<String, String> o, String key, int absent) {
    String v = o.get(key);
    if (v == null) return absent;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw refuse(key + "=" + v + " is not a whole number");
    }
  }

  private static double number(String key, String v) {
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw refuse(key + "=" + v + " is not a number");
    }
  }

  private static String fixed2(double d) {
    return String.format(Locale.ROOT, "%.2f", d);
  }

  /** A value passed on as written; {@code :} would split ffmpeg's {@code -x264-params}. */
  private static String safe(String key, String value) {
    if (value.isEmpty() || value.contains(":") || value.contains("=")) throw refuse(key + "=" + value + " cannot be passed on");
    return value;
  }

  private static UnsupportedMasterException refuse(String why) {
    return new UnsupportedMasterException("the master's x264 settings cannot be matched: " + why);
  }
}
