package dev.patchwork.examples;

import dev.patchwork.cluster.Cluster;
import dev.patchwork.cluster.ClusterConfig;
import dev.patchwork.cluster.ClusterWorker;
import dev.patchwork.ffmpeg.FfmpegChunkRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchwork worker}: render chunks and splice jobs for a cluster until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Render chunks and splice jobs for a render cluster until stopped. SIGTERM or Ctrl-C stops it gracefully: "
        + "running chunks get --drain-seconds to finish, then they are released to other workers (exit 130). A worker that "
        + "dies is replaced by the others within a few seconds.")
final class WorkerCommand implements Callable<Integer> {

  @Option(names = "--cluster", required = true, paramLabel = "JDBC_URL",
      description = "The cluster's PostgreSQL database (jdbc:postgresql://host[:port]/database).")
  String cluster;

  @Mixin ClusterArgs clusterArgs;

  @Option(names = "--slots", paramLabel = "N", defaultValue = "1", description = "Chunks rendered at once (default ${DEFAULT-VALUE}).")
  int slots;

  @Option(names = "--name", paramLabel = "NAME", description = "The worker's name in the cluster (default <host>-<pid>).")
  String name;

  @Option(names = "--drain-seconds", paramLabel = "S", description = "On a stop, how long running chunks may finish (default 5).")
  BigDecimal drainSeconds;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (System.getProperty("org.slf4j.simpleLogger.log.dev.patchwork.cluster") == null) {
      // what the worker does (chunks started, done, released, spliced) is its output
      System.setProperty("org.slf4j.simpleLogger.log.dev.patchwork.cluster", verbose ? "debug" : "info");
    }
    PrintWriter err = spec.commandLine().getErr();
    if (slots < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--slots must be positive, not " + slots);
    ClusterConfig config = clusterArgs.config(cluster);
    if (drainSeconds != null) {
      if (drainSeconds.signum() < 0) throw new CommandLine.ParameterException(spec.commandLine(), "--drain-seconds must be 0 or more");
      config = config.withDrain(Duration.ofMillis(drainSeconds.movePointRight(3).longValue()));
    }
    Cluster c = Cluster.connect(config);
    FfmpegTools tools = FfmpegTools.locate();
    ClusterWorker worker = c.worker(new FfmpegChunkRenderer(tools), slots, name != null ? name : Cluster.defaultWorkerName());
    worker.start();
    err.printf(Locale.ROOT, "worker %s: %d slot(s) on %s; %s%n", worker.name(), slots, cluster, tools.versionLine());
    err.flush();
    try {
      Thread.sleep(Long.MAX_VALUE);
    } catch (InterruptedException e) {
      err.printf(Locale.ROOT, "worker %s: stopping (running chunks finish within %s or are released)%n", worker.name(),
          MasterCommand.seconds(config.drain()));
      err.flush();
      worker.stop();
      Thread.currentThread().interrupt();
    }
    return Main.INTERRUPTED;
  }
}
