package dev.patchwork.examples;

import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.ChangeFilter;
import dev.patchwork.ffmpeg.FfmpegPatchEngine;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.resolve.MarkerFilter;
import dev.patchwork.resolve.RenderFormat;
import dev.patchwork.resolve.Resolve;
import dev.patchwork.resolve.ResolveMarkers;
import dev.patchwork.resolve.ResolveRenderer;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork resolve patch}: render the marked changes in Resolve, splice, verify. */
@Command(name = "patch", mixinStandardHelpOptions = true,
    description = "Patch a master rendered from the timeline open in Resolve: the changes (the timeline's markers, filtered by "
        + "--color/--name/--custom-data, or --change/--markers) are rendered in Resolve and encoded like the master, every other "
        + "GOP is copied byte-for-byte, and the result is verified before it is published. The master is never modified.")
final class ResolvePatchCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<master>", description = "The master (it needs a sidecar: 'resolve master' or adopt).")
  Path master;

  @Mixin ChangeArgs changeArgs;
  @Mixin CommonArgs common;
  @Mixin ResolveArgs resolveArgs;
  @Mixin PlanArgs planArgs;

  @Option(names = "--name", paramLabel = "N", description = "Only markers with this name (whole, case-insensitive). Repeatable.")
  List<String> names = new ArrayList<>();

  @Option(names = "--custom-data", paramLabel = "D", description = "Only timeline markers whose custom data is D. Repeatable.")
  List<String> customData = new ArrayList<>();

  @Mixin PatchOutputArgs outputArgs;

  @Option(names = "--mode", paramLabel = "M",
      description = "How segments match the master: auto (default), native (Resolve's own encoding of an intra master it "
          + "rendered, copied) or intermediate (an uncompressed render encoded like the master).")
  ResolveRenderer.Mode mode = ResolveRenderer.Mode.AUTO;

  @Option(names = "--intermediate", paramLabel = "FORMAT/CODEC",
      description = "The format and codec of intermediate renders (default: Resolve's first uncompressed QuickTime codec).")
  String intermediate;

  @Option(names = "--mark-out-exclusive",
      description = "Send MarkOut as the frame after the last (for a Resolve that reads it so; the default is inclusive).")
  boolean markOutExclusive;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    if (!customData.isEmpty() && !changeArgs.isEmpty()) {
      throw new CommandLine.ParameterException(cl, "--custom-data filters the timeline's markers; it does not apply to --change or --markers");
    }
    RenderFormat intermediateFormat = null;
    if (intermediate != null) {
      String[] parts = intermediate.split("/", 2);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new CommandLine.ParameterException(cl, "--intermediate must be FORMAT/CODEC, e.g. mov/ProRes4444XQ");
      }
      intermediateFormat = new RenderFormat(parts[0].strip(), parts[1].strip());
    }
    Patchwork pw = planArgs.apply(common.configure(Patchwork.forMaster(master)), cl).output(outputArgs.output).force(outputArgs.force)
        .listener(new ProgressPrinter(cl.getErr()));
    if (!Files.exists(pw.sidecar())) {
      throw new ValidationException(pw.sidecar().toString(),
          "the master has no sidecar; run 'patchwork resolve master' to render it, or 'patchwork adopt " + master + "'");
    }
    Sidecar sidecar = Sidecars.read(pw.sidecar());
    ChangeContext ctx = changeArgs.context(pw.changeContext());
    FfmpegTools tools = FfmpegTools.locate();
    PatchResult result;
    try (Resolve r = resolveArgs.connector(cl).connect()) {
      ResolveRenderer renderer = ResolveRenderer.of(r, tools).withMode(mode).withMarkOutInclusive(!markOutExclusive);
      if (intermediateFormat != null) renderer = renderer.withIntermediate(intermediateFormat);
      renderer.validate(sidecar); // the timeline in Resolve is the master's, before anything is read from it
      List<Change> changes;
      if (!changeArgs.isEmpty()) {
        changes = changeArgs.read(ctx);
        if (!names.isEmpty()) changes = ChangeFilter.names(names.toArray(String[]::new)).apply(changes);
      } else {
        MarkerFilter filter = ResolveArgs.markerFilter(changeArgs.colors, names, customData);
        String timeline = r.timeline().name();
        changes = ResolveMarkers.changes(r.markers(), timeline, ctx, filter);
        if (changes.isEmpty()) {
          throw new ValidationException("timeline '" + timeline + "'", filter.equals(MarkerFilter.ALL) ? "has no markers; mark the "
              + "changes on the timeline, or give --change / --markers" : "has no markers that match " + describe(filter));
        }
      }
      result = pw.renderer(renderer).engine(new FfmpegPatchEngine(tools)).patch(changes);
    }
    print(result, cl.getOut());
    return Main.OK;
  }

  private static String describe(MarkerFilter f) {
    List<String> parts = new ArrayList<>();
    if (!f.changes().colors().isEmpty()) parts.add("--color " + String.join(", ", f.changes().colors()));
    if (!f.changes().names().isEmpty()) parts.add("--name " + String.join(", ", f.changes().names()));
    if (!f.customData().isEmpty()) parts.add("--custom-data " + String.join(", ", f.customData()));
    return String.join(" and ", parts);
  }

  private void print(PatchResult result, PrintWriter out) {
    PatchCommand.print(result, out, outputArgs.json, "rendered in Resolve");
  }
}
