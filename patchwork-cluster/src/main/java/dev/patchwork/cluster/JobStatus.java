package dev.patchwork.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A distributed job as the database records it.
 *
 * @param id           the job (its output's identity)
 * @param output       the deliverable it writes
 * @param fingerprint  what it renders ({@link dev.patchwork.spi.ChunkJob#fingerprint()})
 * @param state        where it is
 * @param message      why it failed or was cancelled, or empty
 * @param created      when it was first submitted
 * @param updated      when its row last changed
 * @param spliceRuns   splice executions started (1 for a job that spliced once)
 * @param splicesDone  splices that completed (never more than 1)
 * @param spliceWorker the worker that ran the last splice, or empty
 * @param tasks        its tasks, in index order
 */
public record JobStatus(String id, String output, String fingerprint, JobState state, String message, Instant created, Instant updated, int spliceRuns,
    int splicesDone, String spliceWorker, List<TaskStatus> tasks) {

  public JobStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(spliceWorker, "spliceWorker");
    tasks = List.copyOf(tasks);
  }

  /** Tasks in {@code state}. */
  public long count(TaskState state) {
    return tasks.stream().filter(t -> t.state() == state).count();
  }

  /** Tasks a worker holds right now. */
  public long running() {
    return tasks.stream().filter(t -> !t.heldBy().isEmpty()).count();
  }

  /** Per worker: tasks it completed, holds now, and failed for good. */
  public Map<String, WorkerCounts> perWorker() {
    Map<String, int[]> counts = new TreeMap<>();
    for (TaskStatus t : tasks) {
      if (t.state() == TaskState.DONE && !t.worker().isEmpty()) counts.computeIfAbsent(t.worker(), w -> new int[3])[0]++;
      if (!t.heldBy().isEmpty()) counts.computeIfAbsent(t.heldBy(), w -> new int[3])[1]++;
      if (t.state() == TaskState.FAILED && !t.worker().isEmpty()) counts.computeIfAbsent(t.worker(), w -> new int[3])[2]++;
    }
    Map<String, WorkerCounts> out = new TreeMap<>();
    counts.forEach((w, c) -> out.put(w, new WorkerCounts(c[0], c[1], c[2])));
    return out;
  }

  /** The task at {@code index}, if any. */
  public Optional<TaskStatus> task(int index) {
    return tasks.stream().filter(t -> t.index() == index).findFirst();
  }

  /**
   * One worker's share of a job.
   *
   * @param done    tasks it completed
   * @param running tasks it holds now
   * @param failed  tasks that failed for good on it
   */
  public record WorkerCounts(int done, int running, int failed) {}
}
