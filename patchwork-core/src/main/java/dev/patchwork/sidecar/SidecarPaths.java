package dev.patchwork.sidecar;

import java.nio.file.Path;
import java.util.Objects;

/** Where a master's sidecar lives by default. */
public final class SidecarPaths {

  /** The suffix appended to the media file's full name: {@code master.mov} → {@code master.mov.patchwork.toml}. */
  public static final String SUFFIX = ".patchwork.toml";

  private SidecarPaths() {}

  /** {@code <media file name>.patchwork.toml} beside the media. */
  public static Path defaultFor(Path media) {
    Objects.requireNonNull(media, "media");
    Path name = media.getFileName();
    if (name == null) throw new IllegalArgumentException("not a file path: " + media);
    return media.resolveSibling(name + SUFFIX);
  }
}
