package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.blankToNull;
import static dev.patchwork.internal.sidecar.FieldChecks.require;
import static dev.patchwork.internal.sidecar.FieldChecks.requireText;

import dev.patchwork.internal.sidecar.FieldChecks;
import java.util.Objects;

/**
 * The master's video stream: the sidecar's {@code [video]} table. Names are ffmpeg's (as ffprobe prints
 * them). Optional fields are {@code null} when not known (blank text counts as {@code null}) and are left
 * out of the file.
 *
 * @param codec             codec name: {@code h264}, {@code hevc}, {@code prores}, {@code dnxhd}, … (required)
 * @param profile           codec profile as ffprobe names it: {@code High}, {@code Main 10}, {@code HQ}, … (optional)
 * @param level             codec level as the codec writes it: {@code "4.1"}, {@code "5.1"} (optional)
 * @param pixelFormat       pixel format: {@code yuv420p}, {@code yuv422p10le}, … ({@code pixel_format}; required)
 * @param width             coded picture width in pixels (required, positive)
 * @param height            coded picture height in pixels (required, positive)
 * @param sampleAspectRatio {@code "1:1"}, {@code "64:45"}, … ({@code sample_aspect_ratio}; optional)
 * @param fieldOrder        {@code progressive}, {@code tt}, {@code bb}, {@code tb} or {@code bt} ({@code field_order}; optional)
 * @param bitRate           the stream's bit rate in bits per second ({@code bit_rate}; optional, positive)
 * @param color             the colour description ({@code [video.color]}); {@link ColorInfo#UNSPECIFIED} if
 *                          {@code null} is given
 * @param gop               the GOP structure ({@code [video.gop]}; required)
 */
public record VideoStream(
    String codec,
    String profile,
    String level,
    String pixelFormat,
    int width,
    int height,
    String sampleAspectRatio,
    String fieldOrder,
    Long bitRate,
    ColorInfo color,
    GopStructure gop) {

  public VideoStream {
    requireText("codec", codec);
    requireText("pixelFormat", pixelFormat);
    profile = blankToNull(profile);
    level = blankToNull(level);
    sampleAspectRatio = blankToNull(sampleAspectRatio);
    fieldOrder = blankToNull(fieldOrder);
    if (color == null) color = ColorInfo.UNSPECIFIED;
    Objects.requireNonNull(gop, "gop");
    if (width <= 0) throw new IllegalArgumentException("width must be positive: " + width);
    if (height <= 0) throw new IllegalArgumentException("height must be positive: " + height);
    if (sampleAspectRatio != null) require("sampleAspectRatio", FieldChecks.sampleAspectRatio(sampleAspectRatio));
    if (fieldOrder != null) require("fieldOrder", FieldChecks.fieldOrder(fieldOrder));
    if (bitRate != null && bitRate <= 0) throw new IllegalArgumentException("bitRate must be positive: " + bitRate);
  }

  /** True for all-intra codecs: every frame is a closed random-access point. */
  public boolean intraOnly() {
    return gop.intraOnly();
  }
}
