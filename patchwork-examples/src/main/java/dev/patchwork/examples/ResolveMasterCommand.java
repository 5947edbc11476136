package dev.patchwork.examples;

import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.resolve.Resolve;
import dev.patchwork.resolve.ResolveMaster;
import dev.patchwork.resolve.ResolveMasterRenderer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchwork resolve master}: render the current timeline as a master with its sidecar. */
@Command(name = "master", mixinStandardHelpOptions = true,
    description = "Render the timeline open in Resolve to OUT with the current render settings (or --preset, or --format and "
        + "--codec) and, once the render completed, write OUT.patchwork.toml: the file's facts and hashes, and Resolve as "
        + "its origin (project, timeline, preset, format, codec), so that 'resolve patch' renders patches the same way.")
final class ResolveMasterCommand implements Callable<Integer> {

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
      description = "The master to write; its extension must be the render format's (.mov for QuickTime, .mxf for MXF, …).")
  Path output;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @Mixin ResolveRenderArgs renderArgs;

  @Mixin ResolveArgs resolveArgs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    var renderFormat = renderArgs.renderFormat(cl);
    FfmpegTools tools = FfmpegTools.locate();
    ResolveMaster m;
    try (Resolve r = resolveArgs.connector(cl).connect()) {
      ResolveMasterRenderer renderer = ResolveMasterRenderer.of(r, tools);
      if (renderArgs.preset != null) renderer = renderer.withPreset(renderArgs.preset);
      if (renderFormat != null) renderer = renderer.withFormat(renderFormat);
      m = renderer.render(output, new ProgressPrinter(cl.getErr()));
    }
    PrintWriter out = cl.getOut();
    out.println(m.master());
    out.println(AdoptCommand.summary(m.sidecar()));
    out.printf(Locale.ROOT, "rendered in Resolve as %s in %.1f s; sidecar: %s%n", m.format(), m.renderTime().toMillis() / 1000.0,
        m.sidecarPath());
    out.flush();
    return Main.OK;
  }
}
