package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.cluster.Cluster;
import dev.patchwork.cluster.ClusterConfig;
import dev.patchwork.cluster.JobState;
import dev.patchwork.cluster.JobStatus;
import dev.patchwork.cluster.TaskState;
import dev.patchwork.cluster.TaskStatus;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.ChunkJob;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchwork master --cluster}, {@code worker} and {@code jobs} end to end: a real PostgreSQL started by the test,
 * three worker JVMs ({@code java -cp … Main worker}) rendering real ffmpeg chunks, one of them killed with
 * {@code kill -9} in the middle of a chunk, one chunk whose ffmpeg hangs until the time limit stops it.
 *
 * <p>The workers run ffmpeg through a wrapper script that logs each chunk it is asked for, waits 1.5 s before a chunk (so
 * that a chunk is surely in progress when its worker is killed) and, the first time it is asked for chunk 5, hangs.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterCommandsTest {

  private static final int FRAMES = 300; // 12 s at 25 fps: 12 chunks of 1 s and the audio

  @TempDir static Path tmp;
  EmbeddedPostgres pg;
  /** With the user (a user is no secret; passwords are refused on the command line). */
  String url;
  /** Without credentials: the workers take the user from PGUSER, {@code jobs} from a properties file. */
  String bareUrl;
  Path dir;
  Path source;
  Path wrappers;
  Path runLog;
  FfmpegTools tools;
  final Map<String, Process> workers = new LinkedHashMap<>();

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeAll
  void setUp() throws IOException, InterruptedException {
    pg = EmbeddedPostgres.builder().start();
    bareUrl = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    url = bareUrl + "?user=postgres";
    tools = FfmpegTools.locate();
    dir = Files.createDirectories(tmp.resolve("Geteilter Speicher – été"));
    source = dir.resolve("Quelle 25.mkv");
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-frames:v", Integer.toString(FRAMES), "-af", "atrim=end_sample=" + FRAMES * 1920, "-ac", "2", "-c:v", "ffv1", "-c:a", "pcm_s24le",
        "-timecode", "01:00:00:00", source.toString());
    wrappers = Files.createDirectories(tmp.resolve("wrapped ffmpeg"));
    runLog = wrappers.resolve("chunks.log");
    String env = tools.environment().entrySet().stream().map(e -> "export " + e.getKey() + "='" + e.getValue() + "'")
        .collect(Collectors.joining("\n"));
    script("ffprobe", env + "\nexec '" + tools.ffprobe() + "' \"$@\"");
    script("ffmpeg", env + "\n"
        + "for a in \"$@\"; do case \"$a\" in\n"
        + "  *chunk-0000[0-9]*|*chunk-000[1-9][0-9]*)\n"
        + "    c=$(basename \"$a\" | sed 's/.*\\(chunk-[0-9]*\\).*/\\1/')\n"
        + "    echo \"$c $$\" >> '" + runLog + "'\n"
        + "    if [ \"$c\" = chunk-00005 ] && mkdir '" + wrappers.resolve("hung once") + "' 2>/dev/null; then exec sleep 300; fi\n"
        + "    sleep 1.5;;\n"
        + "esac; done\n"
        + "exec '" + tools.ffmpeg() + "' \"$@\"");
  }

  @AfterAll
  void tearDown() throws IOException {
    workers.values().forEach(Process::destroyForcibly);
    if (pg != null) pg.close();
  }

  @AfterEach
  void stopWorkers() throws InterruptedException {
    for (Process p : workers.values()) p.destroyForcibly();
    for (Process p : workers.values()) p.waitFor(10, TimeUnit.SECONDS);
    workers.clear();
  }

  @Test
  void threeWorkerJvmsOneKilledMidChunkOneChunkHungTheSpliceRunsOnce() throws Exception {
    for (String name : List.of("w1", "w2", "w3")) startWorker(name);
    Path out = dir.resolve("Ausgabe verteilt.mp4");
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> run("master", source.toString(), "-o", out.toString(),
        "--gop", "25", "--chunk-seconds", "1", "--threads", "1", "--preset", "ultrafast", "--chunk-timeout", "4", "--cluster", url));
    String jobId = ChunkJob.idFor(out);
    Cluster cluster = Cluster.connect(ClusterConfig.of(url, Map.of(), null));

    // kill -9 a worker while it renders a chunk (not the one that hangs): its ffmpeg has started (logged by the wrapper)
    String[] victim = new String[2];
    await(() -> {
      Optional<JobStatus> s = cluster.job(jobId);
      if (s.isEmpty()) return false;
      for (TaskStatus t : s.get().tasks()) {
        if (t.index() == 5 || t.kind() != dev.patchwork.spi.ChunkTask.Kind.VIDEO || t.heldBy().isEmpty()) continue;
        if (!workers.containsKey(t.heldBy()) || !logged(String.format("chunk-%05d", t.index()))) continue;
        victim[0] = t.heldBy();
        victim[1] = Integer.toString(t.index());
        return true;
      }
      return false;
    }, Duration.ofSeconds(60), "a worker rendering a chunk");
    Process killed = workers.get(victim[0]);
    killed.destroyForcibly(); // SIGKILL
    assertThat(killed.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(killed.exitValue()).isEqualTo(137);
    int killedChunk = Integer.parseInt(victim[1]);

    Run r = coordinator.get(180, TimeUnit.SECONDS);
    assertThat(r.code()).as(r.err() + workerLogs()).isZero();
    assertThat(r.out()).contains(out.toString());

    JobStatus s = cluster.job(jobId).orElseThrow();
    assertThat(s.state()).isEqualTo(JobState.DONE);
    assertThat(s.count(TaskState.DONE)).isEqualTo(13);
    // the killed worker's chunk ran again elsewhere
    TaskStatus again = s.task(killedChunk).orElseThrow();
    assertThat(again.attempts()).as("attempts of chunk " + killedChunk).isGreaterThanOrEqualTo(2);
    assertThat(again.worker()).isNotEqualTo(victim[0]);
    // the hung chunk was stopped at its time limit and retried
    assertThat(wrappers.resolve("hung once")).isDirectory();
    assertThat(s.task(5).orElseThrow().attempts()).isGreaterThanOrEqualTo(2);
    assertThat(Files.readAllLines(runLog).stream().filter(l -> l.startsWith("chunk-00005 ")).count()).isGreaterThanOrEqualTo(2);
    // Only this test's workers' own processes count: other runs on the machine may have a 'sleep 300' of their own,
    // and the children of the kill -9'd worker are re-parented away from it.
    await(() -> workers.values().stream().flatMap(Process::descendants)
            .noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 300")), Duration.ofSeconds(20),
        "the hung ffmpeg gone");
    // the splice ran exactly once
    assertThat(s.spliceRuns()).isEqualTo(1);
    assertThat(s.splicesDone()).isEqualTo(1);

    // the output: every frame, a clean decode, the source's pictures, its sidecar
    assertThat(decodedFrames(out)).isEqualTo(FRAMES);
    assertThat(decodeErrors(out)).isEmpty();
    assertThat(psnr(out, source)).isGreaterThan(30.0);
    assertThat(Sidecars.read(dir.resolve(out.getFileName() + ".patchwork.toml")).master().frameCount()).isEqualTo(FRAMES);
    assertThat(probe(out, "-show_entries", "format_tags=timecode:stream_tags=timecode", "-of", "csv=p=0")).contains("01:00:00:00");

    // patchwork jobs: per worker (credentials from a properties file)
    Path props = Files.writeString(tmp.resolve("db.properties"), "user=postgres\n");
    Run jobs = run("jobs", "--cluster", bareUrl, "--db-properties", props.toString());
    assertThat(jobs.code()).as(jobs.err()).isZero();
    assertThat(jobs.out()).contains(jobId).contains("DONE").contains(out.toString());
    long survivorsWithWork = workers.keySet().stream().filter(w -> !w.equals(victim[0]) && jobs.out().contains("worker " + w + ":")).count();
    assertThat(survivorsWithWork).isPositive();
    Run json = run("jobs", "--cluster", url, "--json");
    assertThat(json.out()).contains("\"id\":\"" + jobId + "\"").contains("\"spliceRuns\":1");

    // running the same command again finds it done
    Run rerun = run("master", source.toString(), "-o", out.toString(), "--gop", "25", "--chunk-seconds", "1", "--threads", "1", "--preset",
        "ultrafast", "--chunk-timeout", "4", "--cluster", url);
    assertThat(rerun.code()).as(rerun.err()).isZero();
    assertThat(cluster.job(jobId).orElseThrow().spliceRuns()).isEqualTo(1);

    // SIGTERM: the surviving workers stop gracefully and exit 130
    for (Map.Entry<String, Process> w : workers.entrySet()) {
      if (w.getKey().equals(victim[0])) continue;
      w.getValue().destroy(); // SIGTERM
    }
    for (Map.Entry<String, Process> w : workers.entrySet()) {
      if (w.getKey().equals(victim[0])) continue;
      assertThat(w.getValue().waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(w.getValue().exitValue()).isEqualTo(130);
      assertThat(Files.readString(tmp.resolve(w.getKey() + ".log"))).contains("stopping");
    }
  }

  @Test
  void jobsCancelStopsAJobAndUnknownIdsAreRefused() throws Exception {
    Path out = dir.resolve("abgebrochen.mp4");
    CompletableFuture<Run> coordinator = CompletableFuture.supplyAsync(() -> run("master", source.toString(), "-o", out.toString(),
        "--gop", "25", "--chunk-seconds", "2", "--preset", "ultrafast", "--cluster", url));
    String jobId = ChunkJob.idFor(out);
    Cluster cluster = Cluster.connect(ClusterConfig.of(url, Map.of(), null));
    await(() -> cluster.job(jobId).isPresent(), Duration.ofSeconds(30), "the job submitted");

    Run cancel = run("jobs", "--cluster", url, "cancel", jobId);
    assertThat(cancel.code()).as(cancel.err()).isZero();
    Run r = coordinator.get(30, TimeUnit.SECONDS);
    assertThat(r.code()).isEqualTo(130);
    assertThat(r.err()).contains("cancelled");
    assertThat(cluster.job(jobId).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    assertThat(run("jobs", "--cluster", url).out()).contains("CANCELLED");
    Run unknown = run("jobs", "--cluster", url, "cancel", "nosuchjob");
    assertThat(unknown.code()).isEqualTo(3);
    assertThat(unknown.err()).contains("there is no job nosuchjob");
    assertThat(out).doesNotExist();
  }

  @Test
  void anUnreachableDatabaseExits4AndAPasswordOnTheCommandLineIsRefused() {
    Run down = run("jobs", "--cluster", "jdbc:postgresql://127.0.0.1:1/patchwork");
    assertThat(down.code()).isEqualTo(4);
    assertThat(down.err()).startsWith("patchwork: ").contains("cannot connect");
    Run worker = run("worker", "--cluster", "jdbc:postgresql://127.0.0.1:1/patchwork");
    assertThat(worker.code()).isEqualTo(4);
    Run master = run("master", source.toString(), "-o", dir.resolve("nie.mp4").toString(), "--cluster", "jdbc:sqlserver://db;x=1");
    assertThat(master.code()).isEqualTo(4);
    assertThat(master.err()).contains("not a PostgreSQL JDBC URL");
    Run password = run("jobs", "--cluster", "jdbc:postgresql://127.0.0.1/p?user=a&password=hunter2");
    assertThat(password.code()).isEqualTo(3);
    assertThat(password.err()).contains("never on the command line").doesNotContain("hunter2");
  }

  @Test
  void masterRendersLocallyAndRefusesWhatItCannotDo() throws IOException, InterruptedException {
    Path out = dir.resolve("lokal.mov");
    Run r = run("master", source.toString(), "-o", out.toString(), "--codec", "prores", "--chunk-seconds", "4", "--workers", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).containsExactly(out.toString(), out + ".patchwork.toml");
    assertThat(decodedFrames(out)).isEqualTo(FRAMES);
    assertThat(Files.exists(dir.resolve("lokal.mov.patchwork.toml"))).isTrue();

    assertThat(run("master", source.toString(), "-o", out.toString(), "--codec", "prores").code()).as("exists").isEqualTo(3);
    assertThat(run("master", source.toString(), "-o", dir.resolve("x.mov").toString(), "--codec", "prores", "--crf", "20").code()).isEqualTo(3);
    assertThat(run("master", source.toString(), "-o", dir.resolve("x.mp4").toString(), "--bitrate", "fast").code()).isEqualTo(2);
    assertThat(run("master", source.toString(), "-o", dir.resolve("x.mp4").toString(), "--codec", "vp9").code()).isEqualTo(2);
    assertThat(run("master", dir.resolve("fehlt.mov").toString(), "-o", dir.resolve("x.mp4").toString()).code()).isEqualTo(3);
  }

  // ---------------------------------------------------------------------------------------------------------

  private void startWorker(String name) throws IOException {
    List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--cluster", bareUrl,
        "--name", name, "--slots", "1");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve(name + ".log").toFile());
    pb.environment().put(FfmpegTools.ENV_FFMPEG, wrappers.resolve("ffmpeg").toString());
    pb.environment().put(FfmpegTools.ENV_FFPROBE, wrappers.resolve("ffprobe").toString());
    pb.environment().put("PGUSER", "postgres");
    workers.put(name, pb.start());
  }

  private boolean logged(String chunk) {
    try {
      return Files.exists(runLog) && Files.readAllLines(runLog).stream().anyMatch(l -> l.startsWith(chunk + " "));
    } catch (IOException e) {
      return false;
    }
  }

  private String workerLogs() {
    StringBuilder sb = new StringBuilder();
    for (String w : workers.keySet()) {
      try {
        sb.append("\n--- ").append(w).append(" ---\n").append(Files.readString(tmp.resolve(w + ".log")));
      } catch (IOException e) {
        sb.append("\n(no log of ").append(w).append(')');
      }
    }
    return sb.toString();
  }

  private void script(String name, String body) throws IOException {
    Path p = wrappers.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private void ffmpeg(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isZero();
  }

  private String probe(Path media, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(tools.ffprobe().toString(), "-v", "error"));
    argv.addAll(List.of(args));
    argv.add(media.toString());
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return output;
  }

  private long decodedFrames(Path media) throws IOException, InterruptedException {
    String out = probe(media, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0");
    return Long.parseLong(out.strip().split(",")[0]);
  }

  private List<String> decodeErrors(Path media) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(tools.ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map", "0:v",
        "-map", "0:a?", "-f", "null", "-").redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    List<String> lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank()).toList();
    p.waitFor();
    return lines;
  }

  private static final Pattern AVERAGE = Pattern.compile("average:([0-9.]+|inf)");

  private double psnr(Path a, Path b) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", a.toString(), "-i", b.toString(),
        "-lavfi", "[0:v]format=yuv444p[x];[1:v]format=yuv444p[y];[x][y]psnr", "-f", "null", "-").redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    for (String l : text.lines().toList()) {
      Matcher m = AVERAGE.matcher(l);
      if (l.contains("PSNR") && m.find()) return m.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
    }
    throw new AssertionError("no PSNR in " + text);
  }

  private static void await(BooleanSupplier condition, Duration limit, String what) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not reached within " + limit + ": " + what);
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
