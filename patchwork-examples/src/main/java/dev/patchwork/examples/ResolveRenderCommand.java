package dev.patchwork.examples;

import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.resolve.MultiNodeRenderer;
import dev.patchwork.resolve.ResolveMaster;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchwork resolve render --nodes}: a first render split across Resolve nodes. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = "Render the timeline as a master on several Resolve nodes (external scripting set to Network on each, the "
        + "same project database and media paths): GOP-aligned chunks, a failed chunk retried on another node, joined by "
        + "stream copy; then OUT.patchwork.toml. OUT's folder must be shared storage the nodes write to.")
final class ResolveRenderCommand implements Callable<Integer> {

  @Option(names = "--nodes", paramLabel = "HOST,HOST", required = true, split = ",",
      description = "The Resolve nodes' addresses.")
  List<String> nodes = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
      description = "The master to write; its extension must be the render format's.")
  Path output;

  @Option(names = "--project", paramLabel = "P", description = "The project (default: the one open in the local Resolve).")
  String project;

  @Option(names = "--timeline", paramLabel = "T", description = "The timeline (default: the one open in the local Resolve).")
  String timeline;

  @Option(names = "--chunk-seconds", paramLabel = "S", description = "About how long each chunk is (default: 60).")
  Integer chunkSeconds;

  @Option(names = "--gop", paramLabel = "N", description = "Chunks start on multiples of N frames (default: one second of frames).")
  Integer gop;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @Mixin ResolveRenderArgs renderArgs;

  @Mixin ResolveArgs resolveArgs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    var renderFormat = renderArgs.renderFormat(cl);
    List<String> hosts = ResolveArgs.split(nodes);
    if (hosts.isEmpty()) throw new CommandLine.ParameterException(cl, "--nodes needs at least one address");
    if (chunkSeconds != null && chunkSeconds <= 0) throw new CommandLine.ParameterException(cl, "--chunk-seconds must be positive");
    if (gop != null && gop <= 0) throw new CommandLine.ParameterException(cl, "--gop must be positive");
    MultiNodeRenderer renderer;
    try {
      renderer = MultiNodeRenderer.of(resolveArgs.connector(cl), hosts, FfmpegTools.locate());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "--nodes: " + e.getMessage());
    }
    if (project != null) renderer = renderer.withProject(project);
    if (timeline != null) renderer = renderer.withTimeline(timeline);
    if (renderArgs.preset != null) renderer = renderer.withPreset(renderArgs.preset);
    if (renderFormat != null) renderer = renderer.withFormat(renderFormat);
    if (chunkSeconds != null) renderer = renderer.withChunkDuration(Duration.ofSeconds(chunkSeconds));
    if (gop != null) renderer = renderer.withGop(gop);
    ResolveMaster m = renderer.render(output, new ProgressPrinter(cl.getErr()));
    PrintWriter out = cl.getOut();
    out.println(m.master());
    out.println(AdoptCommand.summary(m.sidecar()));
    out.printf(Locale.ROOT, "rendered on %d node(s) as %s in %.1f s; sidecar: %s%n", hosts.size(), m.format(),
        m.renderTime().toMillis() / 1000.0, m.sidecarPath());
    out.flush();
    return Main.OK;
  }
}
