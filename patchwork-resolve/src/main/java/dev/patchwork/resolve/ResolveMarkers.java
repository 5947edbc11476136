package dev.patchwork.resolve;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The live timeline's markers as Patchwork changes of the master rendered from that whole timeline.
 *
 * <p>A marker's key in {@code GetMarkers()} is its offset from the timeline's first frame, which is the master frame:
 * a marker at key 48 with duration 12 is the change {@code [48, 60)} — whatever the timeline's start timecode
 * ({@code 01:00:00:00}, drop-frame {@code 01:00:00;00}). Markers the filter drops are skipped first; a kept marker that
 * reaches outside the master is an error, never clamped, and all such problems are reported together. Each change's
 * origin names the marker: {@code timeline 'Reel 1' marker at 01:00:02:00 (frame 48)}.
 */
public final class ResolveMarkers {

  private ResolveMarkers() {}

  /**
   * The current timeline's markers that {@code filter} keeps, checked against the timeline itself.
   *
   * @throws ValidationException listing every kept marker outside the timeline
   */
  public static List<Change> changes(Resolve resolve, MarkerFilter filter) {
    Objects.requireNonNull(resolve, "resolve");
    TimelineInfo timeline = resolve.timeline();
    return changes(resolve.markers(), timeline.name(), timeline.changeContext(), filter);
  }

  /**
   * {@code markers} of the timeline {@code timelineName} that {@code filter} keeps, as changes of the master that
   * {@code master} describes (frame 0 = the timeline's first frame), sorted by range.
   *
   * @throws ValidationException listing every kept marker that reaches outside the master
   */
  public static List<Change> changes(List<Marker> markers, String timelineName, ChangeContext master, MarkerFilter filter) {
    Objects.requireNonNull(markers, "markers");
    Objects.requireNonNull(timelineName, "timelineName");
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(filter, "filter");
    List<Change> out = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Marker m : markers) {
      if (!filter.test(m)) continue;
      String origin = "timeline '" + timelineName + "' marker at " + master.timecodeAt(m.offset()) + " (frame " + m.offset() + ")";
      long end = m.offset() + m.duration();
      if (end > master.frameCount()) {
        problems.add(new Problem(origin, (m.name() == null ? "the marker" : "the marker '" + m.name() + "'") + " covers frames "
            + m.offset() + ".." + (end - 1) + ", which " + (m.offset() >= master.frameCount() ? "starts" : "runs")
            + " past the master's last frame; the master has " + master.describeMaster()
            + ". Is the timeline the one the master was rendered from?"));
        continue;
      }
      out.add(m.toChange(origin));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    out.sort(Comparator.comparing(Change::range));
    return List.copyOf(out);
  }
}
