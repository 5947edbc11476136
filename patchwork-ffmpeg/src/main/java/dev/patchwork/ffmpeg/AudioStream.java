package dev.patchwork.ffmpeg;

import java.util.Map;
import java.util.Objects;

/**
 * An audio stream's parameters.
 *
 * @param index         stream index in the file
 * @param codecName     {@code pcm_s24le}, {@code aac}, …
 * @param profile       {@code LC}, … or empty
 * @param codecTag      {@code sowt}, {@code mp4a}, … or empty
 * @param sampleFormat  {@code s16}, {@code s32}, {@code fltp}, … or empty
 * @param sampleRate    samples per second, or -1
 * @param channels      channel count, or -1
 * @param channelLayout {@code stereo}, {@code 5.1}, … or empty
 * @param bitsPerSample bits per sample ({@code bits_per_raw_sample}, else {@code bits_per_sample}), or -1
 * @param bitRate       bits per second, or -1
 * @param timeBase      the stream's time base
 * @param tags          the stream's tags
 */
public record AudioStream(
    int index, String codecName, String profile, String codecTag, String sampleFormat, int sampleRate, int channels,
    String channelLayout, int bitsPerSample, long bitRate, TimeBase timeBase, Map<String, String> tags) implements MediaStream {

  public AudioStream {
    Objects.requireNonNull(codecName, "codecName");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(codecTag, "codecTag");
    Objects.requireNonNull(sampleFormat, "sampleFormat");
    Objects.requireNonNull(channelLayout, "channelLayout");
    Objects.requireNonNull(timeBase, "timeBase");
    tags = Map.copyOf(tags);
  }

  @Override
  public String codecType() {
    return "audio";
  }
}
