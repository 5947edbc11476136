package dev.patchwork.examples;

import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.ChangeFilter;
import dev.patchwork.change.ChangeRanges;
import dev.patchwork.change.MarkerFiles;
import dev.patchwork.time.Timecode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say what changed: {@code --change}, {@code --markers}, {@code --color}, {@code --start-tc}. */
final class ChangeArgs {

  @Option(names = "--change", paramLabel = "R",
      description = "A changed range: START+COUNT (0-based master frames) or TCIN-TCOUT (SMPTE, out exclusive, "
          + "';' for drop-frame). Repeatable.")
  List<String> changes = new ArrayList<>();

  @Option(names = "--markers", paramLabel = "FILE",
      description = "Changes from a marker file: Resolve markers EDL (.edl), Edit Index CSV (.csv), OTIO JSON, "
          + "or a JSON list [{\"start\":…,\"frames\":…}].")
  Path markers;

  @Option(names = "--color", paramLabel = "C",
      description = "Only markers of this colour (case-insensitive; ResolveColorBlue = Blue). Repeatable.")
  List<String> colors = new ArrayList<>();

  @Option(names = "--start-tc", paramLabel = "TC",
      description = "The master's start timecode for reading timecodes (default: from the sidecar / the master's "
          + "timecode track, else 00:00:00:00).")
  String startTc;

  boolean isEmpty() {
    return changes.isEmpty() && markers == null;
  }

  /** The context with {@code --start-tc} applied. */
  ChangeContext context(ChangeContext fromMaster) {
    if (startTc == null) return fromMaster;
    try {
      return fromMaster.withStartTimecode(Timecode.parse(startTc, fromMaster.rate()));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("--start-tc", e.getMessage());
    }
  }

  /** Every change the options name, read against {@code ctx}, colour filter applied to markers. */
  List<Change> read(ChangeContext ctx) {
    List<Change> out = new ArrayList<>();
    List<ValidationException.Problem> problems = new ArrayList<>();
    for (String r : changes) {
      try {
        out.add(ChangeRanges.parse(r, ctx));
      } catch (ValidationException e) {
        problems.addAll(e.problems());
      }
    }
    if (markers != null) {
      try {
        ChangeFilter filter = colors.isEmpty() ? ChangeFilter.ALL : ChangeFilter.colors(colors.toArray(String[]::new));
        out.addAll(MarkerFiles.read(markers, ctx, filter));
      } catch (ValidationException e) {
        problems.addAll(e.problems());
      }
    } else if (!colors.isEmpty()) {
      problems.add(new ValidationException.Problem("--color", "filters markers; give --markers FILE as well"));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    return out;
  }
}
