package dev.patchwork.examples;

import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.ffmpeg.FfmpegRenderer;
import dev.patchwork.ffmpeg.FfmpegPatchEngine;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.Insert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork patch}: re-render only the changed ranges and splice them into a new master. */
@Command(name = "patch", mixinStandardHelpOptions = true,
    description = "Write a new master: the changed ranges re-rendered with the master's exact settings, every other GOP "
        + "copied byte-for-byte, verified before it is published. The master is never modified.")
final class PatchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<master>", description = "The master deliverable (it needs a sidecar: run adopt).")
  Path master;

  @Option(names = "--source", paramLabel = "NEW",
      description = "The edited timeline as one media file with the master's frame count and rate.")
  Path source;

  @Option(names = "--insert", paramLabel = "FRAME=CLIP",
      description = "Put CLIP at master frame FRAME (a frame number or a timecode). Repeatable. The change is the clip's own range.")
  List<String> inserts = new ArrayList<>();

  @Mixin ChangeArgs changeArgs;
  @Mixin CommonArgs common;

  @Mixin PlanArgs planArgs;

  @Mixin PatchOutputArgs outputArgs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    if ((source == null) == inserts.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "give exactly one of --source NEW or --insert FRAME=CLIP...");
    }
    if (source != null && changeArgs.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "with --source, give the changes: --change R... or --markers FILE");
    }
    Patchwork pw = planArgs.apply(common.configure(Patchwork.forMaster(master)), cl)
        .output(outputArgs.output).force(outputArgs.force).listener(new ProgressPrinter(cl.getErr()));
    if (!java.nio.file.Files.exists(pw.sidecar())) {
      throw new ValidationException(pw.sidecar().toString(),
          "the master has no sidecar; run 'patchwork adopt " + master + "' first (or give --sidecar F)");
    }
    ChangeContext ctx = changeArgs.context(pw.changeContext());
    List<Change> given = changeArgs.isEmpty() ? List.of() : changeArgs.read(ctx);
    FfmpegTools tools = FfmpegTools.locate();
    FfmpegRenderer renderer;
    List<Change> changes;
    if (source != null) {
      renderer = FfmpegRenderer.fromSource(source, tools);
      changes = given;
    } else {
      List<Insert> parsed = new ArrayList<>();
      List<ValidationException.Problem> problems = new ArrayList<>();
      for (String spec : inserts) {
        try {
          parsed.add(Insert.parse(spec, ctx));
        } catch (ValidationException e) {
          problems.addAll(e.problems());
        }
      }
      if (!problems.isEmpty()) throw new ValidationException(problems);
      renderer = FfmpegRenderer.fromInserts(parsed, tools);
      changes = renderer.insertChanges();
      FfmpegRenderer.checkChangesAgree(given, changes);
    }
    // Refuse a source or insert that cannot serve this master before any work starts.
    renderer.validate(dev.patchwork.sidecar.Sidecars.read(pw.sidecar()));
    // the engine shares the renderer's ffmpeg (found once: each lookup runs ffmpeg and ffprobe -version)
    PatchResult result = pw.renderer(renderer).engine(new FfmpegPatchEngine(tools)).patch(changes);

    print(result, cl.getOut(), outputArgs.json, "re-rendered");
    return Main.OK;
  }

  /**
   * A published patch on stdout: the JSON of {@code patch --json}, or three lines for people. {@code renderedHow} says
   * how the changed frames were made ("re-rendered", "rendered in Resolve").
   */
  static void print(PatchResult result, java.io.PrintWriter out, boolean json, String renderedHow) {
    double seconds = result.elapsed().toNanos() / 1e9;
    if (json) {
      out.println("{\"output\":" + Json.string(result.output().toString())
          + ",\"sidecar\":" + Json.string(result.sidecar().toString())
          + ",\"frames\":" + result.plan().frameCount()
          + ",\"renderedFrames\":" + result.renderedFrames()
          + ",\"copiedFrames\":" + result.copiedFrames()
          + ",\"seconds\":" + String.format(Locale.ROOT, "%.3f", seconds)
          + ",\"segments\":" + Json.segments(result.plan()) + "}");
    } else {
      out.printf(Locale.ROOT, "wrote %s (%d frames: %d %s, %d copied byte-for-byte) in %.1f s%n", result.output(),
          result.plan().frameCount(), result.renderedFrames(), renderedHow, result.copiedFrames(), seconds);
      out.printf(Locale.ROOT, "verified: %d frames, %d kept GOPs identical to the master, %d frames decoded cleanly at the seams%n",
          result.verification().frames(), result.verification().keptGopsIdentical(), result.verification().decodedFrames());
      out.println("sidecar: " + result.sidecar());
    }
    out.flush();
  }
}
