package dev.patchwork.examples;

import dev.patchwork.ValidationException;
import dev.patchwork.cluster.Cluster;
import dev.patchwork.cluster.ClusterWorker;
import dev.patchwork.cluster.JobState;
import dev.patchwork.cluster.JobStatus;
import dev.patchwork.ffmpeg.FfmpegChunkRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.LocalChunkExecutor;
import dev.patchwork.ffmpeg.MasterRender;
import dev.patchwork.ffmpeg.MasterResult;
import dev.patchwork.ffmpeg.MasterSettings;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkReport;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork master}: the first render of a deliverable, in GOP-aligned chunks rendered in parallel. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Encode a source into a deliverable in GOP-aligned chunks rendered in parallel (local workers, or a cluster "
        + "with --cluster), spliced losslessly, verified, with its sidecar (OUT.patchwork.toml). Running the same command "
        + "again resumes an unfinished render, keeping the chunk files that are complete.")
final class MasterCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<source>", description = "The source media (picture and sound of the deliverable).")
  Path source;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT",
      description = "The deliverable to write; its extension picks the container (.mp4, .mov, .mxf, .mkv). Never overwritten.")
  Path output;

  @Option(names = "--codec", paramLabel = "CODEC", defaultValue = "h264",
      description = "h264 (MP4, High, CRF 18), hevc (MP4, Main, CRF 20), prores (MOV, 422 HQ), dnxhr (MXF, HQ) or mpeg2 "
          + "(MXF, 4:2:2 50 Mb/s). Default: ${DEFAULT-VALUE}.")
  MasterSettings.Codec codec;

  @Option(names = "--gop", paramLabel = "N", description = "Frames per GOP for long-GOP codecs (default: about 2 s).")
  Integer gop;

  @Option(names = "--crf", paramLabel = "N", description = "Constant rate factor (h264, hevc).")
  Integer crf;

  @Option(names = "--bitrate", paramLabel = "B", description = "Video bit rate, e.g. 8M or 12000k (h264/hevc average, mpeg2 maximum).")
  String bitrate;

  @Option(names = "--audio", paramLabel = "MODE",
      description = "aac, pcm or copy (default: aac for h264/hevc, pcm otherwise). Encoded once for the whole file.")
  MasterSettings.Audio audio;

  @Option(names = "--chunk-seconds", paramLabel = "S", description = "About how long a chunk is (default 20; whole GOPs, balanced).")
  BigDecimal chunkSeconds;

  @Option(names = "--workers", paramLabel = "N",
      description = "Local workers (default: one per processor). With --cluster, this machine also renders with N slots.")
  Integer workers;

  @Option(names = "--threads", paramLabel = "N", description = "Encoder threads per chunk (default: the encoder's choice).")
  int threads;

  @Option(names = "--preset", paramLabel = "P", description = "x264/x265 preset (default medium).")
  String preset;

  @Option(names = "--chunk-timeout", paramLabel = "S",
      description = "Seconds one chunk may take before its ffmpeg is stopped and the chunk retried (default 600 + 30 x chunk seconds).")
  Long chunkTimeout;

  @Option(names = "--cluster", paramLabel = "JDBC_URL",
      description = "Render on a cluster of workers sharing this PostgreSQL database (jdbc:postgresql://host/db) and the storage "
          + "of the source and output. Waits until a worker has spliced the output; stopping the wait loses nothing.")
  String cluster;

  @Mixin ClusterArgs clusterArgs;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MasterSettings settings = settings();
    FfmpegTools tools = FfmpegTools.locate();
    MasterRender render = new MasterRender(tools);
    MasterResult result;
    try (ProgressLines progress = new ProgressLines(err)) {
      if (cluster == null) {
        int n = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        result = render.render(source, output, settings, LocalChunkExecutor.withWorkers(n), progress);
      } else {
        result = onCluster(render, tools, settings, progress);
      }
    }
    ChunkReport r = result.report();
    err.printf(Locale.ROOT, "rendered %d of %d task(s) in %s, spliced and verified in %s%n", r.renderedTasks(), r.runs().size(),
        seconds(r.renderElapsed()), seconds(r.assembleElapsed()));
    err.flush();
    out.println(result.output());
    out.println(result.sidecar());
    out.flush();
    return Main.OK;
  }

  private MasterResult onCluster(MasterRender render, FfmpegTools tools, MasterSettings settings, ProgressLines progress) {
    Cluster c = clusterArgs.connect(cluster);
    ChunkJob job = render.plan(source, output, settings);
    if (Files.exists(Path.of(job.output()))) {
      Optional<JobStatus> earlier = c.job(job.id());
      boolean same = earlier.isPresent() && earlier.get().state() == JobState.DONE && earlier.get().fingerprint().equals(job.fingerprint());
      if (!same) {
        throw new ValidationException("-o", job.output() + " exists; Patchwork does not overwrite a deliverable. Remove it (and its "
            + "sidecar) or choose another output");
      }
    }
    ClusterWorker local = null;
    if (workers != null) {
      local = c.worker(new FfmpegChunkRenderer(tools), positive("--workers", workers), Cluster.defaultWorkerName());
      local.start();
    }
    try {
      return render.run(job, c.executor(), progress);
    } finally {
      if (local != null) local.stop();
    }
  }

  private MasterSettings settings() {
    MasterSettings s = MasterSettings.of(codec);
    if (gop != null) s = s.withGop(positive("--gop", gop));
    if (crf != null) s = s.withCrf(crf);
    if (bitrate != null) s = s.withBitrate(bitsPerSecond(bitrate));
    if (audio != null) s = s.withAudio(audio);
    if (chunkSeconds != null) {
      if (chunkSeconds.signum() <= 0) throw usage("--chunk-seconds must be positive, not " + chunkSeconds.toPlainString());
      s = s.withChunkDuration(Duration.ofNanos(chunkSeconds.movePointRight(9).longValue()));
    }
    if (threads < 0) throw usage("--threads must be 0 or more, not " + threads);
    s = s.withEncoderThreads(threads);
    if (preset != null) s = s.withPreset(preset);
    if (chunkTimeout != null) s = s.withTimeLimit(Duration.ofSeconds(positive("--chunk-timeout", chunkTimeout)));
    if (workers != null) positive("--workers", workers);
    return s;
  }

  private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)([kKmMgG]?)");

  /** {@code 8M}, {@code 12000k}, {@code 2.5M}, {@code 8000000} in bits per second. */
  long bitsPerSecond(String text) {
    Matcher m = RATE.matcher(text.strip());
    if (!m.matches()) throw usage("--bitrate: not a bit rate: '" + text + "' (expected e.g. 8M, 12000k or 8000000)");
    BigDecimal v = new BigDecimal(m.group(1));
    int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> 3;
      case "m" -> 6;
      case "g" -> 9;
      default -> 0;
    };
    long bits = v.movePointRight(shift).longValue();
    if (bits <= 0) throw usage("--bitrate must be positive, not " + text);
    return bits;
  }

  private <N extends Number> N positive(String option, N n) {
    if (n.longValue() <= 0) throw usage(option + " must be positive, not " + n);
    return n;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%d.%02d s", d.toSeconds(), d.toMillisPart() / 10);
  }
}
