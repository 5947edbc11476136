/**
 * Distributed chunk rendering on db-scheduler and PostgreSQL.
 *
 * <h2>Model</h2>
 *
 * A {@link dev.patchwork.spi.ChunkJob} (a first render split into GOP-aligned chunks and an audio task) is submitted by a
 * coordinator through {@link dev.patchwork.cluster.Cluster#executor()}: one row in {@code patchwork_jobs} (the job's id
 * is its output's identity, its spec the job's JSON), one row per task in {@code patchwork_chunks}, and one db-scheduler
 * execution per unfinished task in {@code patchwork_scheduled_tasks}. {@link dev.patchwork.cluster.ClusterWorker workers}
 * on any machine that sees the database and the media storage pick the executions, render the tasks (each output written
 * to a temporary name and renamed, so a late duplicate is harmless), and mark them done. The update that completes a
 * job's last task flips the job from RUNNING to SPLICING — a conditional update only one transaction wins — and inserts
 * the splice execution in the same transaction: the splice runs exactly once.
 *
 * <h2>Failures</h2>
 *
 * <ul>
 *   <li>A worker that dies stops heart-beating; after {@link dev.patchwork.cluster.ClusterConfig#failoverAfter()} (4 s by
 *       default) another worker picks its executions up and runs them again.
 *   <li>A failed attempt (including a tool stopped at the job's time limit per task) is retried after a back-off that
 *       doubles, up to {@link dev.patchwork.cluster.ClusterConfig#maxAttempts()}; then the job fails.
 *   <li>A stopping worker lets running tasks finish for {@link dev.patchwork.cluster.ClusterConfig#drain()}, then
 *       releases them for others.
 *   <li>{@link dev.patchwork.cluster.Cluster#cancel} stops a job; running the same render again resumes a failed or
 *       cancelled job, keeping every task whose output file is complete (checked on the files, not on the records).
 *   <li>The coordinator holds no state: stopping it loses nothing, and running it again follows the job.
 * </ul>
 *
 * Credentials come from the environment or a properties file ({@link dev.patchwork.cluster.ClusterConfig}); an unusable
 * database is a {@link dev.patchwork.cluster.ClusterUnavailableException}.
 */
package dev.patchwork.cluster;
