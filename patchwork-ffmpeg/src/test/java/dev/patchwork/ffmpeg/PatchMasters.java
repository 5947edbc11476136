package dev.patchwork.ffmpeg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kinds of test master the engine is patched against: small (320x240 or so, 25 fps, 100 frames), generated with
 * lavfi {@code testsrc2} and a 440 Hz tone, each with the encoder arguments its test renderer repeats. The new
 * source for every master is the same picture with its hue turned and an 880 Hz tone.
 */
enum PatchMasters {
  H264_MOV_PCM_TMCD("mov", "mov", List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "25", "-keyint_min", "25",
      "-sc_threshold", "0", "-bf", "2"), List.of("-c:a", "pcm_s16le", "-timecode", "01:00:00:00")),
  H264_MOV_23976("mov", "mov", List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "24", "-keyint_min", "24",
      "-sc_threshold", "0", "-bf", "2"), List.of("-c:a", "pcm_s24le", "-timecode", "00:59:59:00")),
  H264_MP4_AAC("mp4", "mp4", List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "25", "-keyint_min", "25",
      "-sc_threshold", "0", "-bf", "2"), List.of("-c:a", "aac", "-b:a", "128k")),
  H264_MKV("mkv", "matroska", List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "25", "-keyint_min", "25",
      "-sc_threshold", "0", "-bf", "2"), List.of("-c:a", "pcm_s16le")),
  HEVC_MP4("mp4", "mp4", List.of("-c:v", "libx265", "-preset", "veryfast", "-crf", "26", "-tag:v", "hvc1",
      "-x265-params", "keyint=25:min-keyint=25:scenecut=0:log-level=error"), List.of("-c:a", "pcm_s16le")),
  HEVC_MKV("mkv", "matroska", List.of("-c:v", "libx265", "-preset", "veryfast", "-crf", "26",
      "-x265-params", "keyint=25:min-keyint=25:scenecut=0:log-level=error"), List.of("-c:a", "pcm_s16le")),
  PRORES_MOV("mov", "mov", List.of("-c:v", "prores_ks", "-profile:v", "0", "-pix_fmt", "yuv422p10le"),
      List.of("-c:a", "pcm_s24le", "-timecode", "10:00:00:00")),
  DNXHR_MOV("mov", "mov", List.of("-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"),
      List.of("-c:a", "pcm_s16le", "-timecode", "01:00:00:00")),
  DNXHR_MXF("mxf", "mxf", List.of("-c:v", "dnxhd", "-profile:v", "dnxhr_lb", "-pix_fmt", "yuv422p"),
      List.of("-c:a", "pcm_s24le", "-timecode", "09:59:59:00")),
  MPEG2_MXF("mxf", "mxf", List.of("-c:v", "mpeg2video", "-b:v", "4M", "-g", "12", "-bf", "2", "-sc_threshold", "1000000000"),
      List.of("-c:a", "pcm_s16le", "-timecode", "00:59:58:00")),
  H264_OPEN_GOP_MKV("mkv", "matroska", List.of("-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-g", "25", "-keyint_min", "25",
      "-sc_threshold", "0", "-bf", "2", "-x264-params", "open-gop=1"), List.of("-an")),
  H264_OPEN_GOP_MP4("mp4", "mp4", List.of("-c:v", "libx264", "-preset", "medium", "-crf", "22", "-g", "24", "-keyint_min", "24",
      "-sc_threshold", "0", "-x264-params", "open-gop=1"), List.of("-c:a", "pcm_s16le")),
  H264_OPEN_GOP_MOV("mov", "mov", List.of("-c:v", "libx264", "-preset", "fast", "-crf", "22", "-g", "20", "-keyint_min", "20",
      "-sc_threshold", "0", "-bf", "3", "-coder", "0", "-x264-params", "open-gop=1:b-pyramid=strict"),
      List.of("-c:a", "pcm_s24le", "-timecode", "10:00:00:00"));

  static final int FRAMES = 100;

  final String extension;
  final String container;
  final List<String> videoArgs;
  final List<String> masterOnlyArgs;

  PatchMasters(String extension, String container, List<String> videoArgs, List<String> masterOnlyArgs) {
    this.extension = extension;
    this.container = container;
    this.videoArgs = videoArgs;
    this.masterOnlyArgs = masterOnlyArgs;
  }

  /** The frame rate as lavfi takes it. */
  String rate() {
    return this == H264_MOV_23976 ? "24000/1001" : "25";
  }

  dev.patchwork.time.FrameRate frameRate() {
    return dev.patchwork.time.FrameRate.parse(rate());
  }

  String size() {
    return this == DNXHR_MXF || this == DNXHR_MOV || this == MPEG2_MXF ? "640x360" : "320x240";
  }

  /** Makes the master in {@code dir} (once; reused if present). */
  Path master(Path dir) {
    Path out = dir.resolve("Mäster " + name().toLowerCase(java.util.Locale.ROOT) + "." + extension);
    if (Files.exists(out)) return out;
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=" + size() + ":rate=" + rate()));
    if (hasAudio()) args.addAll(List.of("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"));
    args.addAll(List.of("-frames:v", Integer.toString(FRAMES)));
    if (hasAudio()) args.add("-shortest");
    args.addAll(videoArgs);
    args.addAll(masterOnlyArgs);
    return RealFfmpeg.ffmpeg(out, args.toArray(String[]::new));
  }

  boolean hasAudio() {
    return !masterOnlyArgs.contains("-an");
  }

  /** The new source: the same frame count and rate, another picture and tone (lossless, so the renders are exact). */
  Path source(Path dir) {
    Path out = dir.resolve("new source " + size() + " " + rate().replace('/', '-') + ".mkv");
    if (Files.exists(out)) return out;
    // lengths set in the sources, not with -frames:v, which would also cut the audio where the video ends
    return RealFfmpeg.ffmpeg(out, "-f", "lavfi", "-i", "testsrc2=size=" + size() + ":rate=" + rate() + ",trim=end_frame=" + FRAMES
        + ",hue=h=120", "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=48000:duration=6", "-c:v", "ffv1", "-c:a", "pcm_s16le");
  }
}
