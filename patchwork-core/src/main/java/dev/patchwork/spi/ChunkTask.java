package dev.patchwork.spi;

import dev.patchwork.plan.Segment;
import dev.patchwork.time.FrameRange;
import java.util.List;
import java.util.Objects;

/**
 * One independently renderable part of a {@link ChunkJob}: a GOP-aligned range of video frames, or the whole render's
 * audio. Plain data (JSON through {@link ChunkJob#toJson()}): a worker on another machine needs nothing else to render it.
 *
 * @param index      its position in {@link ChunkJob#tasks()}: video chunks {@code 0..n-1} in frame order, then the audio
 * @param kind       video frames or the whole file's audio
 * @param firstFrame the first source frame it renders (0 for audio)
 * @param frameCount how many frames it renders (for audio: the whole render's frames, which fix its length)
 * @param output     where its result goes (on storage every worker sees at the same path)
 * @param arguments  the renderer's arguments for it, between the tool and its output file: for ffmpeg the input with its
 *                   seek and cut, and the encoder settings; the renderer adds progress, metadata and the output
 * @param format     the container of its result as the renderer names it ({@code mov})
 */
public record ChunkTask(int index, Kind kind, long firstFrame, long frameCount, String output, List<String> arguments, String format) {

  /** What a task renders. */
  public enum Kind {
    /** A range of video frames starting with a closed random-access point. */
    VIDEO,
    /** The whole render's audio, encoded once. */
    AUDIO
  }

  public ChunkTask {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(arguments, "arguments");
    Objects.requireNonNull(format, "format");
    arguments = List.copyOf(arguments);
    if (index < 0) throw new IllegalArgumentException("index < 0: " + index);
    if (firstFrame < 0) throw new IllegalArgumentException("firstFrame < 0: " + firstFrame);
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (kind == Kind.AUDIO && firstFrame != 0) throw new IllegalArgumentException("an audio task covers the whole render from frame 0");
    if (output.isBlank()) throw new IllegalArgumentException("output is blank");
    if (format.isBlank()) throw new IllegalArgumentException("format is blank");
  }

  /** A video chunk. */
  public static ChunkTask video(int index, FrameRange frames, String output, List<String> arguments, String format) {
    Objects.requireNonNull(frames, "frames");
    return new ChunkTask(index, Kind.VIDEO, frames.start(), frames.frames(), output, arguments, format);
  }

  /** The audio of a render of {@code frameCount} frames. */
  public static ChunkTask audio(int index, long frameCount, String output, List<String> arguments, String format) {
    return new ChunkTask(index, Kind.AUDIO, 0, frameCount, output, arguments, format);
  }

  /** The frames it renders, {@code [firstFrame, firstFrame + frameCount)}. */
  public FrameRange range() {
    return FrameRange.ofLength(firstFrame, frameCount);
  }

  /** Its frames as a render segment, for {@link dev.patchwork.PatchListener} progress. */
  public Segment segment() {
    return Segment.render(firstFrame, frameCount);
  }

  /** {@code "chunk 3 (frames 300-399)"} or {@code "audio"}, for messages. */
  public String describe() {
    return kind == Kind.AUDIO ? "audio" : "chunk " + index + " (frames " + firstFrame + "-" + (firstFrame + frameCount - 1) + ")";
  }
}
