package dev.patchwork.resolve.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Resolve's render format ids and the file extensions they write. */
public final class Formats {

  private Formats() {}

  /**
   * The extension Resolve writes for the format id {@code format} ({@code mov}, {@code mxf_op1a}), from
   * {@code GetRenderFormats()} (description → extension, e.g. {@code MXF OP1A → mxf}): a description equal to the id, an
   * extension equal to it, a description that reads as the id once lower-cased with spaces and dashes as underscores,
   * or an extension that starts the id ({@code mxf} of {@code mxf_op1a}).
   */
  public static Optional<String> extension(Map<String, String> formats, String format) {
    String id = format.strip().toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : formats.entrySet()) {
      if (e.getKey().strip().equalsIgnoreCase(id)) return Optional.of(e.getValue());
    }
    for (String ext : formats.values()) {
      if (ext.equalsIgnoreCase(id)) return Optional.of(ext);
    }
    for (Map.Entry<String, String> e : formats.entrySet()) {
      if (e.getKey().strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_").equals(id)) return Optional.of(e.getValue());
    }
    for (String ext : formats.values()) {
      if (id.startsWith(ext.toLowerCase(Locale.ROOT) + "_")) return Optional.of(ext);
    }
    return Optional.empty();
  }

  /** The extension of {@code file}'s name without the dot, or empty text. */
  public static String extensionOf(java.nio.file.Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot <= 0 ? "" : n.substring(dot + 1);
  }

  /** {@code file}'s name without its extension. */
  public static String stemOf(java.nio.file.Path file) {
    String n = file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot <= 0 ? n : n.substring(0, dot);
  }
}
