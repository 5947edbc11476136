package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.blankToNull;

import java.util.Locale;
import java.util.Objects;

/**
 * What renders patches for this master: the sidecar's {@code [origin]} table.
 *
 * <p>For {@link Kind#FFMPEG} no other field is set. For {@link Kind#RESOLVE}, {@code project},
 * {@code timeline}, {@code format} and {@code codec} are required and {@code preset} is optional.
 *
 * @param kind     ffmpeg or Resolve
 * @param project  the Resolve project name
 * @param timeline the Resolve timeline name
 * @param preset   the Resolve render preset name, if one was used
 * @param format   the Resolve render format ({@code mov}, {@code mxf_op1a}, …)
 * @param codec    the Resolve render codec ({@code ProRes422HQ}, {@code H264}, …)
 */
public record RenderOrigin(Kind kind, String project, String timeline, String preset, String format, String codec) {

  /** Which engine renders. */
  public enum Kind {
    FFMPEG,
    RESOLVE;

    /** {@code "ffmpeg"} or {@code "resolve"}, as written in the sidecar. */
    public String tomlName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The kind written {@code name} in a sidecar, or {@code null} if there is none. */
    public static Kind fromTomlName(String name) {
      for (Kind k : values()) {
        if (k.tomlName().equals(name)) return k;
      }
      return null;
    }
  }

  public RenderOrigin {
    Objects.requireNonNull(kind, "kind");
    project = blankToNull(project);
    timeline = blankToNull(timeline);
    preset = blankToNull(preset);
    format = blankToNull(format);
    codec = blankToNull(codec);
    if (kind == Kind.FFMPEG) {
      if (project != null || timeline != null || preset != null || format != null || codec != null) {
        throw new IllegalArgumentException("an ffmpeg origin has no Resolve project, timeline, preset, format or codec");
      }
    } else {
      if (project == null) throw new IllegalArgumentException("a Resolve origin needs its project");
      if (timeline == null) throw new IllegalArgumentException("a Resolve origin needs its timeline");
      if (format == null) throw new IllegalArgumentException("a Resolve origin needs its render format");
      if (codec == null) throw new IllegalArgumentException("a Resolve origin needs its render codec");
    }
  }

  /** Patches are rendered with ffmpeg. */
  public static RenderOrigin ffmpeg() {
    return new RenderOrigin(Kind.FFMPEG, null, null, null, null, null);
  }

  /** Patches are rendered by DaVinci Resolve from this project and timeline ({@code preset} may be {@code null}). */
  public static RenderOrigin resolve(String project, String timeline, String preset, String format, String codec) {
    return new RenderOrigin(Kind.RESOLVE, project, timeline, preset, format, codec);
  }
}
