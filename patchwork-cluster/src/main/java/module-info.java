/**
 * Chunked first renders distributed over machines that share a PostgreSQL database and storage: db-scheduler executions
 * with heartbeat failover, retries and a splice scheduled exactly once. See {@link dev.patchwork.cluster}.
 */
module dev.patchwork.cluster {
  requires transitive dev.patchwork.core;
  requires transitive java.sql;
  requires com.github.kagkarlsson.scheduler;
  requires org.slf4j;

  exports dev.patchwork.cluster;
}
