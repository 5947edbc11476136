package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.blankToNull;
import static dev.patchwork.internal.sidecar.FieldChecks.requireText;

/**
 * One audio stream of the master, in file order: one {@code [[audio]]} table of the sidecar.
 *
 * @param codec      codec name as ffmpeg names it: {@code pcm_s24le}, {@code aac}, … (required)
 * @param sampleRate samples per second ({@code sample_rate}; required, positive)
 * @param channels   channel count (required, positive)
 * @param layout     channel layout as ffmpeg names it: {@code stereo}, {@code 5.1(side)}, … (optional)
 * @param bitDepth   bits per sample for PCM and other fixed-depth codecs ({@code bit_depth}; optional, positive)
 * @param bitRate    bits per second for compressed codecs ({@code bit_rate}; optional, positive)
 */
public record AudioStream(String codec, int sampleRate, int channels, String layout, Integer bitDepth, Long bitRate) {

  public AudioStream {
    requireText("codec", codec);
    layout = blankToNull(layout);
    if (sampleRate <= 0) throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    if (channels <= 0) throw new IllegalArgumentException("channels must be positive: " + channels);
    if (bitDepth != null && bitDepth <= 0) throw new IllegalArgumentException("bitDepth must be positive: " + bitDepth);
    if (bitRate != null && bitRate <= 0) throw new IllegalArgumentException("bitRate must be positive: " + bitRate);
  }
}
