package dev.patchwork.ffmpeg;

/** Placeholder for the ffmpeg engine entry point; filled in by the ffmpeg issue. */
public final class FfmpegEngine {
  private FfmpegEngine() {}
}
