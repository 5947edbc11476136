package dev.patchwork.examples;

import dev.patchwork.cluster.Cluster;
import dev.patchwork.cluster.JobStatus;
import dev.patchwork.cluster.TaskState;
import dev.patchwork.cluster.TaskStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code patchwork jobs}: the jobs of a render cluster, per worker; {@code jobs cancel ID} stops one. */
@Command(name = "jobs", mixinStandardHelpOptions = true, subcommands = JobsCommand.Cancel.class,
    description = "List the jobs of a render cluster: state, chunks done/running/failed, and per worker. "
        + "'patchwork jobs --cluster URL cancel ID' stops a job (running it again resumes it).")
final class JobsCommand implements Callable<Integer> {

  @Option(names = "--cluster", required = true, paramLabel = "JDBC_URL", description = "The cluster's PostgreSQL database.")
  String cluster;

  @Mixin ClusterArgs clusterArgs;

  @Option(names = "--json", description = "Print the jobs as JSON on stdout.")
  boolean json;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<JobStatus> jobs = clusterArgs.connect(cluster).jobs();
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      StringBuilder sb = new StringBuilder("[");
      for (JobStatus j : jobs) {
        if (sb.length() > 1) sb.append(',');
        sb.append(json(j));
      }
      out.println(sb.append(']'));
    } else if (jobs.isEmpty()) {
      out.println("no jobs");
    } else {
      out.printf(Locale.ROOT, "%-16s  %-9s  %5s  %7s  %6s  %5s  %s%n", "JOB", "STATE", "DONE", "RUNNING", "FAILED", "TASKS", "OUTPUT");
      for (JobStatus j : jobs) {
        out.printf(Locale.ROOT, "%-16s  %-9s  %5d  %7d  %6d  %5d  %s%n", j.id(), j.state(), j.count(TaskState.DONE), j.running(),
            j.count(TaskState.FAILED), j.tasks().size(), j.output());
        for (Map.Entry<String, JobStatus.WorkerCounts> w : j.perWorker().entrySet()) {
          out.printf(Locale.ROOT, "  worker %s: %d done, %d running, %d failed%n", w.getKey(), w.getValue().done(), w.getValue().running(),
              w.getValue().failed());
        }
        if (!j.message().isEmpty()) out.printf(Locale.ROOT, "  %s%n", j.message());
      }
    }
    out.flush();
    return Main.OK;
  }

  static String json(JobStatus j) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "{\"id\":%s,\"state\":\"%s\",\"output\":%s,\"done\":%d,\"running\":%d,\"failed\":%d,\"tasks\":%d,"
        + "\"spliceRuns\":%d,\"message\":%s,\"workers\":{", Json.string(j.id()), j.state(), Json.string(j.output()), j.count(TaskState.DONE),
        j.running(), j.count(TaskState.FAILED), j.tasks().size(), j.spliceRuns(), Json.string(j.message())));
    boolean first = true;
    for (Map.Entry<String, JobStatus.WorkerCounts> w : j.perWorker().entrySet()) {
      if (!first) sb.append(',');
      first = false;
      sb.append(String.format(Locale.ROOT, "%s:{\"done\":%d,\"running\":%d,\"failed\":%d}", Json.string(w.getKey()), w.getValue().done(),
          w.getValue().running(), w.getValue().failed()));
    }
    sb.append("},\"chunks\":[");
    first = true;
    for (TaskStatus t : j.tasks()) {
      if (!first) sb.append(',');
      first = false;
      sb.append(String.format(Locale.ROOT, "{\"index\":%d,\"kind\":\"%s\",\"state\":\"%s\",\"worker\":%s,\"attempts\":%d,\"message\":%s}",
          t.index(), t.kind().name().toLowerCase(Locale.ROOT), t.state(), Json.string(t.worker()), t.attempts(), Json.string(t.message())));
    }
    return sb.append("]}").toString();
  }

  /** {@code patchwork jobs --cluster URL cancel ID}. */
  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancel a job: no chunk of it starts any more and workers stop the ones they run. Running the same "
          + "'patchwork master' command again resumes it.")
  static final class Cancel implements Callable<Integer> {

    @ParentCommand JobsCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "The job (see 'patchwork jobs').")
    String id;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Cluster c = parent.clusterArgs.connect(parent.cluster);
      PrintWriter out = spec.commandLine().getOut();
      if (c.cancel(id)) {
        out.println("cancelled job " + id);
        out.flush();
        return Main.OK;
      }
      String why = c.job(id).map(j -> "job " + id + " is " + j.state() + "; only running jobs can be cancelled")
          .orElse("there is no job " + id);
      throw new dev.patchwork.ValidationException("ID", why);
    }
  }
}
