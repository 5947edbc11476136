package dev.patchwork.examples;

import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code patchwork plan}: which frames a patch would keep and which it would re-render. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show which frames a patch keeps byte-for-byte and which it re-renders. Reads the sidecar "
        + "when there is one, probes the master otherwise.")
final class PlanCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "<master>", description = "The master deliverable.")
  Path master;

  @Mixin ChangeArgs changeArgs;
  @Mixin CommonArgs common;

  @Mixin PlanArgs planArgs;

  @Option(names = "--json", description = "Print {\"segments\":[{\"kind\",\"start\",\"frames\"},…]} on stdout.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if (changeArgs.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give the changes: --change R... or --markers FILE");
    }
    if (changeArgs.changes.size() > 0 && changeArgs.markers != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--change and --markers are mutually exclusive");
    }
    Patchwork pw = planArgs.apply(common.configure(Patchwork.forMaster(master)), spec.commandLine());
    ChangeContext ctx = changeArgs.context(pw.changeContext());
    List<Change> changes = changeArgs.read(ctx);
    PatchPlan plan = pw.plan(changes);
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.plan(plan));
    } else {
      out.printf(Locale.ROOT, "%s: %s%n", master.getFileName(), ctx.describeMaster());
      for (Segment s : plan.segments()) {
        out.printf(Locale.ROOT, "%-6s %8d-%-8d %8d frames  %s-%s%n", s.kind(), s.start(), s.endExclusive() - 1, s.frames(),
            ctx.timecodeAt(s.start()), ctx.timecodeAt(s.endExclusive() - 1));
      }
      out.printf(Locale.ROOT, "re-render %d of %d frames (%s %%), keep %d%n", plan.renderedFrames(), plan.frameCount(),
          percent(plan.renderedFrames(), plan.frameCount()), plan.keptFrames());
    }
    out.flush();
    return Main.OK;
  }

  static String percent(long part, long whole) {
    long tenths = whole == 0 ? 0 : Math.round(part * 1000.0 / whole);
    return (tenths / 10) + "." + (tenths % 10);
  }
}
