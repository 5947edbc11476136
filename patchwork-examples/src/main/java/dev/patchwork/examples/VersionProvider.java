package dev.patchwork.examples;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.FfmpegTools;
import picocli.CommandLine;

/** {@code patchwork --version}: Patchwork's version and the ffmpeg in use (or why none is usable). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    String ffmpeg;
    try {
      FfmpegTools tools = FfmpegTools.locate();
      ffmpeg = "ffmpeg: " + tools.versionLine() + "\n        " + tools.description();
    } catch (PatchworkException e) {
      ffmpeg = "ffmpeg: none usable — " + e.getMessage();
    }
    return new String[] {"patchwork " + (v == null ? "(development build)" : v), ffmpeg};
  }
}
