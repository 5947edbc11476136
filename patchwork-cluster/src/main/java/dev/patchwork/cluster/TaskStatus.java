package dev.patchwork.cluster;

import dev.patchwork.spi.ChunkTask;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a distributed job, as the database records it.
 *
 * @param index    the task's index in its job
 * @param kind     video chunk or audio
 * @param state    where it is
 * @param worker   the worker that last started it (empty if none yet)
 * @param heldBy   the worker whose execution holds it right now (empty if none)
 * @param attempts attempts started
 * @param elapsed  wall time of the attempt that completed it, if it is done
 * @param message  why its last attempt failed or was released, or empty
 */
public record TaskStatus(int index, ChunkTask.Kind kind, TaskState state, String worker, String heldBy, int attempts,
    Optional<Duration> elapsed, String message) {

  public TaskStatus {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(worker, "worker");
    Objects.requireNonNull(heldBy, "heldBy");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(message, "message");
  }
}
