package dev.patchwork.spi;

import dev.patchwork.PatchListener;
import java.time.Duration;

/**
 * Does the work of a chunked first render for a {@link ChunkExecutor}: renders one {@link ChunkTask}, tells whether a
 * task's output is already complete, and assembles the finished tasks into the deliverable. Implemented by the ffmpeg
 * module. Implementations are thread-safe: an executor runs several tasks at once.
 */
public interface ChunkRenderer {

  /** A short name for messages ({@code "ffmpeg"}). */
  String name();

  /**
   * True if {@code task}'s output exists and is complete: found by examining the file itself (for video: its frame count
   * and that it belongs to this job), never by trusting a record of an earlier run. Resuming a job renders only the tasks
   * for which this is false.
   */
  boolean isComplete(ChunkJob job, ChunkTask task);

  /**
   * Renders {@code task} into {@code task.output()}: written under a temporary name beside it, checked, and renamed into
   * place atomically, so that a reader sees no file or a complete one and a late duplicate run is harmless.
   *
   * @param timeLimit how long the task may take; a tool still running then is stopped and the task fails
   * @throws dev.patchwork.ToolFailedException if the tool failed or ran past {@code timeLimit}
   * @throws dev.patchwork.CancelledException  if the calling thread was interrupted; the tool is stopped, nothing remains
   * @throws dev.patchwork.PatchworkException  if the result is not what the task asked for
   */
  void render(ChunkJob job, ChunkTask task, Duration timeLimit, PatchListener listener);

  /**
   * Splices the outputs of every task into {@code job.output()}, verifies the result, writes its sidecar and removes the
   * job's work directory. Idempotent: if the job is already assembled it returns at once.
   *
   * @throws dev.patchwork.VerificationException if the spliced output failed verification (nothing is published)
   * @throws dev.patchwork.ToolFailedException   if the tool failed
   * @throws dev.patchwork.CancelledException    if the calling thread was interrupted
   */
  void assemble(ChunkJob job, PatchListener listener);

  /** True if {@code job.output()} and its sidecar exist: {@link #assemble} has finished. */
  boolean isAssembled(ChunkJob job);
}
