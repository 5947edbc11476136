package dev.patchwork.cluster;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import dev.patchwork.cluster.internal.Store;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkTask;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A render worker: a db-scheduler {@link Scheduler} with {@code slots} threads that picks chunk and splice executions from
 * the cluster's table.
 *
 * <ul>
 *   <li><b>A chunk</b>: the job's spec is read from the database, the attempt counted, and the task rendered with the job's
 *       time limit (the renderer stops a hung tool at it) — unless its output is complete already (a late duplicate
 *       finished it). Then the chunk is marked done; the worker whose update finishes the job's last task schedules the
 *       splice, once ({@link Store#taskDone}).
 *   <li><b>Failures</b> are retried after a back-off that doubles, up to the configured attempts; a failure that would only
 *       repeat (invalid input, an unsupported or unverifiable result) fails the job at once. A failed job stops its other
 *       tasks.
 *   <li><b>Failover</b>: executions are heart-beaten every {@link ClusterConfig#heartbeat()}; those of a worker that stops
 *       beating ({@code kill -9}, a lost machine) are picked up by another worker after
 *       {@link ClusterConfig#failoverAfter()} and run again there (counted as an attempt).
 *   <li><b>Cancel</b>: each second the worker checks the jobs it works on; a cancelled or failed job's running tasks are
 *       stopped (the tool killed) and dropped.
 *   <li><b>Stop</b> ({@link #stop()}, SIGTERM in the CLI): no new task is picked; running tasks get
 *       {@link ClusterConfig#drain()} to finish, then they are stopped and released — rescheduled at once, without counting
 *       as a failure, so another worker takes them.
 * </ul>
 */
public final class ClusterWorker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ClusterWorker.class);

  private final Store store;
  private final ClusterConfig config;
  private final ChunkRenderer renderer;
  private final int slots;
  private final String name;
  private final Scheduler scheduler;
  private final Map<String, Set<Thread>> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService watcher;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean draining;

  /** The job of a running task is no longer active (cancelled or failed): drop the task. */
  private static final class JobStopped extends PatchworkException {
    private static final long serialVersionUID = 1L;

    JobStopped(String message) {
      super(message);
    }
  }

  /** The worker is stopping: give the task back. */
  private static final class Released extends PatchworkException {
    private static final long serialVersionUID = 1L;

    Released(String message) {
      super(message);
    }
  }

  ClusterWorker(Store store, ClusterConfig config, ChunkRenderer renderer, int slots, String name) {
    this.store = Objects.requireNonNull(store, "store");
    this.config = Objects.requireNonNull(config, "config");
    this.renderer = Objects.requireNonNull(renderer, "renderer");
    Objects.requireNonNull(name, "name");
    if (slots < 1) throw new IllegalArgumentException("slots < 1: " + slots);
    if (name.isBlank()) throw new IllegalArgumentException("a worker needs a name");
    this.slots = slots;
    this.name = name;
    OneTimeTask<Void> chunk = Tasks.oneTime(Store.CHUNK_TASK).onFailure(this::chunkFailed).onDeadExecution(this::chunkDead)
        .execute(this::runChunk);
    OneTimeTask<Void> splice = Tasks.oneTime(Store.SPLICE_TASK).onFailure(this::spliceFailed).onDeadExecution(this::spliceDead)
        .execute(this::runSplice);
    this.scheduler = Scheduler.create(store.dataSource(), List.of(chunk, splice))
        .tableName(store.tasksTable())
        .threads(slots)
        .schedulerName(new SchedulerName.Fixed(name))
        .heartbeatInterval(config.heartbeat())
        .missedHeartbeatsLimit(config.missedHeartbeats())
        .pollingInterval(config.pollInterval())
        .pollUsingLockAndFetch(0.5, 1.0)
        .shutdownMaxWait(config.drain())
        .failureLogging(LogLevel.DEBUG, false)
        .build();
    this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "patchwork-worker-watch");
      t.setDaemon(true);
      return t;
    });
  }

  /** Its name in the database. */
  public String name() {
    return name;
  }

  public int slots() {
    return slots;
  }

  /** Starts picking work. */
  public void start() {
    if (!started.compareAndSet(false, true)) throw new IllegalStateException("worker " + name + " was started already");
    log.info("worker {} starts with {} slot(s); failover after {}", name, slots, config.failoverAfter());
    scheduler.start();
    long every = config.heartbeat().toMillis();
    watcher.scheduleWithFixedDelay(this::stopInactive, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops gracefully: picks nothing more, lets running tasks finish for up to {@link ClusterConfig#drain()}, then stops
   * and releases the rest so that other workers take them at once. Returns within about twice the drain period.
   */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) return;
    draining = true;
    log.info("worker {} stops: running tasks get {} to finish, then they are released", name, config.drain());
    if (started.get()) scheduler.stop();
    watcher.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Chunks

  private void runChunk(TaskInstance<Void> instance, ExecutionContext context) {
    Map.Entry<String, Integer> ref = Store.parseChunkInstance(instance.getId());
    String jobId = ref.getKey();
    int index = ref.getValue();
    Optional<Store.JobRecord> record = store.job(jobId);
    if (record.isEmpty() || record.get().state() != JobState.RUNNING) {
      log.debug("{}: job {} is {}; dropping task {}", name, jobId, record.map(r -> r.state().name()).orElse("gone"), index);
      return;
    }
    ChunkJob job = record.get().job();
    ChunkTask task = job.task(index);
    int attempt = store.taskStarted(jobId, index, name);
    log.info("{}: job {} {} (attempt {})", name, jobId, task.describe(), attempt);
    long t0 = System.nanoTime();
    work(jobId, () -> {
      if (renderer.isComplete(job, task)) {
        log.info("{}: job {} {} is complete already", name, jobId, task.describe());
      } else {
        renderer.render(job, task, job.timeLimit(), PatchListener.NONE);
      }
    });
    boolean splice = store.taskDone(jobId, index, name, Duration.ofNanos(System.nanoTime() - t0));
    if (splice) log.info("{}: job {}: the last task is done; splice scheduled", name, jobId);
  }

  private void chunkFailed(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    Map.Entry<String, Integer> ref = Store.parseChunkInstance(complete.getExecution().taskInstance.getId());
    String jobId = ref.getKey();
    int index = ref.getValue();
    Throwable cause = complete.getCause().orElse(null);
    Optional<JobState> state = store.state(jobId);
    if (cause instanceof JobStopped || state.isEmpty() || state.get() != JobState.RUNNING) {
      log.info("{}: job {} is {}; task {} dropped", name, jobId, state.map(Enum::name).orElse("gone"), index);
      ops.remove();
      return;
    }
    if (cause instanceof Released || (draining && cause instanceof CancelledException)) {
      store.taskPending(jobId, index, "released by " + name + " when it stopped");
      ops.reschedule(complete, Instant.now());
      log.info("{}: released job {} task {}", name, jobId, index);
      return;
    }
    int attempts = store.attempts(jobId, index);
    String why = message(cause);
    if (attempts < config.maxAttempts() && retryable(cause)) {
      Duration wait = backoff(attempts);
      store.taskRetrying(jobId, index, why + " (attempt " + attempts + " of " + config.maxAttempts() + "; next in " + wait.toMillis() + " ms)");
      log.warn("{}: job {} task {} failed ({}); retrying in {} ms", name, jobId, index, why, wait.toMillis());
      ops.reschedule(complete, Instant.now().plus(wait));
    } else {
      store.taskFailed(jobId, index, "task " + index + " failed after " + attempts + " attempt(s): " + why);
      log.warn("{}: job {} task {} failed for good: {}", name, jobId, index, why);
      ops.remove();
    }
  }

  private void chunkDead(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    Map.Entry<String, Integer> ref = Store.parseChunkInstance(complete.getExecution().taskInstance.getId());
    String jobId = ref.getKey();
    int index = ref.getValue();
    String dead = complete.getExecution().pickedBy;
    Optional<JobState> state = store.state(jobId);
    if (state.isEmpty() || state.get() != JobState.RUNNING) {
      ops.remove();
      return;
    }
    int attempts = store.attempts(jobId, index);
    if (attempts >= config.maxAttempts()) {
      store.taskFailed(jobId, index, "task " + index + " failed: its worker " + dead + " stopped heart-beating in attempt " + attempts
          + " of " + config.maxAttempts());
      ops.remove();
      return;
    }
    store.taskPending(jobId, index, "worker " + dead + " stopped heart-beating; the task runs again");
    log.info("{}: worker {} is gone; job {} task {} runs again", name, dead, jobId, index);
    ops.reschedule(complete, Instant.now());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Splice

  private void runSplice(TaskInstance<Void> instance, ExecutionContext context) {
    String jobId = instance.getId();
    Optional<Store.JobRecord> record = store.job(jobId);
    if (record.isEmpty() || record.get().state() != JobState.SPLICING) {
      log.debug("{}: job {} is {}; no splice", name, jobId, record.map(r -> r.state().name()).orElse("gone"));
      return;
    }
    ChunkJob job = record.get().job();
    int run = store.spliceStarted(jobId, name);
    log.info("{}: splicing job {} into {} (splice run {})", name, jobId, job.output(), run);
    work(jobId, () -> renderer.assemble(job, PatchListener.NONE));
    store.spliceDone(jobId);
    log.info("{}: job {} is done: {}", name, jobId, job.output());
  }

  private void spliceFailed(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    String jobId = complete.getExecution().taskInstance.getId();
    Throwable cause = complete.getCause().orElse(null);
    Optional<JobState> state = store.state(jobId);
    if (cause instanceof JobStopped || state.isEmpty() || state.get() != JobState.SPLICING) {
      ops.remove();
      return;
    }
    if (cause instanceof Released || (draining && cause instanceof CancelledException)) {
      ops.reschedule(complete, Instant.now());
      return;
    }
    int runs = store.spliceRuns(jobId);
    String why = message(cause);
    if (runs < config.maxAttempts() && retryable(cause)) {
      Duration wait = backoff(runs);
      log.warn("{}: the splice of job {} failed ({}); retrying in {} ms", name, jobId, why, wait.toMillis());
      ops.reschedule(complete, Instant.now().plus(wait));
    } else {
      store.jobFailed(jobId, "the splice failed after " + runs + " attempt(s): " + why);
      ops.remove();
    }
  }

  private void spliceDead(ExecutionComplete complete, ExecutionOperations<Void> ops) {
    String jobId = complete.getExecution().taskInstance.getId();
    Optional<JobState> state = store.state(jobId);
    if (state.isEmpty() || state.get() != JobState.SPLICING || store.spliceRuns(jobId) >= config.maxAttempts()) {
      if (state.isPresent() && state.get() == JobState.SPLICING) {
        store.jobFailed(jobId, "the splice failed: its worker " + complete.getExecution().pickedBy + " stopped heart-beating");
      }
      ops.remove();
      return;
    }
    ops.reschedule(complete, Instant.now());
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Runs {@code body} as work on {@code jobId}: stoppable by the watcher (job no longer active) and by a stop. */
  private void work(String jobId, Runnable body) {
    Thread me = Thread.currentThread();
    running.computeIfAbsent(jobId, k -> ConcurrentHashMap.newKeySet()).add(me);
    try {
      body.run();
    } catch (CancelledException e) {
      Thread.interrupted(); // the tool is stopped; the database calls that follow must not see the interrupt
      Optional<JobState> state = store.state(jobId);
      if (state.isEmpty() || !state.get().isActive()) throw new JobStopped("job " + jobId + " is " + state.map(Enum::name).orElse("gone"));
      if (draining) throw new Released("worker " + name + " is stopping");
      throw e;
    } finally {
      running.computeIfPresent(jobId, (k, threads) -> {
        threads.remove(me);
        return threads.isEmpty() ? null : threads;
      });
    }
    Thread.interrupted(); // a stop that came after the work finished changes nothing
  }

  /** Stops the running tasks of jobs that were cancelled or failed. */
  private void stopInactive() {
    try {
      Set<String> ids = Set.copyOf(running.keySet());
      for (String id : store.inactive(ids)) {
        Set<Thread> threads = running.get(id);
        if (threads == null) continue;
        log.info("{}: job {} is no longer active; stopping its {} running task(s)", name, id, threads.size());
        threads.forEach(Thread::interrupt);
      }
    } catch (RuntimeException e) {
      log.debug("{}: cannot check the state of running jobs: {}", name, e.getMessage());
    }
  }

  private Duration backoff(int attempts) {
    return config.backoff().multipliedBy(1L << Math.min(20, Math.max(0, attempts - 1)));
  }

  private static boolean retryable(Throwable e) {
    return !(e instanceof ValidationException || e instanceof UnsupportedMasterException || e instanceof VerificationException
        || e instanceof Error);
  }

  private static String message(Throwable e) {
    if (e == null) return "unknown failure";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
