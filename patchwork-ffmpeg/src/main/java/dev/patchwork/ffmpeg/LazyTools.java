package dev.patchwork.ffmpeg;

import java.util.Objects;

/** The ffmpeg tools of an engine class: given up front, or located with {@link FfmpegTools#locate()} on first use. */
final class LazyTools {
  private final Object lock = new Object();
  private volatile FfmpegTools tools;

  /** Locates the tools when {@link #get()} is first called. */
  LazyTools() {}

  LazyTools(FfmpegTools tools) {
    this.tools = Objects.requireNonNull(tools, "tools");
  }

  FfmpegTools get() {
    FfmpegTools t = tools;
    if (t == null) {
      synchronized (lock) {
        if (tools == null) tools = FfmpegTools.locate();
        t = tools;
      }
    }
    return t;
  }
}
