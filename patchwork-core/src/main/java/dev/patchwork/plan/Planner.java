package dev.patchwork.plan;

import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a master's {@link MasterFacts facts} and a list of {@link Change changes} into a {@link PatchPlan}:
 * which frames are kept byte-for-byte and which are re-rendered.
 *
 * <h2>Rules</h2>
 * Write {@code lead(j)} for the number of leading pictures of random-access point {@code j} (frames shown
 * before {@code j} but stored after it; 0 for a closed point). In display order:
 * <ul>
 *   <li>A RENDER starts at frame 0 or at {@code j − lead(j)} for some point {@code j}: the KEEP before it
 *       ends where {@code j}'s leading pictures begin, because they are stored after {@code j} and cannot
 *       be kept without it.</li>
 *   <li>A KEEP starts at frame 0 or at a point {@code k} whose leading pictures lie inside the RENDER just
 *       before it (the splice drops them from the kept bitstream and, where the codec needs it, re-types
 *       {@code k}, e.g. HEVC CRA to BLA).</li>
 *   <li>Every changed frame lies in a RENDER; the number of rendered frames is the least these rules allow.</li>
 * </ul>
 * So a change {@code [s, e)} is rendered from the greatest {@code j − lead(j) <= s} to the first point
 * {@code k >= e} (or to the end of the master). "A point at or before the change" therefore means a point
 * whose <em>render start</em> {@code j − lead(j)} is at or before it: a change inside the leading pictures
 * of {@code j} starts its RENDER at {@code j − lead(j)}, not a GOP earlier. With points at 60 and 120, two
 * leading pictures each, the change {@code [119, 120)} gives KEEP {@code [0, 118)}, RENDER
 * {@code [118, 120)}, KEEP from 120: the KEEP ends where 120's leading pictures begin and the next KEEP
 * starts at 120 with its leading pictures {@code [118, 120)} inside the RENDER, so both rules hold, and a
 * RENDER from 58 would render 60 frames more. The frame {@code k} found for the end always qualifies as a
 * KEEP start: no point lies inside another's leading pictures, so {@code k − lead(k)} is at or after the
 * RENDER's start.
 *
 * <p>The worked example: HEVC open GOPs, a point every 60 frames with 2 leading pictures each,
 * change {@code [100, 150)}: KEEP {@code [0, 58)}, RENDER {@code [58, 180)}, KEEP from 180. With closed
 * GOPs {@code lead} is 0 and a RENDER spans whole GOPs. An all-intra master renders exactly the (merged)
 * changes.
 *
 * <p><b>Why this is minimal.</b> Any valid RENDER holding a change {@code [s, e)} starts at a render start
 * {@code <= s}, hence at or before the greatest one, and ends at a point {@code >= e} or at the end, hence at
 * or after the first one; so every valid plan renders at least the union of these per-change spans. That
 * union is itself a valid plan (touching or overlapping spans merge into one RENDER; each KEEP starts at
 * the end of a span whose start is at or after the merged RENDER's start), so it is the unique minimum.
 *
 * <h2>Options</h2>
 * In this order: every change is widened by {@link PlanOptions#handles()} frames on each side (clamped to
 * the master); changes that overlap, touch, or have fewer than {@link PlanOptions#mergeGap()} frames
 * between them merge; each merged change is widened to the cut points above and RENDERs that then touch or
 * overlap merge; finally {@link PlanOptions#minimumSegment()} widens short RENDERs and renders short KEEPs
 * (see there). Minimality holds for the changes as widened and merged by handles and merge gap, with no
 * minimum segment.
 *
 * <p>Runs in {@code O(c log c + c log p)} for {@code c} changes and {@code p} random-access points; it
 * never walks the master frame by frame.
 */
public final class Planner {

  private Planner() {}

  /** {@link #plan(MasterFacts, List, PlanOptions)} with {@link PlanOptions#DEFAULTS}. */
  public static PatchPlan plan(MasterFacts master, List<Change> changes) {
    return plan(master, changes, PlanOptions.DEFAULTS);
  }

  /**
   * Plans a patch. No changes gives the plan that keeps everything.
   *
   * @throws ValidationException listing every change that reaches outside the master's frames, each under
   *                             its origin (or {@code changes[i]} if it has none)
   */
  public static PatchPlan plan(MasterFacts master, List<Change> changes, PlanOptions options) {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(options, "options");
    validate(master, changes);
    long frameCount = master.frameCount();
    if (changes.isEmpty()) return PatchPlan.keepAll(frameCount);

    CutPoints cuts = CutPoints.of(master);
    List<FrameRange> merged = mergeChanges(changes, frameCount, options);
    List<FrameRange> renders = new ArrayList<>(merged.size());
    for (FrameRange r : merged) {
      renders.add(FrameRange.of(cuts.renderStartAtOrBefore(r.start()), cuts.keepStartAtOrAfter(r.endExclusive())));
    }
    int minimum = options.minimumSegment();
    if (minimum > 0) renders = widenShortRenders(renders, cuts, frameCount, minimum);
    renders = mergeOverlappingOrTouching(renders);
    if (minimum > 0) renders = renderShortKeeps(renders, frameCount, minimum);

    PatchPlan plan = toPlan(renders, frameCount);
    check(plan, cuts);
    return plan;
  }

  private static void validate(MasterFacts master, List<Change> changes) {
    long frameCount = master.frameCount();
    List<ValidationException.Problem> problems = new ArrayList<>();
    for (int i = 0; i < changes.size(); i++) {
      Change c = Objects.requireNonNull(changes.get(i), () -> "changes contains null");
      FrameRange r = c.range();
      if (r.endExclusive() <= frameCount) continue;
      String where = c.origin() != null ? c.origin() : "changes[" + i + "]";
      String what = c.name() != null ? "change '" + c.name() + "'" : "change";
      String frames = r.start() < frameCount ? "reaches past the master's end" : "lies outside the master";
      problems.add(new ValidationException.Problem(where, String.format(Locale.ROOT,
          "%s %s %s (frames %d to %d); expected frames within [0, %d), that is %d to %d (%s to %s)",
          what, r, frames, r.start(), r.lastFrame(), frameCount, 0, frameCount - 1,
          timecode(master, 0), timecode(master, frameCount - 1))));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  private static String timecode(MasterFacts master, long frame) {
    Timecode start = master.startTimecode();
    return start.plus(frame).toString();
  }

  /** Changes widened by handles, sorted, and merged when they overlap, touch or lie closer than the gap. */
  private static List<FrameRange> mergeChanges(List<Change> changes, long frameCount, PlanOptions options) {
    long handles = options.handles();
    List<FrameRange> ranges = new ArrayList<>(changes.size());
    for (Change c : changes) {
      ranges.add(FrameRange.of(Math.max(0, c.range().start() - handles), Math.min(frameCount, c.range().endExclusive() + handles)));
    }
    ranges.sort(Comparator.naturalOrder());
    long mergeBelow = Math.max(1, options.mergeGap()); // merge while the gap is smaller than this
    List<FrameRange> merged = new ArrayList<>();
    FrameRange current = ranges.get(0);
    for (int i = 1; i < ranges.size(); i++) {
      FrameRange next = ranges.get(i);
      if (next.start() - current.endExclusive() < mergeBelow) {
        current = FrameRange.of(current.start(), Math.max(current.endExclusive(), next.endExclusive()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged;
  }

  /**
   * Each RENDER shorter than {@code minimum}: end moved to the first point at least {@code minimum} frames
   * after its start; if that hits the master's end, start moved back to the latest render start at least
   * {@code minimum} frames before the end (or to 0).
   */
  private static List<FrameRange> widenShortRenders(List<FrameRange> renders, CutPoints cuts, long frameCount, long minimum) {
    List<FrameRange> widened = new ArrayList<>(renders.size());
    for (FrameRange r : renders) {
      long start = r.start();
      long end = r.endExclusive();
      if (end - start < minimum) {
        end = Math.max(end, cuts.keepStartAtOrAfter(Math.min(frameCount, start + minimum)));
        if (end - start < minimum) start = cuts.renderStartAtOrBefore(Math.max(0, end - minimum));
      }
      widened.add(FrameRange.of(start, end));
    }
    widened.sort(Comparator.naturalOrder());
    return widened;
  }

  /** Sorted spans that overlap or touch become one; the union keeps the earliest start. */
  private static List<FrameRange> mergeOverlappingOrTouching(List<FrameRange> sorted) {
    List<FrameRange> merged = new ArrayList<>(sorted.size());
    FrameRange current = sorted.get(0);
    for (int i = 1; i < sorted.size(); i++) {
      FrameRange next = sorted.get(i);
      if (next.start() <= current.endExclusive()) {
        current = FrameRange.of(current.start(), Math.max(current.endExclusive(), next.endExclusive()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged;
  }

  /** KEEPs shorter than {@code minimum} between, before or after the RENDERs are rendered instead. */
  private static List<FrameRange> renderShortKeeps(List<FrameRange> renders, long frameCount, long minimum) {
    List<FrameRange> result = new ArrayList<>(renders.size());
    FrameRange current = renders.get(0);
    if (current.start() > 0 && current.start() < minimum) current = FrameRange.of(0, current.endExclusive());
    for (int i = 1; i < renders.size(); i++) {
      FrameRange next = renders.get(i);
      if (next.start() - current.endExclusive() < minimum) {
        current = FrameRange.of(current.start(), next.endExclusive());
      } else {
        result.add(current);
        current = next;
      }
    }
    if (current.endExclusive() < frameCount && frameCount - current.endExclusive() < minimum) {
      current = FrameRange.of(current.start(), frameCount);
    }
    result.add(current);
    return result;
  }

  private static PatchPlan toPlan(List<FrameRange> renders, long frameCount) {
    List<Segment> segments = new ArrayList<>(2 * renders.size() + 1);
    long next = 0;
    for (FrameRange r : renders) {
      if (r.start() > next) segments.add(Segment.keep(next, r.start() - next));
      segments.add(Segment.render(r.start(), r.frames()));
      next = r.endExclusive();
    }
    if (next < frameCount) segments.add(Segment.keep(next, frameCount - next));
    return new PatchPlan(frameCount, segments);
  }

  /** The plan obeys the cut rules; a failure here is a bug in the planner, never bad input. */
  private static void check(PatchPlan plan, CutPoints cuts) {
    Segment previous = null;
    for (Segment s : plan.segments()) {
      boolean ok = s.isRender()
          ? cuts.isRenderStart(s.start())
          : s.start() == 0 || cuts.isKeepStartAfter(s.start(), previous.start());
      if (!ok) throw new IllegalStateException("planner produced an invalid cut at " + s + " in " + plan.segments());
      previous = s;
    }
  }
}
