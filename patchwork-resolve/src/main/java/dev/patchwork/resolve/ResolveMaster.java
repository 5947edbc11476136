package dev.patchwork.resolve;

import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A master rendered in Resolve, with its sidecar.
 *
 * @param master      the media file
 * @param sidecarPath where its sidecar was written
 * @param sidecar     the sidecar (origin: Resolve, with project, timeline, preset, format and codec)
 * @param format      the render format and codec used
 * @param renderTime  how long rendering took (all chunks together for a multi-node render: wall time)
 */
public record ResolveMaster(Path master, Path sidecarPath, Sidecar sidecar, RenderFormat format, Duration renderTime) {
  public ResolveMaster {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(sidecarPath, "sidecarPath");
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(renderTime, "renderTime");
  }
}
