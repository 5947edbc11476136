package dev.patchwork.cluster;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.cluster.internal.Store;
import dev.patchwork.plan.Segment;
import dev.patchwork.spi.ChunkExecutor;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkReport;
import dev.patchwork.spi.ChunkTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits a {@link ChunkJob} to the cluster and follows it until it is done: the coordinator's side.
 *
 * <p>Before submitting, every task's output is examined ({@link ChunkRenderer#isComplete}); complete ones count as done
 * whatever the database says, and every other task gets an execution unless one exists. Then the job's row is polled:
 * progress goes to the listener, and the call returns when a worker has spliced the output, or throws when the job
 * failed ({@link ClusterJobFailedException}) or was cancelled ({@link CancelledException}). Interrupting the caller stops
 * only the following: the job goes on on the workers, and submitting it again follows it again.
 */
public final class ClusterExecutor implements ChunkExecutor {

  private static final Logger log = LoggerFactory.getLogger(ClusterExecutor.class);

  /** How long a job may wait for its first worker before the coordinator says so. */
  private static final Duration NO_WORKER_HINT = Duration.ofSeconds(15);

  private final Store store;
  private final ClusterConfig config;

  ClusterExecutor(Store store, ClusterConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public ChunkReport execute(ChunkJob job, ChunkRenderer renderer, PatchListener listener) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(renderer, "renderer");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    long start = System.nanoTime();
    boolean[] complete = new boolean[job.tasks().size()];
    int done = 0;
    for (ChunkTask t : job.tasks()) {
      complete[t.index()] = renderer.isComplete(job, t);
      if (complete[t.index()]) done++;
    }
    Store.Submitted submitted = store.submit(job, complete, renderer.isAssembled(job));
    switch (submitted) {
      case ALREADY_DONE -> {
        l.message("job " + job.id() + " is done: " + job.output());
        return report(job, Duration.ZERO, Duration.ZERO);
      }
      case NEW -> l.message("submitted job " + job.id() + " to the cluster: " + job.tasks().size() + " tasks"
          + (done > 0 ? ", " + done + " complete from an earlier run" : ""));
      case RESUMED -> l.message("resumed job " + job.id() + ": " + done + " of " + job.tasks().size() + " tasks complete");
    }
    Segment all = Segment.render(0, job.frameCount());
    l.segmentStarted(all);
    long spliceSeen = -1;
    long lastFrames = -1;
    boolean hinted = false;
    try {
      while (true) {
        JobStatus s = store.status(job.id()).orElseThrow(() -> new ClusterJobFailedException(job.id(), "job " + job.id() + " vanished from the cluster"));
        long frames = 0;
        for (TaskStatus t : s.tasks()) {
          if (t.kind() == ChunkTask.Kind.VIDEO && t.state() == TaskState.DONE) frames += job.task(t.index()).frameCount();
        }
        if (frames != lastFrames) {
          l.progress(all, frames, job.frameCount());
          lastFrames = frames;
        }
        switch (s.state()) {
          case DONE -> {
            long now = System.nanoTime();
            if (spliceSeen < 0) spliceSeen = now;
            l.segmentFinished(null);
            return report(job, Duration.ofNanos(spliceSeen - start), Duration.ofNanos(now - spliceSeen));
          }
          case FAILED -> throw new ClusterJobFailedException(job.id(), "job " + job.id() + " failed on the cluster: " + s.message());
          case CANCELLED -> throw new CancelledException("job " + job.id() + " was cancelled");
          case SPLICING -> {
            if (spliceSeen < 0) {
              spliceSeen = System.nanoTime();
              l.segmentFinished(all);
              l.segmentStarted(null);
              l.message("every chunk is done; a worker splices " + job.output());
            }
          }
          case RUNNING -> {
            boolean idle = s.running() == 0 && s.tasks().stream().allMatch(t -> t.attempts() == 0);
            if (idle && !hinted && System.nanoTime() - start > NO_WORKER_HINT.toNanos()) {
              hinted = true;
              l.message("no worker has taken a task of job " + job.id() + " yet; start workers with 'patchwork worker --cluster "
                  + config.url() + "' on machines that see " + job.source());
            }
          }
        }
        Thread.sleep(config.pollInterval().toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("stopped following job " + job.id() + "; it goes on on the workers. Run the same command again to "
          + "follow it, or 'patchwork jobs cancel " + job.id() + "' to stop it");
    }
  }

  private ChunkReport report(ChunkJob job, Duration render, Duration assemble) {
    JobStatus s = store.status(job.id()).orElseThrow();
    List<ChunkReport.TaskRun> runs = new ArrayList<>();
    for (TaskStatus t : s.tasks()) {
      runs.add(new ChunkReport.TaskRun(t.index(), t.worker(), t.attempts(), t.elapsed().orElse(Duration.ZERO), t.attempts() == 0));
    }
    log.debug("job {}: {} tasks, splice runs {}", job.id(), runs.size(), s.spliceRuns());
    return new ChunkReport(job.id(), runs, render, assemble);
  }
}
