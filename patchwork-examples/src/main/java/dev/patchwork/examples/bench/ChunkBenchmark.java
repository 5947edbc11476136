package dev.patchwork.examples.bench;

import dev.patchwork.PatchListener;
import dev.patchwork.plan.Segment;
import dev.patchwork.ffmpeg.FfmpegChunkRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.LocalChunkExecutor;
import dev.patchwork.ffmpeg.MasterRender;
import dev.patchwork.ffmpeg.MasterSettings;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkReport;
import dev.patchwork.spi.ChunkTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Chunked first render against one monolithic encode, on this machine, in one run.
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * java -cp "patchwork-examples/target/patchwork-examples-0.1.0-SNAPSHOT.jar:patchwork-examples/target/lib/*" \
 *     dev.patchwork.examples.bench.ChunkBenchmark [--seconds 120] [--size 1920x1080] [--rate 25] [--workers 2] \
 *     [--chunk-seconds 20] [--preset medium] [--crf 18] [--rounds 1] [--dir DIR] [--keep]
 * </pre>
 *
 * <ol>
 *   <li>Generates the source: {@code testsrc2} at the size and rate with a sine tone, {@code --seconds} long (x264
 *       ultrafast, near-lossless, a key frame every second, so that decoding it is cheap for both sides).
 *   <li>Monolithic: one ffmpeg run of the same settings ({@link MasterRender#monolithicCommand}) with 2 encoder threads.
 *   <li>Chunked: {@code --workers} local workers, 1 encoder thread each ({@link LocalChunkExecutor}), the audio encoded once
 *       as one more task, spliced by stream copy; then verified and adopted (timed separately: the monolithic encode does
 *       neither).
 * </ol>
 *
 * With {@code --rounds R} both are run R times, the order alternating, and the means are compared: the load of a shared
 * machine drifts. Prints the wall ratio chunked / monolithic (target ≤ 1.05), the per-chunk overhead (each chunk's wall time minus its
 * frames at the encoding rate it reached in its steady state: process start, seek, decoder and encoder warm-up, flush,
 * check and rename), and the projected time and speed-up on N such machines from the measured chunk and splice times.
 */
public final class ChunkBenchmark {

  private ChunkBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int seconds = Integer.parseInt(o.getOrDefault("--seconds", "120"));
    String size = o.getOrDefault("--size", "1920x1080");
    int rate = Integer.parseInt(o.getOrDefault("--rate", "25"));
    int workers = Integer.parseInt(o.getOrDefault("--workers", "2"));
    String chunkSeconds = o.getOrDefault("--chunk-seconds", "20");
    String preset = o.getOrDefault("--preset", "medium");
    int crf = Integer.parseInt(o.getOrDefault("--crf", "18"));
    boolean keep = o.containsKey("--keep");
    Path dir = o.containsKey("--dir") ? Files.createDirectories(Path.of(o.get("--dir"))) : Files.createTempDirectory("patchwork-bench");

    FfmpegTools tools = FfmpegTools.locate();
    System.out.printf(Locale.ROOT, "patchwork chunk benchmark: %d s of %s at %d fps, x264 %s CRF %d, %d processors; %s%n", seconds, size, rate,
        preset, crf, Runtime.getRuntime().availableProcessors(), tools.versionLine());

    Path source = dir.resolve("source.mkv");
    long t0 = System.nanoTime();
    run(tools, List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
        "testsrc2=size=" + size + ":rate=" + rate, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", Integer.toString(seconds),
        "-ac", "2", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "8", "-g", Integer.toString(rate), "-c:a", "pcm_s16le", source.toString()));
    System.out.printf(Locale.ROOT, "source generated in %s: %s%n", s(nanos(t0)), source);

    MasterSettings settings = MasterSettings.of(MasterSettings.Codec.H264).withPreset(preset).withCrf(crf)
        .withChunkDuration(Duration.ofMillis(Math.round(Double.parseDouble(chunkSeconds) * 1000)));
    MasterRender render = new MasterRender(tools);

    // rounds of one monolithic encode and one chunked render, the order alternating (a shared machine's load drifts)
    int rounds = Integer.parseInt(o.getOrDefault("--rounds", "1"));
    Path mono = dir.resolve("monolithic.mp4");
    Path chunked = dir.resolve("chunked.mp4");
    List<String> argv = render.monolithicCommand(source, mono, settings.withEncoderThreads(2));
    ChunkJob job = render.plan(source, chunked, settings.withEncoderThreads(1));
    Duration monoWall = Duration.ZERO;
    Duration render0 = Duration.ZERO;
    Duration splice = Duration.ZERO;
    Duration verify = Duration.ZERO;
    Timing timing = null;
    List<String> ratios = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      Duration m = Duration.ZERO;
      Duration c = Duration.ZERO;
      for (int side = 0; side < 2; side++) {
        boolean monolithic = (side == 0) == (round % 2 == 0);
        if (monolithic) {
          // 1. monolithic, 2 encoder threads
          Files.deleteIfExists(mono);
          t0 = System.nanoTime();
          run(tools, argv);
          m = nanos(t0);
          System.out.printf(Locale.ROOT, "round %d: monolithic (1 ffmpeg, 2 encoder threads): %s%n", round + 1, s(m));
        } else {
          // 2. chunked, N workers x 1 encoder thread
          Files.deleteIfExists(chunked);
          Files.deleteIfExists(dir.resolve("chunked.mp4.patchwork.toml"));
          timing = new Timing(new FfmpegChunkRenderer(tools));
          Phases phases = new Phases();
          t0 = System.nanoTime();
          ChunkReport report = LocalChunkExecutor.withWorkers(workers).execute(job, timing, phases);
          Duration all = nanos(t0);
          Duration sp = phases.between(phases.spliceStart, phases.verifyStart);
          c = report.renderElapsed().plus(sp);
          render0 = render0.plus(report.renderElapsed());
          splice = splice.plus(sp);
          verify = verify.plus(report.assembleElapsed().minus(sp));
          System.out.printf(Locale.ROOT, "round %d: chunked (%d workers x 1 encoder thread): %s (render + splice), %s with verification%n",
              round + 1, workers, s(c), s(all));
        }
      }
      monoWall = monoWall.plus(m);
      ratios.add(String.format(Locale.ROOT, "%.3f", c.toNanos() / (double) m.toNanos()));
    }
    monoWall = monoWall.dividedBy(rounds);
    render0 = render0.dividedBy(rounds);
    splice = splice.dividedBy(rounds);
    verify = verify.dividedBy(rounds);
    Duration chunkedWall = render0.plus(splice);
    System.out.println();

    List<ChunkTask> video = job.videoTasks();
    double sumChunk = 0;
    double sumOverhead = 0;
    int measured = 0;
    System.out.printf(Locale.ROOT, "chunked (%d workers x 1 encoder thread, %d chunks of %d frames + audio), last round:%n", workers,
        video.size(), video.get(0).frameCount());
    for (ChunkTask t : job.tasks()) {
      Timing.Run r = timing.runs.get(t.index());
      String extra = "";
      if (t.kind() == ChunkTask.Kind.VIDEO) sumChunk += r.wall().toNanos() / 1e9;
      if (t.kind() == ChunkTask.Kind.VIDEO && r.overhead() != null) {
        sumOverhead += r.overhead().toNanos() / 1e9;
        measured++;
        extra = String.format(Locale.ROOT, ", steady %.1f fps, overhead %s", r.steadyFps(), s(r.overhead()));
      }
      System.out.printf(Locale.ROOT, "  %-28s %s%s%n", t.describe(), s(r.wall()), extra);
    }
    double meanChunk = sumChunk / video.size();
    // chunks too short for two progress reports have no steady rate; the others' mean stands for them
    double overhead = measured == 0 ? 0 : sumOverhead / measured;
    String avg = rounds > 1 ? " (mean of " + rounds + " rounds)" : "";
    System.out.printf(Locale.ROOT, "monolithic wall%s: %s%n", avg, s(monoWall));
    System.out.printf(Locale.ROOT, "chunked%s: chunks and audio %s, splice (stream copy) %s, wall (render + splice) %s%n", avg, s(render0),
        s(splice), s(chunkedWall));
    System.out.printf(Locale.ROOT, "  then verification (probe, full decode) and sidecar (hashing): %s%n", s(verify));

    double ratio = chunkedWall.toNanos() / (double) monoWall.toNanos();
    System.out.printf(Locale.ROOT, "%nwall ratio chunked / monolithic: %.3f%s (target <= 1.05: %s)%s%n", ratio, avg, ratio <= 1.05 ? "met" : "NOT met",
        rounds > 1 ? "; per round " + String.join(", ", ratios) : "");
    System.out.printf(Locale.ROOT, "per-chunk overhead: %.2f s on average over %d chunk(s) (%.1f %% of a %.1f s chunk)%n", overhead, measured,
        100 * overhead / meanChunk, meanChunk);

    // 3. projection: N machines like this one (workers each), chunks re-cut to one per worker
    double work = sumChunk - overhead * video.size(); // pure encoding, in worker-seconds
    double spliceS = splice.toNanos() / 1e9;
    double monoS = monoWall.toNanos() / 1e9;
    System.out.printf(Locale.ROOT, "%nprojection for N machines with %d workers each (T(N) = encode work / (%d N) + overhead + splice;%n"
        + "encode work %.1f worker-s, overhead %.2f s, splice %.2f s; this run's %d chunks: ceil(%d / %d N) x %.1f s + splice):%n",
        workers, workers, work, overhead, spliceS, video.size(), video.size(), workers, meanChunk);
    System.out.printf(Locale.ROOT, "  %4s  %10s  %9s  %16s%n", "N", "T(N)", "speed-up", "with %d chunks".formatted(video.size()));
    for (int n : new int[] {1, 2, 4, 8, 16, 32}) {
      double t = work / (workers * n) + overhead + spliceS;
      double fixed = Math.ceil(video.size() / (double) (workers * n)) * meanChunk + spliceS;
      System.out.printf(Locale.ROOT, "  %4d  %9.1fs  %8.2fx  %9.1fs %5.2fx%n", n, t, monoS / t, fixed, monoS / fixed);
    }
    System.out.printf(Locale.ROOT, "  (speed-up against the monolithic encode on one machine; verification and sidecar, %s here, come on top%n"
        + "   and do not shrink with N)%n", s(verify));

    if (!keep) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    } else {
      System.out.println("kept " + dir);
    }
  }

  /** Each task's wall time and the frames it had encoded at each progress report. */
  private static final class Timing implements ChunkRenderer {
    private final FfmpegChunkRenderer delegate;
    final Map<Integer, Run> runs = new ConcurrentHashMap<>();

    record Run(Duration wall, Duration overhead, double steadyFps) {}

    Timing(FfmpegChunkRenderer delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return "timed " + delegate.name();
    }

    @Override
    public boolean isComplete(ChunkJob job, ChunkTask task) {
      return delegate.isComplete(job, task);
    }

    @Override
    public void render(ChunkJob job, ChunkTask task, Duration timeLimit, PatchListener listener) {
      List<long[]> points = new ArrayList<>(); // {nanos, frames}
      long start = System.nanoTime();
      delegate.render(job, task, timeLimit, new PatchListener() {
        @Override
        public void progress(Segment segment, long done, long total) {
          synchronized (points) {
            points.add(new long[] {System.nanoTime(), done});
          }
          listener.progress(segment, done, total);
        }
      });
      long end = System.nanoTime();
      Duration overhead = null;
      double fps = 0;
      synchronized (points) {
        // the steady state: the encoding rate between 20 % and 80 % of the frames. Wall time beyond the frames at that rate
        // is the chunk's overhead (process start, seek, decoder pre-roll, check and rename; the encoder's look-ahead fill at
        // the start and its faster flush at the end roughly cancel)
        long lo = task.frameCount() / 5;
        long hi = task.frameCount() * 4 / 5;
        long[] first = points.stream().filter(p -> p[1] >= lo).findFirst().orElse(null);
        long[] last = null;
        for (long[] p : points) {
          if (p[1] <= hi) last = p;
        }
        if (first != null && last != null && last[1] > first[1] && last[0] > first[0]) {
          fps = (last[1] - first[1]) / ((last[0] - first[0]) / 1e9);
          overhead = Duration.ofNanos(end - start).minus(Duration.ofNanos(Math.round(task.frameCount() / fps * 1e9)));
        }
      }
      runs.put(task.index(), new Run(Duration.ofNanos(end - start), overhead, fps));
    }

    @Override
    public void assemble(ChunkJob job, PatchListener listener) {
      delegate.assemble(job, listener);
    }

    @Override
    public boolean isAssembled(ChunkJob job) {
      return delegate.isAssembled(job);
    }
  }

  /** When the assembly's phases began (from the renderer's events). */
  private static final class Phases implements PatchListener {
    volatile long spliceStart;
    volatile long verifyStart;

    @Override
    public void segmentStarted(Segment segment) {
      if (segment == null) spliceStart = System.nanoTime();
    }

    @Override
    public void message(String text) {
      if (text.startsWith("verifying")) verifyStart = System.nanoTime();
    }

    Duration between(long a, long b) {
      return a == 0 || b == 0 ? Duration.ZERO : Duration.ofNanos(b - a);
    }
  }

  private static void run(FfmpegTools tools, List<String> argv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) throw new IllegalStateException("ffmpeg failed: " + out);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--keep")) {
        o.put(a, "");
      } else if (a.startsWith("--") && i + 1 < args.length) {
        o.put(a, args[++i]);
      } else {
        System.err.println("usage: ChunkBenchmark [--seconds 120] [--size 1920x1080] [--rate 25] [--workers 2] [--chunk-seconds 20] "
            + "[--preset medium] [--crf 18] [--rounds 1] [--dir DIR] [--keep]");
        System.exit(2);
      }
    }
    return o;
  }

  private static Duration nanos(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static String s(Duration d) {
    return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
  }
}
