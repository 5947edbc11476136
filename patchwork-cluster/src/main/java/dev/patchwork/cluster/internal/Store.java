package dev.patchwork.cluster.internal;

import dev.patchwork.ValidationException;
import dev.patchwork.cluster.ClusterConfig;
import dev.patchwork.cluster.ClusterUnavailableException;
import dev.patchwork.cluster.JobState;
import dev.patchwork.cluster.JobStatus;
import dev.patchwork.cluster.TaskState;
import dev.patchwork.cluster.TaskStatus;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkTask;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's tables and every statement on them. Three tables, created on first use:
 *
 * <ul>
 *   <li>{@code <prefix>scheduled_tasks}: db-scheduler's executions (its PostgreSQL schema). A chunk's execution is
 *       {@value #CHUNK_TASK} with instance {@code <job id>#<task index>}, a splice's {@value #SPLICE_TASK} with instance
 *       {@code <job id>}.
 *   <li>{@code <prefix>jobs}: one row per job (id = the output's identity), its JSON spec, state and splice counters.
 *   <li>{@code <prefix>chunks}: one row per task: state, worker, attempts, timing. It is the fan-in barrier: the worker whose
 *       update leaves no task unfinished flips the job from RUNNING to SPLICING — a conditional update only one
 *       transaction can win — and inserts the splice execution in the same transaction.
 * </ul>
 */
public final class Store {

  private static final Logger log = LoggerFactory.getLogger(Store.class);

  /** db-scheduler task name of chunk executions. */
  public static final String CHUNK_TASK = "patchwork-chunk";
  /** db-scheduler task name of splice executions. */
  public static final String SPLICE_TASK = "patchwork-splice";

  private final ClusterConfig config;
  private final DataSource dataSource;
  private final String tasks;
  private final String jobs;
  private final String chunks;

  public Store(ClusterConfig config) {
    this.config = config;
    this.dataSource = new UrlDataSource(config.url(), config.user(), config.password());
    this.tasks = config.tablePrefix() + "scheduled_tasks";
    this.jobs = config.tablePrefix() + "jobs";
    this.chunks = config.tablePrefix() + "chunks";
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** db-scheduler's table. */
  public String tasksTable() {
    return tasks;
  }

  /** {@code <job id>#<index>}: a chunk execution's instance id. */
  public static String chunkInstance(String jobId, int index) {
    return jobId + "#" + index;
  }

  /** The job id and task index of a chunk execution's instance id. */
  public static Map.Entry<String, Integer> parseChunkInstance(String instance) {
    int hash = instance.lastIndexOf('#');
    if (hash <= 0) throw new IllegalArgumentException("not a chunk instance: '" + instance + "'");
    return Map.entry(instance.substring(0, hash), Integer.parseInt(instance.substring(hash + 1)));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Connections

  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code work} in one transaction (committed if it returns, rolled back if it throws). */
  public <T> T transaction(Work<T> work) {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable("a statement failed", e);
    }
  }

  /** Runs {@code work} with autocommit. */
  public <T> T autocommit(Work<T> work) {
    try (Connection c = connect()) {
      return work.run(c);
    } catch (SQLException e) {
      throw unavailable("a statement failed", e);
    }
  }

  private Connection connect() throws SQLException {
    return dataSource.getConnection();
  }

  private ClusterUnavailableException unavailable(String what, SQLException e) {
    return new ClusterUnavailableException("the cluster database at " + config.url() + ": " + what + ": " + reason(e), e);
  }

  /** The reason for a failed connection in words. */
  static String reason(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    if (m.startsWith("No suitable driver")) {
      return "not a PostgreSQL JDBC URL (expected jdbc:postgresql://host[:port]/database)";
    }
    if (state.startsWith("08")) return m;
    if (state.equals("28P01") || state.equals("28000")) return "the server refused the credentials (" + m + ")";
    if (state.equals("3D000")) return "no such database (" + m + ")";
    return m;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed", e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Schema

  /**
   * Connects once and creates the tables that do not exist yet, under an advisory lock so that workers starting together
   * do not race.
   *
   * @throws ClusterUnavailableException if the database cannot be reached or the tables cannot be created
   */
  public void ensureSchema() {
    Connection connection;
    try {
      connection = connect();
    } catch (SQLException e) {
      throw unavailable("cannot connect", e);
    }
    try (Connection c = connection) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(hashtext('patchwork schema " + config.tablePrefix() + "'))");
        s.execute("CREATE TABLE IF NOT EXISTS " + tasks + " ("
            + "task_name text NOT NULL, task_instance text NOT NULL, task_data bytea, execution_time timestamptz NOT NULL, "
            + "picked boolean NOT NULL, picked_by text, last_success timestamptz, last_failure timestamptz, consecutive_failures int, "
            + "last_heartbeat timestamptz, version bigint NOT NULL, priority smallint, PRIMARY KEY (task_name, task_instance))");
        s.execute("CREATE INDEX IF NOT EXISTS " + tasks + "_execution_time_idx ON " + tasks + " (execution_time)");
        s.execute("CREATE INDEX IF NOT EXISTS " + tasks + "_last_heartbeat_idx ON " + tasks + " (last_heartbeat)");
        s.execute("CREATE TABLE IF NOT EXISTS " + jobs + " ("
            + "id text PRIMARY KEY, output text NOT NULL, fingerprint text NOT NULL, spec text NOT NULL, state text NOT NULL, "
            + "message text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(), "
            + "finished_at timestamptz, splice_runs int NOT NULL DEFAULT 0, splices_done int NOT NULL DEFAULT 0, splice_worker text)");
        s.execute("CREATE TABLE IF NOT EXISTS " + chunks + " ("
            + "job_id text NOT NULL REFERENCES " + jobs + " (id) ON DELETE CASCADE, idx int NOT NULL, kind text NOT NULL, "
            + "first_frame bigint NOT NULL, frames bigint NOT NULL, state text NOT NULL, worker text, attempts int NOT NULL DEFAULT 0, "
            + "started_at timestamptz, finished_at timestamptz, elapsed_ms bigint, message text, PRIMARY KEY (job_id, idx))");
      }
      c.commit();
    } catch (SQLException e) {
      throw unavailable("cannot prepare the cluster's tables", e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Submitting

  /** What {@link #submit} did. */
  public enum Submitted {
    /** A new job (or one that replaced a finished job with other settings). */
    NEW,
    /** An unfinished, failed or cancelled job with the same fingerprint goes on. */
    RESUMED,
    /** The job is done and its output published. */
    ALREADY_DONE
  }

  /**
   * Submits {@code job}, or resumes the job with its id: tasks whose output is complete ({@code complete[i]}) are DONE,
   * every other task gets an execution unless it has one, and a job whose tasks are all done gets its splice.
   *
   * @param complete  per task, whether its output file is complete now (checked by the caller, not trusted from a record)
   * @param assembled whether the job's output and sidecar exist
   * @throws ValidationException if an unfinished job with other settings writes the same output
   */
  public Submitted submit(ChunkJob job, boolean[] complete, boolean assembled) {
    return transaction(c -> {
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, "patchwork job " + job.id());
        lock.execute();
      }
      Optional<Object[]> row = one(c, "SELECT fingerprint, state FROM " + jobs + " WHERE id = ? FOR UPDATE", ps -> ps.setString(1, job.id()),
          rs -> new Object[] {rs.getString(1), JobState.valueOf(rs.getString(2))});
      Submitted outcome;
      boolean resetAttempts;
      if (row.isEmpty()) {
        update(c, "INSERT INTO " + jobs + " (id, output, fingerprint, spec, state) VALUES (?, ?, ?, ?, 'RUNNING')", job.id(), job.output(),
            job.fingerprint(), job.toJson());
        outcome = Submitted.NEW;
        resetAttempts = true;
      } else {
        String fingerprint = (String) row.get()[0];
        JobState state = (JobState) row.get()[1];
        if (!fingerprint.equals(job.fingerprint())) {
          if (state.isActive()) {
            throw new ValidationException("-o", "an unfinished render of " + job.output() + " with other settings or another source is "
                + "in the cluster (job " + job.id() + ", " + state + "); cancel it with 'patchwork jobs cancel " + job.id()
                + "' first, or wait for it");
          }
          update(c, "DELETE FROM " + chunks + " WHERE job_id = ?", job.id());
          update(c, "UPDATE " + jobs + " SET output = ?, fingerprint = ?, spec = ?, state = 'RUNNING', message = NULL, created_at = now(), "
              + "updated_at = now(), finished_at = NULL, splice_runs = 0, splices_done = 0, splice_worker = NULL WHERE id = ?",
              job.output(), job.fingerprint(), job.toJson(), job.id());
          outcome = Submitted.NEW;
          resetAttempts = true;
        } else if (state == JobState.DONE && assembled) {
          return Submitted.ALREADY_DONE;
        } else if (state.isActive()) {
          // the spec may carry another time limit: the latest submission's counts
          update(c, "UPDATE " + jobs + " SET spec = ?, updated_at = now() WHERE id = ?", job.toJson(), job.id());
          outcome = Submitted.RESUMED;
          resetAttempts = false;
        } else {
          update(c, "UPDATE " + jobs + " SET spec = ?, state = 'RUNNING', message = NULL, updated_at = now(), finished_at = NULL WHERE id = ?",
              job.toJson(), job.id());
          outcome = Submitted.RESUMED;
          resetAttempts = true;
        }
      }
      boolean all = true;
      for (ChunkTask t : job.tasks()) {
        int i = t.index();
        update(c, "INSERT INTO " + chunks + " (job_id, idx, kind, first_frame, frames, state) VALUES (?, ?, ?, ?, ?, 'PENDING') "
            + "ON CONFLICT (job_id, idx) DO NOTHING", job.id(), i, t.kind().name(), t.firstFrame(), t.frameCount());
        if (complete[i]) {
          update(c, "UPDATE " + chunks + " SET state = 'DONE', message = NULL WHERE job_id = ? AND idx = ?", job.id(), i);
          update(c, "DELETE FROM " + tasks + " WHERE task_name = ? AND task_instance = ? AND NOT picked", CHUNK_TASK, chunkInstance(job.id(), i));
        } else {
          all = false;
          update(c, "UPDATE " + chunks + " SET state = CASE WHEN state IN ('RUNNING', 'RETRYING', 'PENDING') THEN state ELSE 'PENDING' END"
              + (resetAttempts ? ", attempts = 0, message = NULL" : "") + " WHERE job_id = ? AND idx = ?", job.id(), i);
          update(c, "INSERT INTO " + tasks + " (task_name, task_instance, task_data, execution_time, picked, version) "
              + "VALUES (?, ?, NULL, now(), false, 1) ON CONFLICT DO NOTHING", CHUNK_TASK, chunkInstance(job.id(), i));
        }
      }
      if (all) {
        update(c, "UPDATE " + jobs + " SET state = 'SPLICING', updated_at = now() WHERE id = ? AND state = 'RUNNING'", job.id());
        scheduleSplice(c, job.id());
      } else {
        // a chunk file vanished after the chunks were done: back to rendering, no splice until it is redone
        int back = update(c, "UPDATE " + jobs + " SET state = 'RUNNING', updated_at = now() WHERE id = ? AND state = 'SPLICING'", job.id());
        if (back > 0) update(c, "DELETE FROM " + tasks + " WHERE task_name = ? AND task_instance = ? AND NOT picked", SPLICE_TASK, job.id());
      }
      return outcome;
    });
  }

  private void scheduleSplice(Connection c, String jobId) throws SQLException {
    update(c, "INSERT INTO " + tasks + " (task_name, task_instance, task_data, execution_time, picked, version) "
        + "VALUES (?, ?, NULL, now(), false, 1) ON CONFLICT DO NOTHING", SPLICE_TASK, jobId);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Workers

  /** A job as a worker sees it. */
  public record JobRecord(ChunkJob job, JobState state) {}

  /** The job {@code id}, if it exists. */
  public Optional<JobRecord> job(String id) {
    return autocommit(c -> one(c, "SELECT spec, state FROM " + jobs + " WHERE id = ?", ps -> ps.setString(1, id),
        rs -> new JobRecord(ChunkJob.fromJson(rs.getString(1), jobs + " " + id), JobState.valueOf(rs.getString(2)))));
  }

  /** The job's state, if it exists. */
  public Optional<JobState> state(String id) {
    return autocommit(c -> one(c, "SELECT state FROM " + jobs + " WHERE id = ?", ps -> ps.setString(1, id),
        rs -> JobState.valueOf(rs.getString(1))));
  }

  /** Of {@code ids}, the jobs that are no longer active (or gone). */
  public Set<String> inactive(Collection<String> ids) {
    if (ids.isEmpty()) return Set.of();
    return autocommit(c -> {
      Set<String> active = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + jobs + " WHERE id = ANY (?) AND state IN ('RUNNING', 'SPLICING')")) {
        Array array = c.createArrayOf("text", ids.toArray());
        ps.setArray(1, array);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) active.add(rs.getString(1));
        }
      }
      Set<String> out = new HashSet<>(ids);
      out.removeAll(active);
      return out;
    });
  }

  /** A worker starts a task: one more attempt. Returns the attempts so far. */
  public int taskStarted(String jobId, int index, String worker) {
    return autocommit(c -> one(c, "UPDATE " + chunks + " SET state = 'RUNNING', worker = ?, attempts = attempts + 1, started_at = now(), "
        + "message = NULL WHERE job_id = ? AND idx = ? RETURNING attempts", ps -> {
          ps.setString(1, worker);
          ps.setString(2, jobId);
          ps.setInt(3, index);
        }, rs -> rs.getInt(1)).orElse(0));
  }

  /** Attempts a task has had. */
  public int attempts(String jobId, int index) {
    return autocommit(c -> one(c, "SELECT attempts FROM " + chunks + " WHERE job_id = ? AND idx = ?", ps -> {
      ps.setString(1, jobId);
      ps.setInt(2, index);
    }, rs -> rs.getInt(1)).orElse(0));
  }

  /**
   * A task's output is complete. If that leaves no task of the job unfinished, the job goes from RUNNING to SPLICING and
   * its splice execution is inserted — in the same transaction, by exactly one caller, with the job's row locked so that
   * callers finishing tasks of one job take turns. Returns true for that caller.
   */
  public boolean taskDone(String jobId, int index, String worker, Duration elapsed) {
    return transaction(c -> {
      // the job's row is locked first: two workers finishing its last two tasks at once would otherwise each count the
      // other's task as unfinished (read committed) and neither schedule the splice
      one(c, "SELECT state FROM " + jobs + " WHERE id = ? FOR UPDATE", ps -> ps.setString(1, jobId), rs -> rs.getString(1));
      update(c, "UPDATE " + chunks + " SET state = 'DONE', worker = ?, finished_at = now(), elapsed_ms = ?, message = NULL "
          + "WHERE job_id = ? AND idx = ?", worker, elapsed.toMillis(), jobId, index);
      long left = one(c, "SELECT count(*) FROM " + chunks + " WHERE job_id = ? AND state <> 'DONE'", ps -> ps.setString(1, jobId),
          rs -> rs.getLong(1)).orElse(1L);
      if (left > 0) return false;
      int flipped = update(c, "UPDATE " + jobs + " SET state = 'SPLICING', updated_at = now() WHERE id = ? AND state = 'RUNNING'", jobId);
      if (flipped == 0) return false;
      scheduleSplice(c, jobId);
      return true;
    });
  }

  /** A task's attempt failed and it will be retried. */
  public void taskRetrying(String jobId, int index, String message) {
    taskState(jobId, index, TaskState.RETRYING, message);
  }

  /** A task goes back to waiting (released by a stopping worker, or its worker died). */
  public void taskPending(String jobId, int index, String message) {
    autocommit(c -> update(c, "UPDATE " + chunks + " SET state = 'PENDING', message = ? WHERE job_id = ? AND idx = ? AND state <> 'DONE'",
        message, jobId, index));
  }

  private void taskState(String jobId, int index, TaskState state, String message) {
    autocommit(c -> update(c, "UPDATE " + chunks + " SET state = ?, message = ? WHERE job_id = ? AND idx = ?", state.name(), message, jobId,
        index));
  }

  /** A task failed for good: so does its job; its waiting executions are removed (running ones see the state and stop). */
  public void taskFailed(String jobId, int index, String message) {
    transaction(c -> {
      update(c, "UPDATE " + chunks + " SET state = 'FAILED', message = ? WHERE job_id = ? AND idx = ?", message, jobId, index);
      failJob(c, jobId, message);
      return null;
    });
  }

  /** The job failed (its splice failed for good). */
  public void jobFailed(String jobId, String message) {
    transaction(c -> {
      failJob(c, jobId, message);
      return null;
    });
  }

  private void failJob(Connection c, String jobId, String message) throws SQLException {
    update(c, "UPDATE " + jobs + " SET state = 'FAILED', message = ?, updated_at = now() WHERE id = ? AND state IN ('RUNNING', 'SPLICING')",
        message, jobId);
    removeWaiting(c, jobId);
  }

  private void removeWaiting(Connection c, String jobId) throws SQLException {
    update(c, "DELETE FROM " + tasks + " WHERE NOT picked AND ((task_name = ? AND task_instance LIKE ?) OR (task_name = ? AND task_instance = ?))",
        CHUNK_TASK, likeEscape(jobId) + "#%", SPLICE_TASK, jobId);
  }

  /** A splice execution starts; returns how many have started for the job. */
  public int spliceStarted(String jobId, String worker) {
    return autocommit(c -> one(c, "UPDATE " + jobs + " SET splice_runs = splice_runs + 1, splice_worker = ?, updated_at = now() "
        + "WHERE id = ? RETURNING splice_runs", ps -> {
          ps.setString(1, worker);
          ps.setString(2, jobId);
        }, rs -> rs.getInt(1)).orElse(0));
  }

  /** Splice executions started for the job. */
  public int spliceRuns(String jobId) {
    return autocommit(c -> one(c, "SELECT splice_runs FROM " + jobs + " WHERE id = ?", ps -> ps.setString(1, jobId), rs -> rs.getInt(1))
        .orElse(0));
  }

  /** The splice published the output: the job is done. */
  public void spliceDone(String jobId) {
    autocommit(c -> update(c, "UPDATE " + jobs + " SET state = 'DONE', splices_done = splices_done + 1, finished_at = now(), "
        + "updated_at = now(), message = NULL WHERE id = ? AND state = 'SPLICING'", jobId));
  }

  /**
   * Cancels an active job: its state becomes CANCELLED, waiting executions are removed, unfinished tasks are marked
   * cancelled; workers stop the ones they run. Returns false if there is no such active job.
   */
  public boolean cancel(String jobId) {
    return transaction(c -> {
      int n = update(c, "UPDATE " + jobs + " SET state = 'CANCELLED', message = 'cancelled', updated_at = now() "
          + "WHERE id = ? AND state IN ('RUNNING', 'SPLICING')", jobId);
      if (n == 0) return false;
      removeWaiting(c, jobId);
      update(c, "UPDATE " + chunks + " SET state = 'CANCELLED' WHERE job_id = ? AND state <> 'DONE'", jobId);
      return true;
    });
  }

  // ---------------------------------------------------------------------------------------------------------
  // Status

  /** Every job, oldest first. */
  public List<JobStatus> jobs() {
    return autocommit(c -> statuses(c, null));
  }

  /** One job. */
  public Optional<JobStatus> status(String id) {
    return autocommit(c -> statuses(c, id).stream().findFirst());
  }

  private List<JobStatus> statuses(Connection c, String onlyId) throws SQLException {
    Map<String, Object[]> rows = new LinkedHashMap<>();
    String where = onlyId == null ? "" : " WHERE id = ?";
    try (PreparedStatement ps = c.prepareStatement("SELECT id, output, state, message, created_at, updated_at, splice_runs, splices_done, "
        + "splice_worker, fingerprint FROM " + jobs + where + " ORDER BY created_at, id")) {
      if (onlyId != null) ps.setString(1, onlyId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5)),
              instant(rs.getTimestamp(6)), rs.getInt(7), rs.getInt(8), rs.getString(9), rs.getString(10)});
        }
      }
    }
    Map<String, String> held = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT task_instance, picked_by FROM " + tasks + " WHERE task_name = ? AND picked")) {
      ps.setString(1, CHUNK_TASK);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) held.put(rs.getString(1), rs.getString(2) == null ? "" : rs.getString(2));
      }
    }
    Map<String, List<TaskStatus>> taskRows = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT job_id, idx, kind, state, worker, attempts, elapsed_ms, message FROM " + chunks
        + (onlyId == null ? "" : " WHERE job_id = ?") + " ORDER BY job_id, idx")) {
      if (onlyId != null) ps.setString(1, onlyId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String job = rs.getString(1);
          int idx = rs.getInt(2);
          long ms = rs.getLong(7);
          Optional<Duration> elapsed = rs.wasNull() ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
          taskRows.computeIfAbsent(job, k -> new ArrayList<>()).add(new TaskStatus(idx, ChunkTask.Kind.valueOf(rs.getString(3)),
              TaskState.valueOf(rs.getString(4)), nonNull(rs.getString(5)), held.getOrDefault(chunkInstance(job, idx), ""), rs.getInt(6),
              elapsed, nonNull(rs.getString(8))));
        }
      }
    }
    List<JobStatus> out = new ArrayList<>();
    for (Map.Entry<String, Object[]> e : rows.entrySet()) {
      Object[] r = e.getValue();
      out.add(new JobStatus(e.getKey(), (String) r[0], (String) r[8], JobState.valueOf((String) r[1]), nonNull((String) r[2]), (Instant) r[3], (Instant) r[4],
          (Integer) r[5], (Integer) r[6], nonNull((String) r[7]), taskRows.getOrDefault(e.getKey(), List.of())));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // JDBC helpers

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  @FunctionalInterface
  private interface Mapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static <T> Optional<T> one(Connection c, String sql, Binder binder, Mapper<T> mapper) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty();
      }
    }
  }

  private static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
      return ps.executeUpdate();
    }
  }

  private static String likeEscape(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static Instant instant(Timestamp t) {
    return t == null ? Instant.EPOCH : t.toInstant();
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }
}
