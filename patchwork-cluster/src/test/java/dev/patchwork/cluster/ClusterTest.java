package dev.patchwork.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.ValidationException;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkReport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's scheduling on a real PostgreSQL (started by the test from Maven-delivered binaries), with in-process
 * workers and a renderer that writes small files: spreading, the single splice, retries, release on stop, cancel, resume,
 * refusals, and unreachable databases. Worker processes killed with {@code kill -9} and real ffmpeg chunks are tested in
 * patchwork-examples ({@code ClusterCommandsTest}).
 */
class ClusterTest {

  static EmbeddedPostgres pg;
  static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir Path dir;
  ClusterConfig config;
  final List<ClusterWorker> workers = new ArrayList<>();

  @BeforeAll
  static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (pg != null) pg.close();
  }

  /** A fresh set of tables per test, fast timing: heartbeat 250 ms x 4, poll 200 ms, back-off 100 ms, drain 300 ms. */
  ClusterConfig config() {
    if (config == null) {
      config = ClusterConfig.of(pg.getJdbcUrl("postgres", "postgres"), Map.of(), null)
          .withTablePrefix("t" + PREFIXES.incrementAndGet() + "_")
          .withHeartbeat(Duration.ofMillis(250), 4)
          .withPollInterval(Duration.ofMillis(200))
          .withRetries(3, Duration.ofMillis(100))
          .withDrain(Duration.ofMillis(300));
    }
    return config;
  }

  ClusterWorker worker(Cluster cluster, FileChunkRenderer renderer, String name) {
    ClusterWorker w = cluster.worker(renderer, 1, name);
    workers.add(w);
    w.start();
    return w;
  }

  @AfterEach
  void stopWorkers() {
    workers.forEach(ClusterWorker::stop);
  }

  @Test
  void threeWorkersShareTheChunksAndTheJobIsSplicedOnce() throws IOException {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer renderer = new FileChunkRenderer(Duration.ofMillis(300));
    for (String n : List.of("w1", "w2", "w3")) worker(cluster, renderer, n);
    Path out = dir.resolve("out.txt");
    ChunkJob job = TestJobs.job(out, 8, "a");

    ChunkReport report = cluster.executor().execute(job, renderer, PatchListener.NONE);

    assertThat(Files.readString(out)).isEqualTo(expectedOutput(job));
    assertThat(Files.readAllLines(dir.resolve("splices.log"))).containsExactly(job.id());
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.DONE);
    assertThat(s.spliceRuns()).isEqualTo(1);
    assertThat(s.splicesDone()).isEqualTo(1);
    assertThat(s.count(TaskState.DONE)).isEqualTo(9);
    assertThat(s.perWorker().keySet()).as("the work is shared").hasSizeGreaterThanOrEqualTo(2);
    assertThat(report.runs()).hasSize(9).allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    assertThat(countRows("scheduled_tasks")).as("no execution is left").isZero();
  }

  @Test
  void failedAttemptsAreRetriedAndAChunkThatKeepsFailingFailsTheJob() {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer renderer = new FileChunkRenderer(Duration.ofMillis(50)).failing(2, 2).failing(4, 99);
    worker(cluster, renderer, "w1");
    worker(cluster, renderer, "w2");
    ChunkJob job = TestJobs.job(dir.resolve("out.txt"), 6, "a");

    assertThatThrownBy(() -> cluster.executor().execute(job, renderer, PatchListener.NONE))
        .isInstanceOf(ClusterJobFailedException.class)
        .hasMessageContaining("task 4 failed after 3 attempt(s)").hasMessageContaining("simulated failure of task 4");
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.FAILED);
    assertThat(s.task(4).orElseThrow().state()).isEqualTo(TaskState.FAILED);
    assertThat(s.task(4).orElseThrow().attempts()).isEqualTo(3);
    assertThat(s.spliceRuns()).isZero();
    assertThat(dir.resolve("out.txt")).doesNotExist();

    // task 2 failed twice and succeeded on its third attempt (unless the job's failure stopped it first)
    FileChunkRenderer fixed = new FileChunkRenderer(Duration.ofMillis(50));
    workers.forEach(ClusterWorker::stop);
    worker(cluster, fixed, "w3");
    cluster.executor().execute(job, fixed, PatchListener.NONE); // running it again resumes the failed job
    assertThat(cluster.job(job.id()).orElseThrow().state()).isEqualTo(JobState.DONE);
    assertThat(Files.exists(dir.resolve("out.txt"))).isTrue();
  }

  @Test
  void aTaskThatFailsTwiceSucceedsOnItsThirdAttempt() {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer renderer = new FileChunkRenderer(Duration.ofMillis(50)).failing(1, 2);
    worker(cluster, renderer, "w1");
    ChunkJob job = TestJobs.job(dir.resolve("out.txt"), 3, "a");
    cluster.executor().execute(job, renderer, PatchListener.NONE);
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.DONE);
    assertThat(s.task(1).orElseThrow().attempts()).isEqualTo(3);
    assertThat(s.task(0).orElseThrow().attempts()).isEqualTo(1);
  }

  @Test
  void aStoppingWorkerReleasesItsChunkToAnother() throws Exception {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer slow = new FileChunkRenderer(Duration.ofMillis(50)).slow(0, Duration.ofSeconds(30));
    ClusterWorker first = worker(cluster, slow, "first");
    ChunkJob job = TestJobs.job(dir.resolve("out.txt"), 1, "a");
    CompletableFuture<ChunkReport> coordinator = CompletableFuture.supplyAsync(() -> cluster.executor().execute(job, slow, PatchListener.NONE));
    await(() -> "first".equals(cluster.job(job.id()).flatMap(s -> s.task(0)).map(TaskStatus::heldBy).orElse("")), Duration.ofSeconds(10));

    long t0 = System.nanoTime();
    first.stop();
    Duration stopping = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(stopping).as("finish-or-release within twice the drain period").isLessThan(Duration.ofSeconds(3));
    assertThat(slow.interrupted.get()).isEqualTo(1);
    TaskStatus released = cluster.job(job.id()).orElseThrow().task(0).orElseThrow();
    assertThat(released.state()).isEqualTo(TaskState.PENDING);
    assertThat(released.message()).contains("released by first");

    FileChunkRenderer quick = new FileChunkRenderer(Duration.ofMillis(50));
    worker(cluster, quick, "second");
    coordinator.get(20, TimeUnit.SECONDS);
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.DONE);
    assertThat(s.task(0).orElseThrow().worker()).isEqualTo("second");
    assertThat(s.task(0).orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void cancelStopsRunningChunksAndRunningTheRenderAgainResumesIt() throws Exception {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer slow = new FileChunkRenderer(Duration.ofSeconds(30));
    worker(cluster, slow, "w1");
    worker(cluster, slow, "w2");
    ChunkJob job = TestJobs.job(dir.resolve("out.txt"), 4, "a");
    CompletableFuture<ChunkReport> coordinator = CompletableFuture.supplyAsync(() -> cluster.executor().execute(job, slow, PatchListener.NONE));
    await(() -> cluster.job(job.id()).map(JobStatus::running).orElse(0L) == 2, Duration.ofSeconds(10));

    assertThat(cluster.cancel(job.id())).isTrue();
    assertThatThrownBy(() -> coordinator.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CancelledException.class)
        .hasMessageContaining("cancelled");
    await(() -> slow.interrupted.get() == 2, Duration.ofSeconds(5));
    await(() -> countRows("scheduled_tasks") == 0, Duration.ofSeconds(5));
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.CANCELLED);
    assertThat(s.count(TaskState.CANCELLED)).isEqualTo(5);
    assertThat(cluster.cancel(job.id())).as("not active any more").isFalse();

    FileChunkRenderer quick = new FileChunkRenderer(Duration.ofMillis(50));
    workers.forEach(ClusterWorker::stop);
    worker(cluster, quick, "w3");
    cluster.executor().execute(job, quick, PatchListener.NONE);
    assertThat(cluster.job(job.id()).orElseThrow().state()).isEqualTo(JobState.DONE);
  }

  @Test
  void theSameRenderAgainResumesKeepingCompleteChunkFilesAndACoordinatorRestartLosesNothing() throws Exception {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer renderer = new FileChunkRenderer(Duration.ofMillis(400));
    Path out = dir.resolve("out.txt");
    ChunkJob job = TestJobs.job(out, 5, "a");
    // chunks 1 and 3 are complete from an earlier run on disk (no record of them in the database)
    renderer.render(job, job.task(1), Duration.ofMinutes(1), PatchListener.NONE);
    renderer.render(job, job.task(3), Duration.ofMinutes(1), PatchListener.NONE);

    // a coordinator that is stopped while the job runs
    Thread coordinator = new Thread(() -> {
      try {
        cluster.executor().execute(job, renderer, PatchListener.NONE);
      } catch (CancelledException expected) {
        // it stops following; the job goes on
      }
    });
    coordinator.start();
    await(() -> cluster.job(job.id()).isPresent(), Duration.ofSeconds(10));
    coordinator.interrupt();
    coordinator.join(5000);
    JobStatus submitted = cluster.job(job.id()).orElseThrow();
    assertThat(submitted.task(1).orElseThrow().state()).isEqualTo(TaskState.DONE);
    assertThat(submitted.task(3).orElseThrow().state()).isEqualTo(TaskState.DONE);

    // workers start only now, with no coordinator: the job still completes
    worker(cluster, renderer, "w1");
    worker(cluster, renderer, "w2");
    try {
      await(() -> cluster.job(job.id()).map(s -> s.state() == JobState.DONE).orElse(false), Duration.ofSeconds(20));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + cluster.job(job.id()), e);
    }
    JobStatus s = cluster.job(job.id()).orElseThrow();
    assertThat(s.task(1).orElseThrow().attempts()).as("kept, not rendered").isZero();
    assertThat(s.task(3).orElseThrow().attempts()).isZero();
    assertThat(s.task(0).orElseThrow().attempts()).isEqualTo(1);

    // a new coordinator finds it done at once
    long t0 = System.nanoTime();
    cluster.executor().execute(job, renderer, PatchListener.NONE);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    assertThat(Files.readAllLines(dir.resolve("splices.log"))).hasSize(1);
    assertThat(Files.readString(out)).isEqualTo(expectedOutput(job));
  }

  @Test
  void anUnfinishedJobWithOtherSettingsForTheSameOutputIsRefused() {
    Cluster cluster = Cluster.connect(config());
    FileChunkRenderer renderer = new FileChunkRenderer(Duration.ofMillis(50));
    Path out = dir.resolve("out.txt");
    ChunkJob a = TestJobs.job(out, 2, "a");
    CompletableFuture.runAsync(() -> cluster.executor().execute(a, renderer, PatchListener.NONE));
    await(() -> cluster.job(a.id()).isPresent(), Duration.ofSeconds(10));
    ChunkJob b = TestJobs.job(out, 2, "b");
    assertThat(b.id()).isEqualTo(a.id());
    assertThatThrownBy(() -> cluster.executor().execute(b, renderer, PatchListener.NONE))
        .isInstanceOf(ValidationException.class).hasMessageContaining("jobs cancel " + a.id());
  }

  @Test
  void unreachableDatabasesAndBadUrlsAreClusterUnavailable() {
    assertThatThrownBy(() -> Cluster.connect(ClusterConfig.of("jdbc:postgresql://127.0.0.1:1/patchwork", Map.of(), null)))
        .isInstanceOf(ClusterUnavailableException.class).hasMessageContaining("cannot connect");
    assertThatThrownBy(() -> Cluster.connect(ClusterConfig.of("jdbc:mysql://127.0.0.1/patchwork", Map.of(), null)))
        .isInstanceOf(ClusterUnavailableException.class).hasMessageContaining("not a PostgreSQL JDBC URL");
    assertThatThrownBy(() -> Cluster.connect(ClusterConfig.of(pg.getJdbcUrl("postgres", "no_such_database"), Map.of(), null)))
        .isInstanceOf(ClusterUnavailableException.class).hasMessageContaining("no_such_database");
    assertThatThrownBy(() -> ClusterConfig.of("jdbc:postgresql://db/patchwork?user=u&password=secret", Map.of(), null))
        .isInstanceOf(ValidationException.class).hasMessageContaining("never on the command line").hasMessageNotContaining("secret");
  }

  @Test
  void credentialsComeFromAPropertiesFileOrTheEnvironmentAndAreNeverShown() throws IOException {
    Path props = Files.writeString(dir.resolve("db.properties"), "user=render\npassword=s3cret\n");
    ClusterConfig fromFile = ClusterConfig.of("jdbc:postgresql://db/patchwork", Map.of("PGPASSWORD", "other"), props);
    assertThat(fromFile.user()).isEqualTo("render");
    assertThat(fromFile.password()).isEqualTo("s3cret");
    assertThat(fromFile.toString()).doesNotContain("s3cret");
    ClusterConfig fromEnv = ClusterConfig.of("jdbc:postgresql://db/patchwork", Map.of("PGUSER", "u", "PGPASSWORD", "p"), null);
    assertThat(fromEnv.user()).isEqualTo("u");
    assertThat(fromEnv.password()).isEqualTo("p");
    ClusterConfig named = ClusterConfig.of("jdbc:postgresql://db/patchwork", Map.of(ClusterConfig.ENV_PROPERTIES, props.toString()), null);
    assertThat(named.password()).isEqualTo("s3cret");
  }

  // ---------------------------------------------------------------------------------------------------------

  static String expectedOutput(ChunkJob job) {
    StringBuilder sb = new StringBuilder();
    job.tasks().forEach(t -> sb.append(FileChunkRenderer.content(job, t)));
    return sb.toString();
  }

  long countRows(String table) {
    try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + config().tablePrefix() + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static void await(BooleanSupplier condition, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not reached within " + limit);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
