package dev.patchwork.ffmpeg.internal;

import dev.patchwork.UnsupportedMasterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Turns the option string x265 writes into its stream ({@code x265_param2string}: {@code "cpuid=… frame-threads=3 wpp
 * … open-gop min-keyint=25 keyint=250 … deblock=0:0 sao … rc=crf crf=28.0 …"}) back into {@code -x265-params} for
 * ffmpeg's libx265.
 *
 * <p>x265 writes most options in its parser's own language ({@code key=value}, {@code flag}, {@code no-flag}), so most
 * are passed on as written (flags as {@code flag=1} / {@code no-flag=1}, because ffmpeg reads {@code -x265-params} as
 * {@code key=value} pairs). The exceptions (checked against x265 3.5's {@code common/param.cpp}):
 *
 * <ul>
 *   <li>Options about the machine, the input or logging are dropped: {@code cpuid}, {@code frame-threads},
 *       {@code numa-pools}, {@code pmode}, {@code pme}, {@code psnr}, {@code ssim}, {@code log-level}, {@code csv…},
 *       {@code bitdepth}, {@code input-csp}, {@code fps}, {@code input-res}, {@code total-frames}, {@code chunk-…},
 *       {@code annexb}, analysis save/load and refinement, {@code copy-pic}; bit depth, chroma format, size and rate
 *       come from the pixel format and the frames ffmpeg hands over.
 *   <li>Colour ({@code videoformat}, {@code range}, {@code colorprim}, {@code transfer}, {@code colormatrix}) is
 *       dropped: x265 marks the VUI's video signal type present as soon as any of them is <em>set</em>, so the
 *       values come from the frames' colour tags instead (set to the master's), as they did when ffmpeg made the
 *       master. {@code chromaloc=0} means "not written"; {@code chromaloc=1 chromaloc-top=t …} becomes
 *       {@code chromaloc=t}.
 *   <li>Multi-word entries are joined: {@code sar-width : sar-height=w:h} (with {@code sar=255}) becomes
 *       {@code sar=w\:h}; {@code display-window=1 left=… top=… right=… bottom=…} becomes {@code display-window=l,t,r,b};
 *       {@code overscan=1 overscan-crop=c} becomes {@code overscan=crop|show}; the HME levels become
 *       {@code hme-search=…}/{@code hme-range=…}; the conformance window (padding x265 computes itself) is dropped,
 *       including where x265 glues it to the previous option.
 *   <li>{@code rc=} is implied by {@code crf=}/{@code bitrate=}/{@code qp=}; a two-pass master ({@code stats-read})
 *       is matched by its bit rate in one pass; {@code deblock=a:b} becomes {@code deblock=a,b} because {@code :}
 *       separates ffmpeg's {@code -x265-params}.
 *   <li>{@code cll=0,0} (written even when no content light level SEI is sent) is dropped, other values become
 *       {@code max-cll=…}; {@code no-splice} and {@code decoder-max-rate=0}, written by x265 but unknown to some of its
 *       parsers, are dropped at those default values.
 *   <li>As for x264, {@code scenecut=0} (and no histogram scene cuts) and, with open GOPs, {@code min-keyint=1}, so
 *       that the renderer's forced key frames land exactly on the master's random-access points.
 * </ul>
 *
 * Interlaced (field) coding and rate-control zones are refused. An option this class does not know is passed on as
 * written; ffmpeg reports the ones x265 rejects, and the renderer refuses the master then.
 */
public final class X265Options {

  /**
   * The settings for ffmpeg's libx265.
   *
   * @param params  {@code key=value} (or {@code flag} / {@code no-flag}) entries for {@code -x265-params}
   * @param openGop true if the master uses open GOPs (CRA key frames)
   */
  public record Translation(List<String> params, boolean openGop) {
    public Translation {
      params = List.copyOf(params);
    }

    /** The {@code -x265-params} argument: the entries joined with {@code :}. */
    public String joined() {
      return String.join(":", params);
    }
  }

  private static final Set<String> DROPPED = Set.of(
      "cpuid", "frame-threads", "numa-pools", "pmode", "pme", "psnr", "ssim", "log-level", "csv", "csv-log-level",
      "bitdepth", "input-csp", "fps", "input-res", "total-frames", "chunk-start", "chunk-end", "annexb", "rc",
      "stats-write", "stats-read", "slow-firstpass", "zone-count", "videoformat", "range", "colorprim", "transfer",
      "colormatrix", "analysis-reuse-level", "analysis-save-reuse-level", "analysis-load-reuse-level", "analysis-save",
      "analysis-load", "scale-factor", "refine-intra", "refine-inter", "refine-mv", "refine-ctu-distortion",
      "refine-analysis-type", "copy-pic", "dynamic-refine", "svt", "right", "bottom", "conformance-window-offsets");

  /**
   * Options x265 writes at their default value but some builds' parsers do not know (build 192, bundled with ffmpeg 7.1,
   * writes {@code no-splice} and {@code decoder-max-rate=0} and rejects both). At their defaults they can be left out;
   * set otherwise they are passed on, and a build that rejects them refuses the master.
   */
  private static final Set<String> UNPARSED_DEFAULTS = Set.of("no-splice", "decoder-max-rate=0", "no-vbv-live-multi-pass");

  private X265Options() {}

  /**
   * Translates {@code optionString} (with or without the {@code "x265 (build …) … options: "} prefix).
   *
   * @throws UnsupportedMasterException naming the option, if the string holds something that cannot be reproduced
   */
  public static Translation translate(String optionString) {
    Objects.requireNonNull(optionString, "optionString");
    // the SEI payload may be read with its RBSP stop bit (0x80) or other bytes around the text
    String s = optionString.replaceAll("[^\\x20-\\x7E]+", " ").strip();
    int at = s.indexOf("options:");
    if (at >= 0) s = s.substring(at + "options:".length()).strip();
    // x265 glues the conformance window to the option before it ("no-scenecut-aware-qpconformance-window-offsets")
    s = s.replace("conformance-window-offsets", " conformance-window-offsets");
    List<String> tokens = new ArrayList<>(List.of(s.split("\\s+")));
    tokens.removeIf(String::isEmpty);
    if (tokens.isEmpty()) throw refuse("the option string is empty");
    if (tokens.stream().noneMatch(t -> t.startsWith("keyint=")) || tokens.stream().noneMatch(t -> t.startsWith("rc="))) {
      throw refuse("it has no 'keyint=' or 'rc=' (is it x265's option string?)");
    }
    boolean openGop = tokens.contains("open-gop");
    String rc = valueOf(tokens, "rc");
    boolean twoPass = !"0".equals(valueOf(tokens, "stats-read")) && valueOf(tokens, "stats-read") != null;

    List<String> out = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      int eq = t.indexOf('=');
      String key = eq < 0 ? t : t.substring(0, eq);
      String value = eq < 0 ? null : t.substring(eq + 1);
      if (DROPPED.contains(key.startsWith("no-") ? key.substring(3) : key) || UNPARSED_DEFAULTS.contains(t)) continue;
      switch (key) {
        case "interlace" -> {
          if (!"0".equals(value)) throw refuse("it is coded interlaced (interlace=" + value + "); interlaced masters are not supported yet");
        }
        case "field" -> throw refuse("it is coded as fields ('field'); interlaced masters are not supported yet");
        case "min-keyint" -> out.add("min-keyint=" + (openGop ? "1" : safe(key, value)));
        case "scenecut" -> out.add("scenecut=0");
        case "hist-scenecut" -> out.add("hist-scenecut=0");
        case "crf" -> {
          if ("crf".equals(rc)) out.add("crf=" + safe(key, value));
        }
        case "bitrate" -> {
          if ("abr".equals(rc) || "cbr".equals(rc)) out.add("bitrate=" + safe(key, value));
        }
        case "qp" -> {
          if ("cqp".equals(rc)) out.add("qp=" + safe(key, value));
        }
        case "cplxblur", "qblur" -> {
          if (!twoPass) out.add(key + "=" + safe(key, value));
        }
        case "deblock" -> out.add(value == null ? "deblock=1" : "deblock=" + safe(key, value.replace(':', ',')));
        case "sar" -> {
          if ("255".equals(value)) {
            // "sar=255 sar-width : sar-height=64:45"
            if (i + 2 >= tokens.size() || !tokens.get(i + 1).equals("sar-width") || !tokens.get(i + 2).equals(":")
                || i + 3 >= tokens.size() || !tokens.get(i + 3).startsWith("sar-height=")) {
              throw refuse("sar=255 without its sar-width : sar-height");
            }
            out.add("sar=" + tokens.get(i + 3).substring("sar-height=".length()).replace(":", "\\:"));
            i += 3;
          } else {
            out.add("sar=" + safe(key, value));
          }
        }
        case "overscan" -> {
          if ("1".equals(value)) {
            String crop = i + 1 < tokens.size() ? valueOf(List.of(tokens.get(i + 1)), "overscan-crop") : null;
            if (crop != null) i++;
            out.add("overscan=" + ("1".equals(crop) ? "crop" : "show"));
          }
        }
        case "chromaloc" -> {
          if (!"0".equals(value)) {
            String top = i + 1 < tokens.size() ? valueOf(List.of(tokens.get(i + 1)), "chromaloc-top") : null;
            if (top == null) throw refuse("chromaloc=" + value + " without chromaloc-top");
            out.add("chromaloc=" + safe(key, top));
            i += i + 2 < tokens.size() && tokens.get(i + 2).startsWith("chromaloc-bottom=") ? 2 : 1;
          }
        }
        case "display-window" -> {
          if ("1".equals(value)) {
            if (i + 4 >= tokens.size()) throw refuse("display-window=1 without its offsets");
            List<String> sides = new ArrayList<>();
            for (String side : List.of("left", "top", "right", "bottom")) {
              String v = valueOf(List.of(tokens.get(++i)), side);
              if (v == null) throw refuse("display-window=1 without its " + side + " offset");
              sides.add(safe(side, v));
            }
            out.add("display-window=" + String.join(",", sides));
          }
        }
        case "Level" -> {
          // "Level 0,1,2=a,b,c": the HME search methods
          String next = i + 1 < tokens.size() ? tokens.get(++i) : "";
          out.add("hme-search=" + safe("hme-search", next.substring(next.indexOf('=') + 1)));
        }
        case "merange" -> {
          if (value == null && i + 1 < tokens.size() && tokens.get(i + 1).startsWith("L0,L1,L2=")) {
            out.add("hme-range=" + safe("hme-range", tokens.get(++i).substring("L0,L1,L2=".length())));
          } else {
            out.add("merange=" + safe(key, value));
          }
        }
        case "zones:", "zones" -> throw refuse("it uses rate-control zones, which are numbered in the master's frames");
        case "cll" -> {
          // written as cll=maxCLL,maxFALL whether or not the SEI is emitted; 0,0 is "none"
          if (!"0,0".equals(value)) out.add("max-cll=" + safe(key, value));
        }
        // ffmpeg's -x265-params is a key=value list: a bare flag is written flag=1, a negated one no-flag=1
        default -> out.add(value == null ? key + "=1" : key + "=" + safe(key, value));
      }
    }
    // x265 resets pbratio when it parses strict-cbr (even "no-strict-cbr"): ratios go last
    List<String> ratios = out.stream().filter(e -> e.startsWith("pbratio=") || e.startsWith("ipratio=")).toList();
    out.removeAll(ratios);
    out.addAll(ratios);
    if (twoPass && tokens.stream().noneMatch(t -> t.startsWith("bitrate="))) throw refuse("a two-pass encode without its bit rate");
    return new Translation(out, openGop);
  }

  private static String valueOf(List<String> tokens, String key) {
    for (String t : tokens) {
      if (t.startsWith(key + "=")) return t.substring(key.length() + 1);
    }
    return null;
  }

  /** A value passed on as written; {@code :} would split ffmpeg's {@code -x265-params}. */
  private static String safe(String key, String value) {
    if (value == null || value.isEmpty() || value.contains(":")) throw refuse(key + (value == null ? "" : "=" + value) + " cannot be passed on");
    return value;
  }

  private static UnsupportedMasterException refuse(String why) {
    return new UnsupportedMasterException("the master's x265 settings cannot be matched: " + why);
  }
}
