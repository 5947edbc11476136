package dev.patchwork.cluster;

import dev.patchwork.cluster.internal.Store;
import dev.patchwork.spi.ChunkExecutor;
import dev.patchwork.spi.ChunkRenderer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster of render workers that share one PostgreSQL database and the storage the media is on.
 *
 * <ul>
 *   <li>{@link #executor()}: the {@link ChunkExecutor} a coordinator ({@code patchwork master --cluster}) submits a job with
 *       and follows until it is done. The job is identified by its output; submitting the same render again resumes it,
 *       and a coordinator that stops loses nothing: the workers go on, the next coordinator picks the job up.
 *   <li>{@link #worker}: a worker ({@code patchwork worker}) that renders chunks and splices jobs, with heartbeat
 *       failover in seconds, retries with back-off, a time limit per chunk, and a graceful stop.
 *   <li>{@link #jobs()}, {@link #cancel}: status and control ({@code patchwork jobs}).
 * </ul>
 *
 * The tables are created on first use. Thread-safe; holds no connection between calls.
 */
public final class Cluster {

  private final ClusterConfig config;
  private final Store store;

  private Cluster(ClusterConfig config, Store store) {
    this.config = config;
    this.store = store;
  }

  /**
   * Connects once to check the database and creates the cluster's tables if they do not exist.
   *
   * @throws ClusterUnavailableException if the database cannot be reached or used (bad URL, server down, credentials)
   */
  public static Cluster connect(ClusterConfig config) {
    Objects.requireNonNull(config, "config");
    Store store = new Store(config);
    store.ensureSchema();
    return new Cluster(config, store);
  }

  public ClusterConfig config() {
    return config;
  }

  /** The executor that submits jobs to the cluster and follows them. */
  public ClusterExecutor executor() {
    return new ClusterExecutor(store, config);
  }

  /**
   * A worker, not yet started.
   *
   * @param renderer renders chunks and assembles jobs on this machine
   * @param slots    tasks it runs at once
   * @param name     its name in the database (unique in the cluster; see {@link #defaultWorkerName()})
   */
  public ClusterWorker worker(ChunkRenderer renderer, int slots, String name) {
    return new ClusterWorker(store, config, renderer, slots, name);
  }

  /** Every job, oldest first. */
  public List<JobStatus> jobs() {
    return store.jobs();
  }

  /** The job {@code id}, if it exists. */
  public Optional<JobStatus> job(String id) {
    return store.status(id);
  }

  /**
   * Cancels an active job: no task of it starts any more and workers stop the ones they run (within a second or two).
   * Running the same render again resumes it.
   *
   * @return false if there is no such job or it is not active
   */
  public boolean cancel(String id) {
    Objects.requireNonNull(id, "id");
    return store.cancel(id);
  }

  /** {@code <host name>-<process id>}: unique for workers on one machine. */
  public static String defaultWorkerName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "worker";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
