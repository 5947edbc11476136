package dev.patchwork.resolve;

import java.util.Objects;

/**
 * A Resolve render format and codec as {@code GetCurrentRenderFormatAndCodec()} returns them and
 * {@code SetCurrentRenderFormatAndCodec(format, codec)} takes them.
 *
 * @param format the format id: {@code mov}, {@code mp4}, {@code mxf_op1a}, …
 * @param codec  the codec id: {@code ProRes422HQ}, {@code H264}, …
 */
public record RenderFormat(String format, String codec) {
  public RenderFormat {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(codec, "codec");
    if (format.isBlank()) throw new IllegalArgumentException("format is blank");
    if (codec.isBlank()) throw new IllegalArgumentException("codec is blank");
  }

  @Override
  public String toString() {
    return format + "/" + codec;
  }
}
