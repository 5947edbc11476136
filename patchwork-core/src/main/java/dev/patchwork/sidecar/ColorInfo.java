package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.blankToNull;
import static dev.patchwork.internal.sidecar.FieldChecks.require;

import dev.patchwork.internal.sidecar.FieldChecks;

/**
 * The video's colour description, as ffmpeg names it: the sidecar's {@code [video.color]} table. Every
 * field is optional ({@code null} when the stream does not say; blank text counts as {@code null}); the
 * table is left out when all four are {@code null}.
 *
 * @param primaries colour primaries ({@code bt709}, {@code bt2020}, …; ffprobe {@code color_primaries})
 * @param transfer  transfer characteristics ({@code bt709}, {@code smpte2084}, {@code arib-std-b67}, …; ffprobe {@code color_transfer})
 * @param matrix    matrix coefficients ({@code bt709}, {@code bt2020nc}, …; ffprobe {@code color_space})
 * @param range     {@code tv} (limited) or {@code pc} (full); ffprobe {@code color_range}
 */
public record ColorInfo(String primaries, String transfer, String matrix, String range) {

  /** Nothing known about the colour. */
  public static final ColorInfo UNSPECIFIED = new ColorInfo(null, null, null, null);

  public ColorInfo {
    primaries = blankToNull(primaries);
    transfer = blankToNull(transfer);
    matrix = blankToNull(matrix);
    range = blankToNull(range);
    if (range != null) require("range", FieldChecks.colorRange(range));
  }

  /** True if no field is known. */
  public boolean isUnspecified() {
    return primaries == null && transfer == null && matrix == null && range == null;
  }
}
