package dev.patchwork.examples;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.ToolFailedException;
import dev.patchwork.VerificationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.ChangeFilter;
import dev.patchwork.change.MarkerFiles;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.ffmpeg.FfmpegRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.MasterVerifier;
import dev.patchwork.ffmpeg.VerificationReport;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchwork demo}: the whole story on built-in defaults, with nothing but the Maven-delivered ffmpeg.
 *
 * <ol>
 *   <li>render a master (H.264, x264 closed GOPs of 2 s, PCM audio, timecode 01:00:00:00) — timed: this is what a
 *       full re-render costs;
 *   <li>{@code adopt} it (sidecar with settings and content hashes);
 *   <li>make the edited timeline: the same picture and sound with two shots changed, and a Resolve markers EDL that
 *       marks them blue (plus a red note that is not part of the patch);
 *   <li>{@code patch} the master from the edited timeline for the blue markers, verified and published;
 *   <li>{@code verify} the patched master against its new sidecar, and print the speed-up over a full re-render.
 * </ol>
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Render a sample master, mark two changes in a Resolve markers EDL, patch them from an edited timeline, "
        + "verify, and print the speed-up over a full re-render.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--dir", paramLabel = "D", description = "Where to write the sample files (default: a new temporary directory).")
  Path dir;

  @Option(names = "--seconds", paramLabel = "S", description = "Length of the sample master in seconds (default ${DEFAULT-VALUE}).")
  int seconds = 60;

  @Option(names = "--size", paramLabel = "WxH", description = "Picture size of the sample master (default ${DEFAULT-VALUE}).")
  String size = "1280x720";

  @Option(names = "--preset", paramLabel = "P", description = "x264 preset of the master (default ${DEFAULT-VALUE}).")
  String preset = "medium";

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final String RATE = "24000/1001";
  private static final long TC_BASE = 24; // timecode frames per second at 23.976

  @Override
  public Integer call() throws IOException {
    CommandLine cl = spec.commandLine();
    if (seconds < 6 || seconds > 3600) throw new CommandLine.ParameterException(cl, "--seconds must be 6 to 3600, not " + seconds);
    if (!size.matches("\\d{2,5}x\\d{2,5}")) throw new CommandLine.ParameterException(cl, "--size must be WxH, e.g. 1280x720");
    PrintWriter out = cl.getOut();
    PrintWriter err = cl.getErr();
    Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("patchwork-demo-");
    FfmpegTools tools = FfmpegTools.locate();
    err.println("ffmpeg: " + tools.versionLine() + " (" + tools.source().name().toLowerCase(Locale.ROOT) + ")");
    long frames = Math.round(seconds * 24000.0 / 1001);
    // Two changed shots a third and two thirds in, and a red note near the start that is not part of this patch.
    long shot1 = frames / 3 + 10;
    long shot2 = 2 * frames / 3 + 5;
    long shotFrames = 30;

    Path master = work.resolve("Demo Master – v1.mov");
    Path edited = work.resolve("Demo Timeline – v2.mkv");
    Path edl = work.resolve("Demo Timeline – v2 markers.edl");
    Path patched = work.resolve("Demo Master – v2.mov");
    for (Path p : List.of(master, SidecarPaths.defaultFor(master), edited, edl, patched, SidecarPaths.defaultFor(patched))) {
      Files.deleteIfExists(p);
    }
    String picture = "testsrc2=size=" + size + ":rate=" + RATE;
    String sound = "sine=frequency=1000:sample_rate=48000";
    List<String> masterSettings = List.of("-c:v", "libx264", "-preset", preset, "-crf", "20", "-pix_fmt", "yuv420p",
        "-x264-params", "keyint=48:min-keyint=48:scenecut=0", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00");

    err.printf(Locale.ROOT, "1/5 rendering the master: %d frames %s at 23.976 fps, x264 %s CRF 20, 2 s GOPs, PCM audio…%n",
        frames, size, preset);
    List<String> renderMaster = new ArrayList<>(List.of("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound,
        "-map", "0:v", "-map", "1:a", "-frames:v", Long.toString(frames), "-shortest"));
    renderMaster.addAll(masterSettings);
    double masterSeconds = ffmpeg(tools, work, master, "mov", renderMaster);

    err.println("2/5 adopting it: sidecar with its settings and content hashes…");
    new FfmpegAdopter(tools).adopt(master, null, false, new ProgressPrinter(err));

    err.println("3/5 making the edited timeline (two shots changed) and its Resolve markers EDL…");
    String changedShots = "between(n\\," + shot1 + "\\," + (shot1 + shotFrames - 1) + ")+between(n\\," + shot2 + "\\,"
        + (shot2 + shotFrames - 1) + ")";
    ffmpeg(tools, work, edited, "matroska", List.of("-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", sound,
        "-map", "0:v", "-map", "1:a", "-frames:v", Long.toString(frames), "-shortest",
        "-vf", "drawbox=x=iw/4:y=ih/4:w=iw/2:h=ih/2:color=orange@0.8:t=fill:enable='" + changedShots + "'",
        "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "pcm_s24le"));
    Files.writeString(edl, String.join("\r\n",
        "TITLE: Demo Timeline v2",
        "FCM: NON-DROP FRAME",
        "",
        event(1, shot1 + 24), "Grade note for later |C:ResolveColorRed |M:Grade |D:12",
        "",
        event(2, shot2), "Title fixed |C:ResolveColorBlue |M:Title |D:" + shotFrames,
        "",
        event(3, shot1), "Sky replaced |C:ResolveColorBlue |M:VFX 12 |D:" + shotFrames,
        ""), StandardCharsets.UTF_8);

    err.println("4/5 patching the master for the blue markers…");
    Patchwork pw = Patchwork.forMaster(master).output(patched).listener(new ProgressPrinter(err));
    ChangeContext ctx = pw.changeContext();
    List<Change> changes = MarkerFiles.read(edl, ctx, ChangeFilter.colors("Blue"));
    PatchResult result = pw.renderer(FfmpegRenderer.fromSource(edited, tools)).patch(changes);

    err.println("5/5 verifying the patched master against its new sidecar…");
    VerificationReport report = new MasterVerifier(tools).verify(patched, SidecarPaths.defaultFor(patched), false, dev.patchwork.PatchListener.NONE);
    if (!report.matches()) throw new VerificationException("the patched master does not match its sidecar",
        report.findings().stream().map(Object::toString).toList());

    err.println("timing a full re-render of the edited timeline with the master's settings, for comparison…");
    Path full = work.resolve(".full re-render.mov");
    List<String> renderFull = new ArrayList<>(List.of("-i", edited.toString(), "-map", "0:v", "-map", "0:a"));
    renderFull.addAll(masterSettings);
    double fullSeconds;
    try {
      fullSeconds = ffmpeg(tools, work, full, "mov", renderFull);
    } finally {
      Files.deleteIfExists(full);
    }

    double patchSeconds = result.elapsed().toNanos() / 1e9;
    out.printf(Locale.ROOT, "master:  %s — %d frames (%s), rendered in %.1f s%n", master.getFileName(), frames, size, masterSeconds);
    out.printf(Locale.ROOT, "changes: %d blue markers in %s (the red one is left for later):%n", changes.size(), edl.getFileName());
    for (Change c : changes) {
      out.printf(Locale.ROOT, "  %-7s frames %d-%d (%s-%s)%n", c.name(), c.range().start(), c.range().lastFrame(),
          ctx.timecodeAt(c.range().start()), ctx.timecodeAt(c.range().lastFrame()));
    }
    out.println("plan:");
    for (Segment s : result.plan().segments()) {
      out.printf(Locale.ROOT, "  %-6s %6d-%-6d %6d frames%n", s.kind(), s.start(), s.endExclusive() - 1, s.frames());
    }
    out.printf(Locale.ROOT, "patched: %s — re-rendered %d of %d frames, copied %d byte-for-byte%n", patched.getFileName(),
        result.renderedFrames(), frames, result.copiedFrames());
    out.printf(Locale.ROOT, "verified before publishing: %d frames, %d kept GOPs identical to the master, %d frames decoded at the seams%n",
        result.verification().frames(), result.verification().keptGopsIdentical(), result.verification().decodedFrames());
    out.printf(Locale.ROOT, "verify of the patched master against its sidecar: OK (%d history entr%s)%n",
        dev.patchwork.sidecar.Sidecars.read(SidecarPaths.defaultFor(patched)).history().size(),
        dev.patchwork.sidecar.Sidecars.read(SidecarPaths.defaultFor(patched)).history().size() == 1 ? "y" : "ies");
    out.printf(Locale.ROOT, "full re-render: %.1f s   patch: %.1f s   speed-up: %.1fx%n", fullSeconds, patchSeconds,
        fullSeconds / patchSeconds);
    err.println("files are in " + work);
    out.flush();
    return Main.OK;
  }

  /** A Resolve marker event at master frame {@code frame} (record times absolute, timeline start 01:00:00:00). */
  private static String event(int number, long frame) {
    String tc = timecode(frame);
    String next = timecode(frame + 1);
    return String.format(Locale.ROOT, "%03d  001      V     C        %s %s %s %s  ", number, tc, next, tc, next);
  }

  private static String timecode(long frame) {
    long f = frame % TC_BASE;
    long s = frame / TC_BASE;
    return String.format(Locale.ROOT, "%02d:%02d:%02d:%02d", 1 + s / 3600, s / 60 % 60, s % 60, f);
  }

  /**
   * Runs ffmpeg writing {@code target} through a temporary name (format {@code format}); on any failure or interrupt
   * stops it and removes the partial file. Returns the wall time in seconds.
   */
  private static double ffmpeg(FfmpegTools tools, Path work, Path target, String format, List<String> args) throws IOException {
    Path partial = work.resolve(".rendering-" + target.getFileName());
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-y", "-v", "error", "-nostdin"));
    argv.addAll(args);
    argv.addAll(List.of("-f", format, partial.toString()));
    Path log = Files.createTempFile(work, ".ffmpeg-", ".log");
    Process p = null;
    boolean ok = false;
    long t0 = System.nanoTime();
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(tools.environment());
      p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(2, TimeUnit.HOURS)) throw new ToolFailedException("ffmpeg did not finish within 2 hours", -1, argv, "");
      if (p.exitValue() != 0) {
        throw new ToolFailedException("ffmpeg failed with exit code " + p.exitValue(), p.exitValue(), argv, Files.readString(log));
      }
      double elapsed = (System.nanoTime() - t0) / 1e9;
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      ok = true;
      return elapsed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while rendering " + target.getFileName());
    } finally {
      if (p != null && p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
          if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException again) {
          p.destroyForcibly();
        }
      }
      Files.deleteIfExists(log);
      if (!ok) Files.deleteIfExists(partial);
    }
  }
}
