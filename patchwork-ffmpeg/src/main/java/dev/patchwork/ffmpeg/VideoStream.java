package dev.patchwork.ffmpeg;

import java.util.Map;
import java.util.Objects;

/**
 * A video stream's codec parameters: what a re-rendered segment has to match.
 *
 * @param index             stream index in the file
 * @param codecName         {@code h264}, {@code hevc}, {@code mpeg2video}, {@code prores}, {@code dnxhd}, …
 * @param profile           ffprobe's profile name ({@code High}, {@code Main 10}, {@code DNXHR SQ}, {@code Standard}), or empty
 * @param level             the codec level as ffprobe reports it (H.264 {@code 40} = 4.0; HEVC {@code 120} = 4.0), or -1
 * @param codecTag          {@code avc1}, {@code hvc1}, {@code hev1}, {@code apcn}, {@code AVdh}, or empty
 * @param pixFmt            {@code yuv420p}, {@code yuv422p10le}, …
 * @param width             coded picture width
 * @param height            coded picture height
 * @param sampleAspectRatio {@code 1:1}, {@code 64:45}, or empty
 * @param displayAspectRatio {@code 16:9}, or empty
 * @param fieldOrder        {@code progressive}, {@code tt}, {@code bb}, {@code tb}, {@code bt}, or empty
 * @param colorPrimaries    {@code bt709}, … or empty
 * @param colorTransfer     {@code bt709}, {@code smpte2084}, … or empty
 * @param colorSpace        {@code bt709}, {@code bt2020nc}, … or empty
 * @param colorRange        {@code tv} / {@code pc}, or empty
 * @param bitsPerRawSample  bit depth, or -1
 * @param bitRate           bits per second, or -1
 * @param timeBase          the stream's time base
 * @param rFrameRate        ffprobe's {@code r_frame_rate} ({@code 24000/1001}), or {@code 0/0}
 * @param avgFrameRate      ffprobe's {@code avg_frame_rate}, or {@code 0/0}
 * @param hasBFrames        ffprobe's {@code has_b_frames} (reorder delay), or -1
 * @param tags              the stream's tags
 */
public record VideoStream(
    int index, String codecName, String profile, int level, String codecTag, String pixFmt, int width, int height,
    String sampleAspectRatio, String displayAspectRatio, String fieldOrder, String colorPrimaries, String colorTransfer,
    String colorSpace, String colorRange, int bitsPerRawSample, long bitRate, TimeBase timeBase, String rFrameRate,
    String avgFrameRate, int hasBFrames, Map<String, String> tags) implements MediaStream {

  public VideoStream {
    Objects.requireNonNull(codecName, "codecName");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(codecTag, "codecTag");
    Objects.requireNonNull(pixFmt, "pixFmt");
    Objects.requireNonNull(sampleAspectRatio, "sampleAspectRatio");
    Objects.requireNonNull(displayAspectRatio, "displayAspectRatio");
    Objects.requireNonNull(fieldOrder, "fieldOrder");
    Objects.requireNonNull(colorPrimaries, "colorPrimaries");
    Objects.requireNonNull(colorTransfer, "colorTransfer");
    Objects.requireNonNull(colorSpace, "colorSpace");
    Objects.requireNonNull(colorRange, "colorRange");
    Objects.requireNonNull(timeBase, "timeBase");
    Objects.requireNonNull(rFrameRate, "rFrameRate");
    Objects.requireNonNull(avgFrameRate, "avgFrameRate");
    tags = Map.copyOf(tags);
  }

  @Override
  public String codecType() {
    return "video";
  }
}
