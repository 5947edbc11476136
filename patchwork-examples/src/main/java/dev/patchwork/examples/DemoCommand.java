package dev.patchwork.examples;

import dev.patchwork.Patchwork;
import dev.patchwork.ToolFailedException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.ChangeFilter;
import dev.patchwork.change.MarkerFiles;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.FfprobeProber;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchwork demo}: runs on built-in defaults with nothing but the Maven-delivered ffmpeg. It renders a
 * 20-second open-GOP H.264 master with timecode and PCM audio, writes a Resolve markers EDL for it, probes the
 * master's random-access points without decoding, and plans the patch for the blue markers.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Render a sample master, mark changes in a Resolve markers EDL, probe the master and plan the patch.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--dir", paramLabel = "D", description = "Where to write the sample files (default: a new temporary directory).")
  Path dir;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("patchwork-demo-");
    FfmpegTools tools = FfmpegTools.locate();
    err.println("ffmpeg: " + tools.versionLine() + " (" + tools.source().name().toLowerCase(Locale.ROOT) + ")");

    Path master = work.resolve("Demo Master – v1.mov");
    err.println("rendering a 20 s 1280x720 23.976 H.264 master (x264 open GOP, 48-frame GOPs, PCM audio, TC 01:00:00:00)…");
    long t0 = System.nanoTime();
    Path partial = work.resolve(".rendering-" + master.getFileName());
    ffmpeg(tools, work, partial, List.of("-y", "-v", "error",
        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=24000/1001",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", "20.02", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-x264-params", "keyint=48:min-keyint=48:scenecut=0:open-gop=1:bframes=3",
        "-c:a", "pcm_s24le", "-timecode", "01:00:00:00", "-f", "mov", partial.toString()));
    Files.move(partial, master, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    double renderSeconds = (System.nanoTime() - t0) / 1e9;

    Path edl = work.resolve("Demo Master – markers.edl");
    Files.writeString(edl, String.join("\r\n",
        "TITLE: Demo Timeline",
        "FCM: NON-DROP FRAME",
        "",
        "001  001      V     C        01:00:06:10 01:00:06:11 01:00:06:10 01:00:06:11  ",
        "Fix the flare |C:ResolveColorBlue |M:VFX 12 |D:30",
        "",
        "002  001      V     C        01:00:01:00 01:00:01:01 01:00:01:00 01:00:01:01  ",
        "Grade note, not for this patch |C:ResolveColorRed |M:Grade |D:12",
        "",
        "003  001      V     C        01:00:15:00 01:00:15:01 01:00:15:00 01:00:15:01  ",
        "Title typo |C:ResolveColorBlue |M:Title |D:24",
        ""), StandardCharsets.UTF_8);

    FfprobeProber prober = new FfprobeProber(tools);
    long t1 = System.nanoTime();
    MasterFacts facts = prober.probe(master);
    double probeSeconds = (System.nanoTime() - t1) / 1e9;
    List<String> points = new ArrayList<>();
    for (RandomAccessPoint p : facts.randomAccessPoints()) points.add(p.frame() + (p.isClosed() ? "" : "(+" + p.lead() + " leading)"));
    out.printf(Locale.ROOT, "master: %s — %d frames at %s fps from %s, rendered in %.1f s%n", master, facts.frameCount(),
        facts.rate().toDecimalString(), facts.startTimecode(), renderSeconds);
    out.printf(Locale.ROOT, "random-access points (probed in %.2f s, no decoding): %s%n", probeSeconds, String.join(", ", points));

    Patchwork pw = Patchwork.forMaster(master).prober(prober);
    ChangeContext ctx = new ChangeContext(facts.rate(), facts.startTimecode(), facts.frameCount());
    List<Change> changes = MarkerFiles.read(edl, ctx, ChangeFilter.colors("Blue"));
    out.println("blue markers in " + edl.getFileName() + ":");
    for (Change c : changes) {
      out.printf(Locale.ROOT, "  %-6s frames %d-%d (%s-%s)%n", c.name(), c.range().start(), c.range().lastFrame(),
          ctx.timecodeAt(c.range().start()), ctx.timecodeAt(c.range().lastFrame()));
    }
    PatchPlan plan = pw.plan(changes);
    out.println("plan:");
    for (Segment s : plan.segments()) {
      out.printf(Locale.ROOT, "  %-6s %4d-%-4d %4d frames%n", s.kind(), s.start(), s.endExclusive() - 1, s.frames());
    }
    out.printf(Locale.ROOT, "a patch re-renders %d of %d frames (%s %%) and copies the rest byte-for-byte.%n",
        plan.renderedFrames(), plan.frameCount(), PlanCommand.percent(plan.renderedFrames(), plan.frameCount()));
    out.println("(render + splice + verify are the ffmpeg engine's next milestone; see docs/design/splice.md)");
    err.println("files are in " + work);
    out.flush();
    return Main.OK;
  }

  /** Runs ffmpeg writing {@code partial}; on any failure or interrupt stops it and removes {@code partial}. */
  private static void ffmpeg(FfmpegTools tools, Path work, Path partial, List<String> args) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(tools.ffmpeg().toString());
    argv.addAll(args);
    Path log = Files.createTempFile(work, "ffmpeg-", ".log");
    Process p = null;
    boolean ok = false;
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.PIPE);
      pb.environment().putAll(tools.environment());
      p = pb.start();
      p.getOutputStream().close();
      boolean done = p.waitFor(10, TimeUnit.MINUTES);
      if (!done) {
        p.destroyForcibly();
        throw new ToolFailedException("ffmpeg did not finish within 10 minutes", -1, argv, "");
      }
      if (p.exitValue() != 0) {
        throw new ToolFailedException("ffmpeg failed with exit code " + p.exitValue(), p.exitValue(), argv, Files.readString(log));
      }
      ok = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new dev.patchwork.CancelledException("interrupted while rendering the demo master");
    } catch (UncheckedIOException e) {
      throw e.getCause();
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
