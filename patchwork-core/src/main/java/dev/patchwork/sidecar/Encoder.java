package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.blankToNull;
import static dev.patchwork.internal.sidecar.FieldChecks.requireText;

/**
 * What encoded the master's video, so a patch can be encoded to match: the sidecar's {@code [encoder]} table.
 *
 * @param tool    the program that encoded it: {@code ffmpeg}, {@code DaVinci Resolve}, or what the file's
 *                encoder tag says (required)
 * @param version the program's version: {@code 7.1}, {@code 19.1.3} (optional)
 * @param library the codec implementation: {@code libx264}, {@code libx265}, {@code prores_ks} (optional)
 * @param options the encoder's option string, as the encoder reports it or as it was given: for x264 the
 *                {@code options:} text it writes into the stream, for ffmpeg the encoder arguments
 *                (optional)
 */
public record Encoder(String tool, String version, String library, String options) {

  public Encoder {
    requireText("tool", tool);
    version = blankToNull(version);
    library = blankToNull(library);
    options = blankToNull(options);
  }
}
