package dev.patchwork.ffmpeg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.time.FrameRate;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the renderer needs to know about a file it reads frames or audio from (a new source, an insert clip, or the
 * master): from one small ffprobe call on the header, plus, where the container does not state it, a count of the
 * video packets.
 *
 * @param path        the file
 * @param formatName  ffprobe's {@code format_name} ({@code mov,mp4,m4a,3gp,3g2,mj2}, {@code matroska,webm}, {@code mpegts})
 * @param formatStart the container's start time in seconds (ffmpeg's {@code -ss} counts from it); 0 if not stated
 * @param video       its first video stream
 * @param audio       its first audio stream, if any
 */
record InputInfo(Path path, String formatName, BigDecimal formatStart, Video video, Optional<Audio> audio) {

  private static final ObjectMapper JSON = new ObjectMapper();

  InputInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(formatName, "formatName");
    Objects.requireNonNull(formatStart, "formatStart");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(audio, "audio");
  }

  /**
   * A video stream.
   *
   * @param index      stream index
   * @param start      the first frame's presentation time in seconds (0 if not stated)
   * @param frameCount frames, or -1 if not counted
   * @param rate       the frame rate ({@code r_frame_rate}), or {@code null} if unknown
   * @param json       ffprobe's description, for the fields the renderer compares
   */
  record Video(int index, String codec, int width, int height, String pixFmt, FrameRate rate, BigDecimal start,
      long frameCount, JsonNode json) {

    /** A field of ffprobe's description as text; empty if absent, {@code N/A} or {@code unknown}. */
    String field(String name) {
      return InputInfo.text(json, name);
    }

    /** The codec extradata ({@code avcC}, {@code hvcC}, …); empty if the stream has none. */
    byte[] extradata() {
      return FfprobeProber.hexDump(json.path("extradata").asText(""));
    }
  }

  /**
   * An audio stream.
   *
   * @param index         stream index
   * @param codec         ffmpeg's codec name
   * @param sampleRate    samples per second
   * @param channels      channel count
   * @param layout        channel layout name, or empty
   * @param timeBase      the stream's time base
   * @param start         the first sample's time in seconds (0 if not stated)
   */
  record Audio(int index, String codec, int sampleRate, int channels, String layout, TimeBase timeBase, BigDecimal start) {

    /**
     * True if the container's timestamps can name every sample (a time base of {@code 1/sampleRate} or finer that
     * divides it): then a seek plus a trim by timestamp is sample-exact. Matroska's milliseconds are not.
     */
    boolean sampleExactTimestamps() {
      // tb = n/d seconds; a sample lasts 1/sr; exact if 1/sr is a whole number of ticks: d / (n·sr) integral
      long ticksPerSampleTimesN = timeBase.denominator();
      long perSample = Math.multiplyExact(timeBase.numerator(), (long) sampleRate);
      return ticksPerSampleTimesN % perSample == 0;
    }
  }

  /**
   * Probes {@code media}; with {@code countFrames} also its video frame count (the container's when it states one,
   * else by counting the packets, which reads the file once).
   *
   * @param where names the input in messages ({@code --source}, {@code --insert 480=clip.mov})
   * @throws ValidationException if the file is missing, not media, or has no video stream
   */
  static InputInfo probe(FfmpegTools tools, Path media, boolean countFrames, String where) {
    Objects.requireNonNull(tools, "tools");
    Objects.requireNonNull(media, "media");
    if (!Files.exists(media)) throw new ValidationException(where, "the file " + media + " does not exist");
    if (!Files.isRegularFile(media)) throw new ValidationException(where, media + " is not a regular file");
    if (!Files.isReadable(media)) throw new ValidationException(where, media + " cannot be read (permissions)");
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-hide_banner", "-show_format", "-show_streams", "-show_data",
        "-of", "json", media.toString());
    JsonNode root;
    try {
      String out = ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
      root = JSON.readTree(out);
    } catch (ToolFailedException e) {
      String why = e.stderrTail().lines().reduce((a, b) -> b).orElse("ffprobe exit code " + e.exitCode());
      throw new ValidationException(where, media + " is not a media file ffprobe can read: " + why, e);
    } catch (JsonProcessingException e) {
      throw new PatchworkException("ffprobe wrote JSON that cannot be parsed for " + media + ": " + e.getOriginalMessage(), e);
    }
    return of(tools, media, root, countFrames, where);
  }

  /**
   * The same from a description ffprobe already wrote ({@code -show_format -show_streams -show_data -of json}), as
   * {@link FfprobeProber.Probed#description()} holds it.
   */
  static InputInfo of(FfmpegTools tools, Path media, JsonNode root, boolean countFrames, String where) {
    JsonNode v = null;
    JsonNode a = null;
    for (JsonNode s : root.path("streams")) {
      String type = text(s, "codec_type");
      boolean cover = s.path("disposition").path("attached_pic").asInt(0) == 1;
      if (v == null && type.equals("video") && !cover) v = s;
      if (a == null && type.equals("audio")) a = s;
    }
    if (v == null) throw new ValidationException(where, media + " has no video stream");
    FrameRate rate = rate(text(v, "r_frame_rate"));
    if (rate == null) rate = rate(text(v, "avg_frame_rate"));
    long frames = -1;
    if (countFrames) {
      frames = FfprobeProber.number(v, "nb_frames");
      if (frames <= 0) frames = countPackets(tools, media, v.path("index").asInt(), where);
    }
    Video video = new Video(v.path("index").asInt(), text(v, "codec_name"), v.path("width").asInt(0), v.path("height").asInt(0),
        text(v, "pix_fmt"), rate, seconds(text(v, "start_time")), frames, v);
    Optional<Audio> audio = Optional.empty();
    if (a != null && a.path("sample_rate").asInt(0) > 0 && a.path("channels").asInt(0) > 0) {
      TimeBase tb;
      try {
        tb = TimeBase.parse(text(a, "time_base"));
      } catch (IllegalArgumentException e) {
        tb = new TimeBase(1, a.path("sample_rate").asInt());
      }
      audio = Optional.of(new Audio(a.path("index").asInt(), text(a, "codec_name"), a.path("sample_rate").asInt(),
          a.path("channels").asInt(), text(a, "channel_layout"), tb, seconds(text(a, "start_time"))));
    }
    return new InputInfo(media, text(root.path("format"), "format_name"), seconds(text(root.path("format"), "start_time")), video, audio);
  }

  /**
   * True if seeking this container lands on a key frame at or before the time asked for (it keeps an index: MOV/MP4
   * sample tables, Matroska cues, MXF index tables). MPEG-TS/PS and raw streams seek by estimate and may land after it.
   */
  boolean seeksByIndex() {
    return formatName.startsWith("mov,") || formatName.startsWith("matroska") || formatName.equals("mxf");
  }

  private static long countPackets(FfmpegTools tools, Path media, int index, String where) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-hide_banner", "-select_streams", Integer.toString(index),
        "-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", media.toString());
    try {
      String out = ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
      return Long.parseLong(out.strip().lines().findFirst().orElse("-1").split(",")[0].strip());
    } catch (ToolFailedException e) {
      throw new ValidationException(where, "ffprobe cannot read the video packets of " + media + ": "
          + e.stderrTail().lines().reduce((x, y) -> y).orElse("exit code " + e.exitCode()), e);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static FrameRate rate(String text) {
    if (text.isEmpty() || text.startsWith("0/") || text.endsWith("/0")) return null;
    try {
      return FrameRate.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static BigDecimal seconds(String text) {
    if (text.isEmpty()) return BigDecimal.ZERO;
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      return BigDecimal.ZERO;
    }
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) return "";
    String s = v.asText("");
    return s.equals("N/A") || s.equals("unknown") ? "" : s;
  }
}
