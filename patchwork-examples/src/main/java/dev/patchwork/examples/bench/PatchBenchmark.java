package dev.patchwork.examples.bench;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.ffmpeg.FfmpegPatchEngine;
import dev.patchwork.ffmpeg.FfmpegRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The performance benchmark of issue 3, measured in one run and printed with the ratios against its targets.
 *
 * <p>It makes a master (H.264 1080p at 23.976 fps, x264 preset medium, CRF 20, closed GOPs of 48 frames, 24-bit PCM
 * audio, timecode 01:00:00:00, in MOV; ten minutes unless {@code --minutes} says otherwise) and an edited timeline (the
 * same picture with one GOP's frames changed, lossless x264 with 1-second GOPs and PCM, in MOV), adopts the master, and
 * then measures, interleaving the repeated measurements so that they share the machine's conditions:
 * <ol type="a">
 *   <li>a full re-encode of the edited timeline with the master's settings (once);
 *   <li>encoding just the changed GOP from the edited timeline with the same settings (plain ffmpeg: seek, 48 frames
 *       and their audio, into Matroska as the renderer writes it);
 *   <li>a plain copy of the master through user space to the same disk, forced to disk;
 *   <li>the whole patch through the public API ({@code Patchwork.forMaster(…).renderer(FfmpegRenderer.fromSource(…))
 *       .output(…).patch(…)}), including the renderer's look at the source;
 *   <li>the splice alone, as the engine reports it ({@link PatchResult#phase(String)});
 *   <li>the same patch through the command line ({@code bin/patchwork patch}) in a child JVM with the launcher's JVM
 *       options: its wall time and its peak resident set size ({@code VmHWM} from {@code /proc/<pid>/status}, read
 *       while it runs);
 *   <li>for reference, ffmpeg's own stream-copy remux of the master ({@code -map 0 -c copy}), forced to disk: the floor
 *       of any splice that ffmpeg's muxer writes.
 * </ol>
 * The targets: (d) ≤ 2 % of (a); (d) ≤ 1.3 × ((b) + (c)); (e) ≤ 2 × (c); (f)'s peak RSS ≤ 256 MiB. Exit code 0 when
 * every measured target is met, 1 when one is missed, 2 for bad options, 4 when something failed.
 *
 * <p>Run after {@code ./mvnw -q package -DskipTests}: {@code bin/patchwork-bench [--minutes M] [--dir D] [--repeat N]}.
 */
@Command(name = "patchwork-bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Measure a one-GOP patch of a generated 1080p H.264 master against a full re-encode, the GOP's own encode "
        + "and a plain copy, and print the ratios against issue 3's targets.")
public final class PatchBenchmark implements Callable<Integer> {

  static final String RATE = "24000/1001";
  static final int GOP = 48;
  static final long RSS_LIMIT = 256L << 20;
  static final BigDecimal FULL_LIMIT = new BigDecimal("0.02");
  static final BigDecimal PATCH_LIMIT = new BigDecimal("1.3");
  static final BigDecimal SPLICE_LIMIT = new BigDecimal("2");

  @Option(names = "--minutes", paramLabel = "M", description = "Length of the master in minutes, e.g. 2 or 0.5 for a trial run "
      + "(default ${DEFAULT-VALUE}).")
  BigDecimal minutes = BigDecimal.TEN;

  @Option(names = "--dir", paramLabel = "D", description = "Where to write the media (default: a new directory in the system's "
      + "temporary directory, removed at the end). Must have room for the master, the edited timeline and a few copies.")
  Path dir;

  @Option(names = "--repeat", paramLabel = "N", description = "Runs of each short measurement (b-e); the median counts "
      + "(default ${DEFAULT-VALUE}).")
  int repeat = 5;

  @Option(names = "--size", paramLabel = "WxH", description = "Picture size (default ${DEFAULT-VALUE}; the targets are for 1080p).")
  String size = "1920x1080";

  @Option(names = "--preset", paramLabel = "P", description = "x264 preset of the master (default ${DEFAULT-VALUE}; the targets "
      + "are for medium).")
  String preset = "medium";

  @Option(names = "--reuse", description = "Reuse the master, edited timeline and sidecar that an earlier run with the same "
      + "settings left in --dir (their encode times are not measured again).")
  boolean reuse;

  @Option(names = "--skip-full", description = "Do not measure the full re-encode (a), for quick trial runs; its target is "
      + "then reported as not measured.")
  boolean skipFull;

  @Option(names = "--skip-cli", description = "Do not run the patch through bin/patchwork (f): no peak RSS then.")
  boolean skipCli;

  @Option(names = "--launcher", paramLabel = "FILE", description = "The bin/patchwork launcher for the child-JVM run (f) "
      + "(default: found beside this installation).")
  Path launcher;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private PrintWriter out;
  private PrintWriter err;
  private FfmpegTools tools;

  public static void main(String[] args) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
    System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
  }

  /** Runs the benchmark with the given streams and returns its exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new PatchBenchmark());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler((ex, c, parsed) -> {
      err.println("patchwork-bench: " + ex.getMessage());
      ex.printStackTrace(err);
      return 4;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    if (minutes.signum() <= 0 || minutes.compareTo(BigDecimal.valueOf(120)) > 0) {
      throw new CommandLine.ParameterException(cl, "--minutes must be above 0 and at most 120, not " + minutes);
    }
    if (repeat < 1 || repeat > 20) throw new CommandLine.ParameterException(cl, "--repeat must be 1 to 20, not " + repeat);
    if (!size.matches("\\d{2,5}x\\d{2,5}")) throw new CommandLine.ParameterException(cl, "--size must be WxH, e.g. 1920x1080");
    out = cl.getOut();
    err = cl.getErr();
    boolean temporary = dir == null;
    Path work = temporary ? Files.createTempDirectory("patchwork-bench-") : Files.createDirectories(dir).toAbsolutePath();
    try {
      return measure(work);
    } finally {
      if (temporary) deleteTree(work);
    }
  }

  private int measure(Path work) throws Exception {
    tools = FfmpegTools.locate();
    long frames = minutes.multiply(BigDecimal.valueOf(60 * 24000)).divide(BigDecimal.valueOf(1001), 0, RoundingMode.HALF_EVEN).longValueExact();
    if (frames < 3 * GOP) throw new CommandLine.ParameterException(spec.commandLine(), "--minutes is too short: at least 3 GOPs are needed");
    long gop = frames / GOP / 2; // the GOP in the middle
    long changeStart = gop * GOP + GOP / 4;
    long changeFrames = GOP / 2;

    Path master = work.resolve("bench master.mov");
    Path source = work.resolve("bench edited timeline.mov");
    Path marker = work.resolve("bench settings.properties");
    Properties settings = new Properties();
    settings.setProperty("frames", Long.toString(frames));
    settings.setProperty("size", size);
    settings.setProperty("preset", preset);
    settings.setProperty("change", changeStart + "+" + changeFrames);
    settings.setProperty("version", "1");

    err.println("patchwork-bench: " + frames + " frames " + size + " in " + work);
    double masterSeconds;
    double sourceSeconds;
    double adoptSeconds;
    Properties earlier = readProperties(marker);
    boolean reused = reuse && earlier != null && sameSettings(earlier, settings) && Files.exists(master) && Files.exists(source)
        && Files.exists(SidecarPaths.defaultFor(master));
    if (reused) {
      masterSeconds = Double.parseDouble(earlier.getProperty("masterSeconds"));
      sourceSeconds = Double.parseDouble(earlier.getProperty("sourceSeconds"));
      adoptSeconds = Double.parseDouble(earlier.getProperty("adoptSeconds"));
      err.println("reusing the master, edited timeline and sidecar of an earlier run");
    } else {
      Files.deleteIfExists(marker);
      for (Path p : List.of(master, source, SidecarPaths.defaultFor(master))) Files.deleteIfExists(p);
      err.printf(Locale.ROOT, "encoding the master: %d frames, x264 %s CRF 20, GOP %d, PCM…%n", frames, preset, GOP);
      List<String> args = new ArrayList<>(lavfi(frames));
      args.addAll(masterVideoSettings());
      args.addAll(List.of("-c:a", "pcm_s24le", "-timecode", "01:00:00:00"));
      masterSeconds = ffmpeg(work, master, "mov", args);
      err.println("encoding the edited timeline (lossless, frames " + changeStart + "-" + (changeStart + changeFrames - 1) + " changed)…");
      args = new ArrayList<>(lavfi(frames));
      args.addAll(List.of("-vf", "drawbox=x=iw/4:y=ih/4:w=iw/2:h=ih/2:color=orange@0.8:t=fill:enable='between(n\\," + changeStart + "\\,"
          + (changeStart + changeFrames - 1) + ")'", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-g", "24",
          "-pix_fmt", "yuv420p", "-c:a", "pcm_s24le"));
      sourceSeconds = ffmpeg(work, source, "mov", args);
      err.println("adopting the master…");
      long t = System.nanoTime();
      new FfmpegAdopter(tools).adopt(master, null, false, PatchListener.NONE);
      adoptSeconds = seconds(System.nanoTime() - t);
      settings.setProperty("masterSeconds", Double.toString(masterSeconds));
      settings.setProperty("sourceSeconds", Double.toString(sourceSeconds));
      settings.setProperty("adoptSeconds", Double.toString(adoptSeconds));
      try (var w = Files.newBufferedWriter(marker)) {
        settings.store(w, "patchwork-bench: what the media here were made with");
      }
    }
    long masterBytes = Files.size(master);
    List<Change> changes = List.of(Change.of(changeStart, changeFrames));
    PatchPlan plan = Patchwork.forMaster(master).plan(changes);
    Segment renderSegment = plan.renderSegments().get(0);

    String load0 = loadAverage();
    List<Double> copies = new ArrayList<>();
    List<Double> gopEncodes = new ArrayList<>();
    List<Double> patches = new ArrayList<>();
    List<Double> remuxes = new ArrayList<>();
    List<PatchResult> results = new ArrayList<>();
    Path copy = work.resolve("bench copy.mov");
    Path gopFile = work.resolve("bench gop.mkv");
    Path remuxFile = work.resolve("bench remux.mov");
    copyFile(master, copy); // once unmeasured, so that every measurement finds the same page cache
    Files.delete(copy);
    for (int i = 0; i < repeat; i++) {
      err.printf(Locale.ROOT, "round %d of %d: copy, GOP encode, remux, patch…%n", i + 1, repeat);
      settle();
      long t = System.nanoTime();
      copyFile(master, copy);
      copies.add(seconds(System.nanoTime() - t));
      Files.delete(copy);

      settle();
      gopEncodes.add(encodeSegment(work, source, renderSegment, gopFile));
      Files.delete(gopFile);

      settle();
      t = System.nanoTime();
      ffmpeg(work, remuxFile, "mov", List.of("-i", master.toString(), "-map", "0", "-c", "copy"));
      forceToDisk(remuxFile);
      remuxes.add(seconds(System.nanoTime() - t));
      Files.delete(remuxFile);

      Path output = work.resolve("bench patched " + (i + 1) + ".mov");
      deleteOutput(output);
      settle();
      t = System.nanoTime();
      PatchResult r = Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(source, tools)).engine(new FfmpegPatchEngine(tools))
          .output(output).patch(changes);
      patches.add(seconds(System.nanoTime() - t));
      results.add(r);
      deleteOutput(output);
    }

    Cli cli = new Cli(Double.NaN, Optional.empty());
    if (!skipCli) {
      err.println("patching once more through bin/patchwork in a child JVM, watching its memory…");
      cli = cliPatch(work, master, source, changeStart, changeFrames);
    }

    double full = Double.NaN;
    if (!skipFull) {
      err.println("timing a full re-encode of the edited timeline with the master's settings…");
      Path fullFile = work.resolve("bench full re-encode.mov");
      List<String> args = new ArrayList<>(List.of("-i", source.toString(), "-map", "0:v", "-map", "0:a"));
      args.addAll(masterVideoSettings());
      args.addAll(List.of("-c:a", "pcm_s24le", "-timecode", "01:00:00:00"));
      full = ffmpeg(work, fullFile, "mov", args);
      Files.delete(fullFile);
    }
    String load1 = loadAverage();

    // --- report ---------------------------------------------------------------------------------------------------
    double b = median(gopEncodes);
    double c = median(copies);
    double d = median(patches);
    PatchResult typical = results.get(indexOfMedian(patches));
    List<Double> splices = results.stream().map(r -> seconds(r.phase(PatchResult.Phase.SPLICE).orElseThrow().toNanos())).toList();
    double e = median(splices);

    out.println("Patchwork patch benchmark, " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    out.println("machine: " + machine() + "; load average " + load0 + " at the start, " + load1 + " at the end");
    out.println("java:    " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "; ffmpeg: " + tools.versionLine());
    out.printf(Locale.ROOT, "master:  %d frames (%s min) %s at 23.976 fps, H.264 x264 %s CRF 20 GOP %d closed, PCM 48 kHz, MOV, %s%n",
        frames, minutes.stripTrailingZeros().toPlainString(), size, preset, GOP, mib(masterBytes));
    out.printf(Locale.ROOT, "         encoded in %.1f s; edited timeline (lossless) %s, encoded in %.1f s; adopted in %.1f s%s%n",
        masterSeconds, mib(Files.size(source)), sourceSeconds, adoptSeconds, reused ? " (an earlier run's)" : "");
    out.printf(Locale.ROOT, "change:  frames %d-%d; plan: %s%n", changeStart, changeStart + changeFrames - 1, describe(plan));
    out.println();
    out.printf(Locale.ROOT, "measured (median of %d interleaved runs where repeated):%n", repeat);
    out.printf(Locale.ROOT, "  (a) full re-encode of the edited timeline, master's settings  %s%n",
        skipFull ? "not measured (--skip-full)" : String.format(Locale.ROOT, "%9.2f s", full));
    out.printf(Locale.ROOT, "  (b) encode of the changed GOP alone, same settings          %9.2f s   %s%n", b, runs(gopEncodes));
    out.printf(Locale.ROOT, "  (c) plain copy of the master, forced to disk                %9.2f s   %s%n", c, runs(copies));
    out.printf(Locale.ROOT, "  (d) patch through the API                                   %9.2f s   %s%n", d, runs(patches));
    out.printf(Locale.ROOT, "      its phases: %s%n", phases(typical));
    out.printf(Locale.ROOT, "  (e) splice alone (the engine's splice phase)                %9.2f s   %s%n", e, runs(splices));
    if (skipCli) {
      out.println("  (f) patch through bin/patchwork (child JVM, cold start)     not measured (--skip-cli)");
    } else {
      out.printf(Locale.ROOT, "  (f) patch through bin/patchwork (child JVM, cold start)     %9.2f s   peak RSS %s%n", cli.seconds(),
          cli.peakRss().map(PatchBenchmark::mib).orElse("not measured (no /proc)"));
    }
    double g = median(remuxes);
    out.printf(Locale.ROOT, "  (g) ffmpeg -c copy remux of the master, forced to disk      %9.2f s   %s%n", g, runs(remuxes));
    out.printf(Locale.ROOT, "      (the floor of an ffmpeg-written splice: %.2f x the copy; the splice is %.2f x this remux)%n", g / c, e / g);
    out.println();
    out.println("targets:");
    boolean ok = true;
    if (skipFull) {
      out.println("  patch <= 2 % of a full re-encode                 not measured");
    } else {
      ok &= target(String.format(Locale.ROOT, "  patch <= 2 %% of a full re-encode            %8.2f %%", 100 * d / full), d / full, FULL_LIMIT);
    }
    ok &= target(String.format(Locale.ROOT, "  patch <= 1.3 x (GOP encode + copy)         %8.2f x", d / (b + c)), d / (b + c), PATCH_LIMIT);
    if (!skipCli) out.printf(Locale.ROOT, "      (through bin/patchwork, JVM start included: %.2f x)%n", cli.seconds() / (b + c));
    ok &= target(String.format(Locale.ROOT, "  splice <= 2 x a plain copy                 %8.2f x", e / c), e / c, SPLICE_LIMIT);
    if (cli.peakRss().isPresent()) {
      long rss = cli.peakRss().get();
      ok &= target(String.format(Locale.ROOT, "  JVM peak RSS <= 256 MiB                    %8.1f MiB", rss / 1048576.0), rss, RSS_LIMIT);
    } else {
      out.println("  JVM peak RSS <= 256 MiB                    not measured");
    }
    out.flush();
    return ok ? 0 : 1;
  }

  // --- measurements -----------------------------------------------------------------------------------------------

  /** The master's video encoder settings: also those of (a) and (b). */
  private List<String> masterVideoSettings() {
    return List.of("-c:v", "libx264", "-preset", preset, "-crf", "20", "-pix_fmt", "yuv420p", "-x264-params",
        "keyint=" + GOP + ":min-keyint=" + GOP + ":scenecut=0");
  }

  private List<String> lavfi(long frames) {
    return List.of("-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=" + RATE, "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-map", "0:v", "-map", "1:a", "-frames:v", Long.toString(frames), "-shortest");
  }

  /** (b): the GOP's frames and their audio from the edited timeline, encoded with the master's settings. */
  private double encodeSegment(Path work, Path source, Segment s, Path target) throws IOException, InterruptedException {
    // frame f starts at f · 1001/24000 s; -ss before -i seeks to the key frame before and decodes up to the frame
    BigDecimal start = BigDecimal.valueOf(s.start() * 1001).divide(BigDecimal.valueOf(24000), 6, RoundingMode.HALF_EVEN);
    List<String> args = new ArrayList<>(List.of("-ss", start.toPlainString(), "-i", source.toString(), "-map", "0:v", "-map", "0:a",
        "-frames:v", Long.toString(s.frames())));
    args.addAll(masterVideoSettings());
    args.addAll(List.of("-c:a", "pcm_s24le"));
    return ffmpeg(work, target, "matroska", args);
  }

  /** (c): a copy through user space, as {@code cp} without reflinks makes it, on disk when it returns. */
  static void copyFile(Path from, Path to) throws IOException {
    try (InputStream in = Files.newInputStream(from);
        FileChannel o = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) o.write(bb);
      }
      o.force(true);
    }
  }

  /**
   * Writes back whatever the machine still holds dirty (the files the previous measurement wrote and deleted) before a
   * measurement, so that each one's forcing to disk waits for its own writes only. Unix {@code sync}; skipped elsewhere.
   */
  private static void settle() throws InterruptedException {
    try {
      new ProcessBuilder("sync").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException e) {
      // no sync command: nothing to wait for
    }
  }

  private static void forceToDisk(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  /** The wall time and peak resident set of a {@code bin/patchwork patch} run. */
  record Cli(double seconds, Optional<Long> peakRss) {}

  /** (f): the same patch through the launcher in a child JVM, its {@code VmHWM} polled while it runs. */
  private Cli cliPatch(Path work, Path master, Path source, long start, long count) throws IOException, InterruptedException {
    Path bin = launcher != null ? launcher : findLauncher();
    Path output = work.resolve("bench patched cli.mov");
    deleteOutput(output);
    Path log = work.resolve("bench cli.log");
    List<String> argv = List.of(bin.toString(), "patch", master.toString(), "--source", source.toString(), "--change", start + "+" + count,
        "-o", output.toString());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    long t = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    long peak = -1;
    try {
      while (!p.waitFor(10, TimeUnit.MILLISECONDS)) peak = Math.max(peak, vmHwm(status));
      double elapsed = seconds(System.nanoTime() - t);
      if (p.exitValue() != 0) {
        throw new IOException("bin/patchwork patch failed with exit code " + p.exitValue() + ":\n" + Files.readString(log));
      }
      return new Cli(elapsed, peak > 0 ? Optional.of(peak) : Optional.empty());
    } finally {
      if (p.isAlive()) p.destroyForcibly();
      deleteOutput(output);
      Files.deleteIfExists(log);
    }
  }

  /** {@code VmHWM} of {@code /proc/<pid>/status} in bytes, or -1 when it cannot be read (the process ended, no /proc). */
  static long vmHwm(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          String[] f = line.substring(6).strip().split("\\s+");
          return Long.parseLong(f[0]) * 1024; // kB
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone, or there is no /proc: nothing to read
    }
    return -1;
  }

  private Path findLauncher() throws IOException {
    try {
      Path here = Path.of(PatchBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = here; p != null; p = p.getParent()) {
        Path candidate = p.resolve("bin").resolve("patchwork");
        if (Files.isExecutable(candidate)) return candidate;
      }
    } catch (URISyntaxException | SecurityException e) {
      // fall through
    }
    Path cwd = Path.of("bin", "patchwork").toAbsolutePath();
    if (Files.isExecutable(cwd)) return cwd;
    throw new IOException("cannot find bin/patchwork; give it with --launcher");
  }

  /**
   * Runs ffmpeg writing {@code target} (format {@code format}) and returns its wall time in seconds; on failure its
   * log is in the exception.
   */
  private double ffmpeg(Path work, Path target, String format, List<String> args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-y", "-v", "error", "-nostdin"));
    argv.addAll(args);
    argv.addAll(List.of("-f", format, target.toString()));
    Path log = Files.createTempFile(work, ".ffmpeg-", ".log");
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(tools.environment());
    long t = System.nanoTime();
    Process p = pb.start();
    try {
      p.getOutputStream().close();
      int code = p.waitFor();
      double elapsed = seconds(System.nanoTime() - t);
      if (code != 0) throw new IOException("ffmpeg failed with exit code " + code + ": " + argv + "\n" + Files.readString(log));
      return elapsed;
    } finally {
      if (p.isAlive()) p.destroyForcibly().waitFor();
      Files.deleteIfExists(log);
    }
  }

  // --- reporting --------------------------------------------------------------------------------------------------

  private boolean target(String line, double value, BigDecimal limit) {
    boolean pass = BigDecimal.valueOf(value).compareTo(limit) <= 0;
    out.println(line + "   " + (pass ? "PASS" : "FAIL"));
    return pass;
  }

  private boolean target(String line, long value, long limit) {
    boolean pass = value <= limit;
    out.println(line + "   " + (pass ? "PASS" : "FAIL"));
    return pass;
  }

  static String phases(PatchResult r) {
    if (r.phases().isEmpty()) return "(not reported)";
    StringBuilder sb = new StringBuilder();
    for (PatchResult.Phase p : r.phases()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(String.format(Locale.ROOT, "%s %.2f s", p.name(), seconds(p.elapsed().toNanos())));
    }
    return sb.toString();
  }

  private static String describe(PatchPlan plan) {
    StringBuilder sb = new StringBuilder();
    for (Segment s : plan.segments()) {
      if (sb.length() > 0) sb.append(", ");
      sb.append(s.kind()).append(' ').append(s.start()).append('-').append(s.endExclusive() - 1);
    }
    return sb.toString();
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  /** The run whose value is the median (the lower middle one for an even count). */
  static int indexOfMedian(List<Double> values) {
    Integer[] order = new Integer[values.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (x, y) -> Double.compare(values.get(x), values.get(y)));
    return order[(order.length - 1) / 2];
  }

  private static String runs(List<Double> values) {
    if (values.size() < 2) return "";
    StringBuilder sb = new StringBuilder("(runs:");
    for (double v : values) sb.append(String.format(Locale.ROOT, " %.2f", v));
    return sb.append(')').toString();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String machine() {
    String cpu = "unknown CPU";
    String memory = "";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memory = String.format(Locale.ROOT, ", %.1f GiB RAM", Long.parseLong(line.replaceAll("\\D", "")) / 1048576.0);
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: say less
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores" + memory + ", " + System.getProperty("os.name") + " "
        + System.getProperty("os.arch");
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static Properties readProperties(Path file) throws IOException {
    if (!Files.exists(file)) return null;
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    return p;
  }

  private static boolean sameSettings(Properties earlier, Properties now) {
    for (String k : now.stringPropertyNames()) {
      if (!now.getProperty(k).equals(earlier.getProperty(k))) return false;
    }
    return earlier.getProperty("masterSeconds") != null && earlier.getProperty("sourceSeconds") != null
        && earlier.getProperty("adoptSeconds") != null;
  }

  private static void deleteOutput(Path output) throws IOException {
    Files.deleteIfExists(output);
    Files.deleteIfExists(SidecarPaths.defaultFor(output));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted((x, y) -> y.getNameCount() - x.getNameCount()).toList()) Files.deleteIfExists(p);
    }
  }
}
