package dev.patchwork;

/** An external tool (ffmpeg, ffprobe, python, Resolve's scripting module) could not be found. */
public class ToolNotFoundException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  public ToolNotFoundException(String message) {
    super(message);
  }
}
