package dev.patchwork.ffmpeg;

import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A master described by {@link FfmpegAdopter}.
 *
 * @param sidecar the sidecar it earned: stream facts, encoder settings, content hashes, no history
 * @param written where the sidecar was written, or empty if it was only built
 * @param hashing the one read of the master that hashed it
 */
public record AdoptResult(Sidecar sidecar, Optional<Path> written, HashStats hashing) {

  public AdoptResult {
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(written, "written");
    Objects.requireNonNull(hashing, "hashing");
  }
}
