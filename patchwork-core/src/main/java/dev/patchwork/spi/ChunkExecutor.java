package dev.patchwork.spi;

import dev.patchwork.PatchListener;

/**
 * Runs a {@link ChunkJob}: renders every task whose output is not already complete, with retries and a time limit per
 * task, and then has the job assembled exactly once. The default is a pool of local workers (ffmpeg module); the
 * {@code patchwork-cluster} module distributes the tasks over machines that share a database and storage.
 */
public interface ChunkExecutor {

  /** A short name for messages ({@code "local"}, {@code "cluster"}). */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Runs {@code job} to its end and returns when {@code job.output()} is assembled. Running a job again after a failure
   * or interruption resumes it: tasks whose outputs are complete ({@link ChunkRenderer#isComplete}) are not rendered
   * again.
   *
   * @param renderer renders tasks and assembles the job (a distributed executor's workers use their own instance)
   * @param listener progress; called one at a time, never concurrently
   * @throws dev.patchwork.ToolFailedException   if a task still failed after its retries
   * @throws dev.patchwork.CancelledException    if the calling thread was interrupted or the job was cancelled
   * @throws dev.patchwork.VerificationException if the assembled output failed verification
   */
  ChunkReport execute(ChunkJob job, ChunkRenderer renderer, PatchListener listener);
}
