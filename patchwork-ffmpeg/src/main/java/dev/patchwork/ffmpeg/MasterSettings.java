package dev.patchwork.ffmpeg;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How {@link MasterRender} encodes a deliverable. Unset values take the codec's deliverable defaults:
 *
 * <table>
 *   <caption>Defaults per codec</caption>
 *   <tr><th>codec</th><th>encoder, profile, pixel format</th><th>rate control</th><th>container</th><th>audio</th></tr>
 *   <tr><td>h264</td><td>libx264 High, yuv420p, preset medium</td><td>CRF 18</td><td>MP4</td><td>AAC 256 kb/s</td></tr>
 *   <tr><td>hevc</td><td>libx265 Main, yuv420p, preset medium, {@code hvc1}</td><td>CRF 20</td><td>MP4</td><td>AAC 256 kb/s</td></tr>
 *   <tr><td>prores</td><td>prores_ks 422 HQ, yuv422p10le</td><td>(fixed by the profile)</td><td>MOV</td><td>PCM 24-bit</td></tr>
 *   <tr><td>dnxhr</td><td>dnxhd DNxHR HQ, yuv422p</td><td>(fixed by the profile)</td><td>MXF</td><td>PCM 24-bit</td></tr>
 *   <tr><td>mpeg2</td><td>mpeg2video 4:2:2 profile, High level, yuv422p, 2 B-frames</td><td>50 Mb/s</td><td>MXF</td><td>PCM 24-bit</td></tr>
 * </table>
 *
 * Long-GOP codecs get a fixed, closed GOP ({@code gop} frames, default about 2 s) so that every chunk starts on a GOP
 * boundary with a closed IDR (or closed MPEG-2 GOP); ProRes and DNxHR are intra-only. The container follows the output's
 * extension ({@code .mp4}, {@code .mov}, {@code .mxf}, {@code .mkv}); an output without extension gets the codec's default
 * container.
 *
 * @param codec          the video codec
 * @param gop            frames per GOP for long-GOP codecs, or 0 for about 2 s; must be 0 for intra-only codecs
 * @param crf            constant rate factor (x264/x265), or {@code null}
 * @param bitrate        video bit rate in bits per second (x264/x265: average with a 2 s buffer; MPEG-2: maximum), or 0
 * @param audio          how the audio is encoded, or {@code null} for the codec's default
 * @param chunkDuration  about how long each chunk is (rounded to whole GOPs and balanced)
 * @param encoderThreads threads each chunk's encoder uses, or 0 for the encoder's own choice
 * @param preset         x264/x265 preset, or {@code null} for {@code medium}
 * @param timeLimit      how long one chunk may take before its ffmpeg is stopped and the chunk retried, or {@code null} for
 *                       10 minutes plus 30 times the chunk duration
 */
public record MasterSettings(Codec codec, int gop, Integer crf, long bitrate, Audio audio, Duration chunkDuration, int encoderThreads,
    String preset, Duration timeLimit) {

  /** The video codecs a master render can write. */
  public enum Codec {
    H264("mp4", false), HEVC("mp4", false), PRORES("mov", true), DNXHR("mxf", true), MPEG2("mxf", false);

    private final String defaultContainer;
    private final boolean intraOnly;

    Codec(String defaultContainer, boolean intraOnly) {
      this.defaultContainer = defaultContainer;
      this.intraOnly = intraOnly;
    }

    /** The container an output without extension gets ({@code mp4}, {@code mov}, {@code mxf}). */
    public String defaultContainer() {
      return defaultContainer;
    }

    /** True if every frame is a key frame. */
    public boolean intraOnly() {
      return intraOnly;
    }

    /** {@code "h264"}, as on the command line. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the audio is written. */
  public enum Audio {
    /** AAC-LC at 256 kb/s, encoded once for the whole file. */
    AAC,
    /** 24-bit PCM, encoded once for the whole file. */
    PCM,
    /** The source's audio stream copied as it is. */
    COPY
  }

  /** The default chunk duration. */
  public static final Duration DEFAULT_CHUNK = Duration.ofSeconds(20);

  public MasterSettings {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(chunkDuration, "chunkDuration");
    if (gop < 0) throw new IllegalArgumentException("gop < 0: " + gop);
    if (bitrate < 0) throw new IllegalArgumentException("bitrate < 0: " + bitrate);
    if (encoderThreads < 0) throw new IllegalArgumentException("encoderThreads < 0: " + encoderThreads);
    if (chunkDuration.isNegative() || chunkDuration.isZero()) throw new IllegalArgumentException("chunkDuration must be positive: " + chunkDuration);
    if (timeLimit != null && (timeLimit.isNegative() || timeLimit.isZero())) {
      throw new IllegalArgumentException("timeLimit must be positive: " + timeLimit);
    }
    if (preset != null && preset.isBlank()) preset = null;
  }

  /** The codec's defaults. */
  public static MasterSettings of(Codec codec) {
    return new MasterSettings(codec, 0, null, 0, null, DEFAULT_CHUNK, 0, null, null);
  }

  public MasterSettings withGop(int frames) {
    return new MasterSettings(codec, frames, crf, bitrate, audio, chunkDuration, encoderThreads, preset, timeLimit);
  }

  public MasterSettings withCrf(Integer value) {
    return new MasterSettings(codec, gop, value, bitrate, audio, chunkDuration, encoderThreads, preset, timeLimit);
  }

  public MasterSettings withBitrate(long bitsPerSecond) {
    return new MasterSettings(codec, gop, crf, bitsPerSecond, audio, chunkDuration, encoderThreads, preset, timeLimit);
  }

  public MasterSettings withAudio(Audio mode) {
    return new MasterSettings(codec, gop, crf, bitrate, mode, chunkDuration, encoderThreads, preset, timeLimit);
  }

  public MasterSettings withChunkDuration(Duration d) {
    return new MasterSettings(codec, gop, crf, bitrate, audio, d, encoderThreads, preset, timeLimit);
  }

  public MasterSettings withEncoderThreads(int threads) {
    return new MasterSettings(codec, gop, crf, bitrate, audio, chunkDuration, threads, preset, timeLimit);
  }

  public MasterSettings withPreset(String name) {
    return new MasterSettings(codec, gop, crf, bitrate, audio, chunkDuration, encoderThreads, name, timeLimit);
  }

  public MasterSettings withTimeLimit(Duration limit) {
    return new MasterSettings(codec, gop, crf, bitrate, audio, chunkDuration, encoderThreads, preset, limit);
  }
}
