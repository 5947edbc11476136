package dev.patchwork.resolve.internal;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/** The ffmpeg/ffprobe runs of the Resolve module. Every process gets {@link FfmpegTools#environment()}. */
public final class FfmpegSteps {

  private FfmpegSteps() {}

  /** Video frames (packets) in the first video stream, counted by ffprobe. */
  public static long videoFrames(FfmpegTools tools, Path file) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "v:0", "-count_packets",
        "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", file.toString());
    String out = ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    String first = out.strip().lines().findFirst().orElse("").split(",")[0].strip();
    try {
      return Long.parseLong(first);
    } catch (NumberFormatException e) {
      throw new PatchworkException("ffprobe could not count the video frames of " + file + " (it printed '" + out.strip() + "')");
    }
  }

  /** The number of audio streams in {@code file}. */
  public static int audioStreams(FfmpegTools tools, Path file) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "a", "-show_entries",
        "stream=index", "-of", "csv=p=0", file.toString());
    String out = ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  /**
   * Copies the video of {@code input} unchanged into Matroska at {@code output}, with, when {@code audioSamples > 0},
   * its first audio stream as {@code pcmCodec} at {@code sampleRate} padded or cut to exactly {@code audioSamples}.
   */
  public static void remuxSegment(FfmpegTools tools, Path input, Path output, long audioSamples, String pcmCodec, int sampleRate,
      String layout) {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-nostats", "-v", "error",
        "-y", "-i", input.toString(), "-map", "0:v:0", "-c:v", "copy"));
    if (audioSamples > 0) {
      argv.addAll(List.of("-map", "0:a:0", "-af", "aresample=" + sampleRate + ",aformat=channel_layouts=" + layout
          + ",apad=whole_len=" + audioSamples + ",atrim=end_sample=" + audioSamples, "-c:a", pcmCodec));
    }
    argv.addAll(List.of("-map_metadata", "-1", "-map_chapters", "-1", "-f", "matroska", output.toString()));
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).run();
  }

  /**
   * Joins {@code parts} by stream copy (ffmpeg's concat demuxer) into {@code output} in {@code format}: their video and
   * audio streams, with {@code timecode} written where the container keeps one. {@code progress} receives frames done.
   */
  public static void concat(FfmpegTools tools, List<Path> parts, Path list, Path output, String format, String timecode,
      boolean audio, LongConsumer progress) {
    StringBuilder sb = new StringBuilder("ffconcat version 1.0\n");
    for (Path p : parts) sb.append("file '").append(p.toAbsolutePath().toString().replace("'", "'\\''")).append("'\n");
    try {
      Files.writeString(list, sb.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + list, e);
    }
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-nostats", "-v", "error",
        "-progress", "pipe:1", "-y", "-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", list.toString(), "-map", "0:v:0"));
    if (audio) argv.addAll(List.of("-map", "0:a?"));
    argv.addAll(List.of("-c", "copy"));
    if (timecode != null) argv.addAll(List.of("-timecode", timecode));
    argv.addAll(List.of("-f", format, output.toString()));
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false)
        .onProgress(p -> {
          if (p.frame() >= 0) progress.accept(p.frame());
        }).run();
  }

  /** The first video stream's codec extradata (parameter sets) as hex, or empty text. */
  public static String extradata(FfmpegTools tools, Path file) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "v:0", "-show_entries",
        "stream=extradata", "-show_data", "-of", "default=nw=1", file.toString());
    return ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout().strip();
  }

  /** ffmpeg's muxer name for a file extension: {@code mov}, {@code mp4}, {@code mxf}, {@code matroska}. */
  public static String muxerFor(String extension) {
    return switch (extension.toLowerCase(java.util.Locale.ROOT)) {
      case "mkv" -> "matroska";
      case "m4v" -> "mp4";
      case "ts", "m2ts" -> "mpegts";
      default -> extension.toLowerCase(java.util.Locale.ROOT);
    };
  }
}
