package dev.patchwork.spi;

import dev.patchwork.PatchListener;
import dev.patchwork.change.Change;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link PatchEngine} needs for one patch.
 *
 * @param master        the master (read only)
 * @param sidecar       the master's sidecar
 * @param plan          what to keep and what to render
 * @param changes       the changes the plan came from, for the history entry
 * @param renderer      renders the RENDER segments
 * @param output        the new master to write; must not exist
 * @param outputSidecar where the output's sidecar goes; must not exist
 * @param force         patch even if the master does not match its sidecar
 * @param listener      progress and events
 * @param clock         the time for the history entry
 */
public record PatchJob(
    Path master, Sidecar sidecar, PatchPlan plan, List<Change> changes, Renderer renderer, Path output, Path outputSidecar,
    boolean force, PatchListener listener, Clock clock) {

  public PatchJob {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(plan, "plan");
    changes = List.copyOf(changes);
    Objects.requireNonNull(renderer, "renderer");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(outputSidecar, "outputSidecar");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(clock, "clock");
  }
}
