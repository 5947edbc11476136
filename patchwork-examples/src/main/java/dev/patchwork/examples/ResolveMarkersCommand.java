package dev.patchwork.examples;

import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.MarkerFiles;
import dev.patchwork.resolve.Resolve;
import dev.patchwork.resolve.ResolveMarkers;
import dev.patchwork.resolve.TimelineInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code patchwork resolve markers}: the current timeline's markers as changes. */
@Command(name = "markers", mixinStandardHelpOptions = true,
    description = "Print the markers of the timeline open in Resolve as changes: start counted in frames from the timeline's "
        + "first frame (= master frame 0), frames, name, colour, note.")
final class ResolveMarkersCommand implements Callable<Integer> {

  @Option(names = "--color", paramLabel = "C", description = "Only markers of this colour (case-insensitive). Repeatable.")
  List<String> colors = new ArrayList<>();

  @Option(names = "--name", paramLabel = "N", description = "Only markers with this name (whole, case-insensitive). Repeatable.")
  List<String> names = new ArrayList<>();

  @Option(names = "--custom-data", paramLabel = "D", description = "Only markers whose custom data is D. Repeatable.")
  List<String> customData = new ArrayList<>();

  @Option(names = "--json", description = "Print the plain change list [{\"start\",\"frames\",\"name\",\"color\",\"note\"}] on stdout.")
  boolean json;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  @Mixin ResolveArgs resolveArgs;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine cl = spec.commandLine();
    PrintWriter out = cl.getOut();
    try (Resolve r = resolveArgs.connector(cl).connect()) {
      TimelineInfo tl = r.timeline();
      ChangeContext ctx = tl.changeContext();
      List<Change> changes = ResolveMarkers.changes(r.markers(), tl.name(), ctx, ResolveArgs.markerFilter(colors, names, customData));
      if (json) {
        out.println(MarkerFiles.toJson(changes));
      } else {
        out.printf(Locale.ROOT, "%s / %s: %s; %d marker%s%n", r.projectName(), tl.name(), ctx.describeMaster(), changes.size(),
            changes.size() == 1 ? "" : "s");
        for (Change c : changes) {
          out.printf(Locale.ROOT, "%8d %6d  %s-%s  %-8s %s%s%n", c.range().start(), c.range().frames(), ctx.timecodeAt(c.range().start()),
              ctx.timecodeAt(c.range().lastFrame()), c.color() == null ? "-" : c.color(), c.name() == null ? "" : c.name(),
              c.note() == null ? "" : "  (" + c.note() + ")");
        }
      }
    }
    out.flush();
    return Main.OK;
  }
}
