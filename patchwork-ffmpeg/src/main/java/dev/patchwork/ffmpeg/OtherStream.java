package dev.patchwork.ffmpeg;

import java.util.Map;
import java.util.Objects;

/**
 * A stream that is neither video nor audio: a timecode track ({@code tmcd}), data, subtitles, an attachment,
 * or a video stream that is only a cover picture.
 *
 * @param index     stream index in the file
 * @param codecType {@code data}, {@code subtitle}, {@code attachment}, {@code video} (cover picture)
 * @param codecName ffmpeg's codec name ({@code unknown} for {@code tmcd})
 * @param codecTag  {@code tmcd}, … or empty
 * @param timeBase  the stream's time base
 * @param tags      the stream's tags
 */
public record OtherStream(int index, String codecType, String codecName, String codecTag, TimeBase timeBase, Map<String, String> tags)
    implements MediaStream {

  public OtherStream {
    Objects.requireNonNull(codecType, "codecType");
    Objects.requireNonNull(codecName, "codecName");
    Objects.requireNonNull(codecTag, "codecTag");
    Objects.requireNonNull(timeBase, "timeBase");
    tags = Map.copyOf(tags);
  }

  /** True for a QuickTime/MP4 timecode track. */
  public boolean isTimecodeTrack() {
    return codecTag.equals("tmcd");
  }
}
