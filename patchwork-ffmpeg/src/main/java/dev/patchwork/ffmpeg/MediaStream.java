package dev.patchwork.ffmpeg;

import java.util.Map;

/**
 * One stream of a media file as ffprobe describes it. Text fields hold ffprobe's own spelling (so they can be
 * handed back to ffmpeg) and are empty when ffprobe does not know them; numbers are {@code -1} when unknown.
 */
public sealed interface MediaStream permits VideoStream, AudioStream, OtherStream {

  /** The stream's index in the file (ffmpeg's {@code 0:<index>}). */
  int index();

  /** {@code video}, {@code audio}, {@code data}, {@code subtitle}, {@code attachment}. */
  String codecType();

  /** ffmpeg's codec name ({@code h264}, {@code prores}, {@code pcm_s24le}); {@code unknown} for a timecode track. */
  String codecName();

  /** The container's codec tag ({@code avc1}, {@code apch}, {@code tmcd}), or empty. */
  String codecTag();

  /** The stream's time base. */
  TimeBase timeBase();

  /** The stream's tags (language, handler_name, timecode, …). */
  Map<String, String> tags();
}
