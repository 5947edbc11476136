package dev.patchwork.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link ChunkJob} ran.
 *
 * @param jobId           the job
 * @param runs            one entry per task, in task order
 * @param renderElapsed   wall time from the start until every task was complete
 * @param assembleElapsed wall time of the assembly (splice, verification, sidecar)
 */
public record ChunkReport(String jobId, List<TaskRun> runs, Duration renderElapsed, Duration assembleElapsed) {

  public ChunkReport {
    Objects.requireNonNull(jobId, "jobId");
    runs = List.copyOf(runs);
    Objects.requireNonNull(renderElapsed, "renderElapsed");
    Objects.requireNonNull(assembleElapsed, "assembleElapsed");
  }

  /**
   * One task's work.
   *
   * @param index    the task's index in the job
   * @param worker   the worker that completed it (empty if it was complete before this run)
   * @param attempts attempts started in this run (0 if its output was complete already)
   * @param elapsed  wall time of the attempt that completed it (zero if none)
   * @param reused   true if its output was complete from an earlier run and was not rendered again
   */
  public record TaskRun(int index, String worker, int attempts, Duration elapsed, boolean reused) {
    public TaskRun {
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(elapsed, "elapsed");
      if (attempts < 0) throw new IllegalArgumentException("attempts < 0: " + attempts);
    }
  }

  /** Tasks rendered in this run (not reused). */
  public long renderedTasks() {
    return runs.stream().filter(r -> !r.reused()).count();
  }
}
