package dev.patchwork.ffmpeg;

import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A finished first render.
 *
 * @param output  the deliverable
 * @param sidecar its sidecar
 * @param job     the job that rendered it
 * @param report  how the chunks ran
 * @param elapsed wall time of the whole render
 */
public record MasterResult(Path output, Path sidecar, ChunkJob job, ChunkReport report, Duration elapsed) {

  public MasterResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(report, "report");
    Objects.requireNonNull(elapsed, "elapsed");
  }
}
