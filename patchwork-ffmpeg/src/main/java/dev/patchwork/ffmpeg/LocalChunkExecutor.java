package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.spi.ChunkExecutor;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkReport;
import dev.patchwork.spi.ChunkReport.TaskRun;
import dev.patchwork.spi.ChunkTask;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ChunkExecutor}: a pool of local workers, one task each at a time.
 *
 * <ul>
 *   <li>Tasks whose outputs are complete from an earlier run are not rendered again.
 *   <li>Each attempt has the job's time limit ({@link ChunkJob#timeLimit()}); the renderer stops a tool that runs past it.
 *   <li>A failed attempt is retried after a back-off that doubles each time, up to {@code maxAttempts} attempts. Failures
 *       that would only repeat (invalid input, an unsupported or unverifiable result) are not retried.
 *   <li>When a task fails for good, or the calling thread is interrupted, every running task is stopped (its tool
 *       killed) before the exception is thrown; finished chunk files stay for the next run.
 *   <li>Progress: {@code segmentStarted} once for all frames, then {@code progress} with the frames done across all
 *       running chunks; retries as {@code message}s. The listener is called by one thread at a time.
 * </ul>
 *
 * Immutable and thread-safe; each {@link #execute} has its own pool.
 */
public final class LocalChunkExecutor implements ChunkExecutor {

  private static final Logger log = LoggerFactory.getLogger(LocalChunkExecutor.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int workers;
  private final int maxAttempts;
  private final Duration backoff;

  /**
   * @param workers     tasks rendered at once
   * @param maxAttempts attempts per task before the job fails
   * @param backoff     the wait before the first retry; it doubles for each further one
   */
  public LocalChunkExecutor(int workers, int maxAttempts, Duration backoff) {
    if (workers < 1) throw new IllegalArgumentException("workers < 1: " + workers);
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts < 1: " + maxAttempts);
    Objects.requireNonNull(backoff, "backoff");
    if (backoff.isNegative()) throw new IllegalArgumentException("backoff < 0: " + backoff);
    this.workers = workers;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
  }

  /** {@code workers} workers, 3 attempts per task, 2 s before the first retry. */
  public static LocalChunkExecutor withWorkers(int workers) {
    return new LocalChunkExecutor(workers, 3, Duration.ofSeconds(2));
  }

  /** One worker per processor. */
  public static LocalChunkExecutor ofProcessors() {
    return withWorkers(Runtime.getRuntime().availableProcessors());
  }

  @Override
  public String name() {
    return "local";
  }

  public int workers() {
    return workers;
  }

  /** One task's attempt, as the worker reports it. */
  private record Outcome(int index, String worker, long nanos, Throwable error) {}

  @Override
  public ChunkReport execute(ChunkJob job, ChunkRenderer renderer, PatchListener listener) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(renderer, "renderer");
    PatchListener l = new SerialListener(PatchListener.safe(Objects.requireNonNull(listener, "listener")));
    long start = System.nanoTime();
    int n = job.tasks().size();
    TaskRun[] runs = new TaskRun[n];
    List<ChunkTask> todo = new ArrayList<>();
    long doneFrames = 0;
    for (ChunkTask t : job.tasks()) {
      if (renderer.isComplete(job, t)) {
        runs[t.index()] = new TaskRun(t.index(), "", 0, Duration.ZERO, true);
        if (t.kind() == ChunkTask.Kind.VIDEO) doneFrames += t.frameCount();
      } else {
        todo.add(t);
      }
    }
    if (todo.size() < n) l.message((n - todo.size()) + " of " + n + " chunk files are complete from an earlier run; keeping them");
    if (!todo.isEmpty()) renderAll(job, renderer, l, todo, runs, doneFrames);
    long rendered = System.nanoTime();
    renderer.assemble(job, l);
    long assembled = System.nanoTime();
    return new ChunkReport(job.id(), List.of(runs), Duration.ofNanos(rendered - start), Duration.ofNanos(assembled - rendered));
  }

  private void renderAll(ChunkJob job, ChunkRenderer renderer, PatchListener l, List<ChunkTask> todo, TaskRun[] runs, long doneFrames) {
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "patchwork-worker-" + pool + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(Math.min(workers, todo.size()), factory);
    executor.setRemoveOnCancelPolicy(true);
    BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
    AtomicIntegerArray attempts = new AtomicIntegerArray(runs.length);
    Progress progress = new Progress(job, l, doneFrames);
    Segment all = Segment.render(0, job.frameCount());
    l.segmentStarted(all);
    l.message(String.format(Locale.ROOT, "rendering %d task(s) of %s on %d local worker(s)", todo.size(), job.id(), Math.min(workers, todo.size())));
    boolean interrupted = false;
    boolean finished = false;
    try {
      for (ChunkTask t : todo) submit(executor, job, renderer, t, Duration.ZERO, attempts, outcomes, progress);
      int remaining = todo.size();
      while (remaining > 0) {
        Outcome o = outcomes.take();
        ChunkTask t = job.task(o.index());
        if (o.error() == null) {
          runs[o.index()] = new TaskRun(o.index(), o.worker(), attempts.get(o.index()), Duration.ofNanos(o.nanos()), false);
          remaining--;
          continue;
        }
        int tried = attempts.get(o.index());
        if (tried >= maxAttempts || !retryable(o.error())) {
          log.debug("{} failed for good after {} attempt(s)", t.describe(), tried, o.error());
          throw rethrowable(o.error());
        }
        Duration wait = backoff.multipliedBy(1L << Math.min(20, tried - 1));
        l.message(t.describe() + " failed (" + o.error().getMessage() + "); attempt " + (tried + 1) + " of " + maxAttempts + " in "
            + wait.toMillis() / 1000.0 + " s");
        progress.reset(t);
        submit(executor, job, renderer, t, wait, attempts, outcomes, progress);
      }
      l.segmentFinished(all);
      finished = true;
    } catch (InterruptedException e) {
      interrupted = true;
      throw new CancelledException("the render was interrupted");
    } finally {
      executor.shutdownNow(); // interrupts running attempts: their tools are stopped
      interrupted |= awaitQuietly(executor);
      if (!finished) removeIfEmpty(Path.of(job.workDirectory()));
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /**
   * Removes the job's work directory if a stopped or failed render left it empty (stopped before any chunk was complete):
   * it holds nothing to resume from. One with complete chunks is kept for the next run.
   */
  private static void removeIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      // complete chunks: kept for a resume
    } catch (IOException e) {
      log.debug("cannot remove the empty chunk directory {}: {}", dir, e.getMessage());
    }
  }

  private void submit(ScheduledThreadPoolExecutor executor, ChunkJob job, ChunkRenderer renderer, ChunkTask task, Duration delay,
      AtomicIntegerArray attempts, BlockingQueue<Outcome> outcomes, Progress progress) {
    executor.schedule(() -> {
      attempts.incrementAndGet(task.index());
      String worker = "local-" + Thread.currentThread().getName().substring(Thread.currentThread().getName().lastIndexOf('-') + 1);
      long t0 = System.nanoTime();
      try {
        log.debug("{}: {} attempt {}", worker, task.describe(), attempts.get(task.index()));
        renderer.render(job, task, job.timeLimit(), progress.forTask(task));
        progress.finished(task);
        outcomes.add(new Outcome(task.index(), worker, System.nanoTime() - t0, null));
      } catch (Throwable e) {
        outcomes.add(new Outcome(task.index(), worker, System.nanoTime() - t0, e));
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Failures that would only repeat are not retried. */
  private static boolean retryable(Throwable e) {
    return !(e instanceof ValidationException || e instanceof UnsupportedMasterException || e instanceof VerificationException
        || e instanceof CancelledException || e instanceof Error);
  }

  private static RuntimeException rethrowable(Throwable e) {
    if (e instanceof RuntimeException r) return r;
    if (e instanceof Error er) throw er;
    return new IllegalStateException(e);
  }

  private static boolean awaitQuietly(ScheduledThreadPoolExecutor executor) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!executor.isTerminated() && System.nanoTime() < deadline) {
      try {
        executor.awaitTermination(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (!executor.isTerminated()) log.warn("chunk workers did not stop within 30 s");
    return interrupted;
  }

  /** Frames done across all chunks, reported as one progress. */
  private static final class Progress {
    private final ChunkJob job;
    private final PatchListener listener;
    private final long[] done;
    private long finished;

    Progress(ChunkJob job, PatchListener listener, long alreadyDone) {
      this.job = job;
      this.listener = listener;
      this.done = new long[job.tasks().size()];
      this.finished = alreadyDone;
    }

    PatchListener forTask(ChunkTask task) {
      return new PatchListener() {
        @Override
        public void progress(Segment segment, long frames, long total) {
          update(task, frames);
        }
      };
    }

    synchronized void update(ChunkTask task, long frames) {
      if (task.kind() != ChunkTask.Kind.VIDEO) return;
      done[task.index()] = frames;
      long sum = finished;
      for (long d : done) sum += d;
      listener.progress(Segment.render(0, job.frameCount()), Math.min(sum, job.frameCount()), job.frameCount());
    }

    synchronized void finished(ChunkTask task) {
      if (task.kind() != ChunkTask.Kind.VIDEO) return;
      done[task.index()] = 0;
      finished += task.frameCount();
      update(task, 0);
    }

    synchronized void reset(ChunkTask task) {
      done[task.index()] = 0;
    }
  }

  /** Calls the delegate one at a time. */
  private static final class SerialListener implements PatchListener {
    private final PatchListener delegate;

    SerialListener(PatchListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public synchronized void planned(PatchPlan plan) {
      delegate.planned(plan);
    }

    @Override
    public synchronized void segmentStarted(Segment segment) {
      delegate.segmentStarted(segment);
    }

    @Override
    public synchronized void progress(Segment segment, long done, long total) {
      delegate.progress(segment, done, total);
    }

    @Override
    public synchronized void segmentFinished(Segment segment) {
      delegate.segmentFinished(segment);
    }

    @Override
    public synchronized void message(String text) {
      delegate.message(text);
    }
  }
}
