package dev.patchwork.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.change.Change;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The planner's rules restated independently of the planner (hash sets and per-frame arrays instead of its
 * binary searches), and a brute-force reference that finds the least number of rendered frames by dynamic
 * programming over every frame.
 */
final class PlanRules {
  static final FrameRate RATE = FrameRate.FPS_25;
  static final Timecode TC = Timecode.zero(RATE, false);

  private PlanRules() {}

  /** Points every {@code gop} frames, each after the first with {@code lead} leading pictures. */
  static MasterFacts openGops(long frameCount, int gop, int lead) {
    List<RandomAccessPoint> points = new ArrayList<>();
    for (long f = 0; f < frameCount; f += gop) {
      points.add(f == 0 ? RandomAccessPoint.closed(0) : RandomAccessPoint.open(f, lead));
    }
    return new MasterFacts(frameCount, RATE, TC, false, points);
  }

  static MasterFacts points(long frameCount, RandomAccessPoint... points) {
    return new MasterFacts(frameCount, RATE, TC, false, List.of(points));
  }

  static Change change(long start, long endExclusive) {
    return Change.of(start, endExclusive - start);
  }

  /** Asserts the cut rules: every RENDER starts at {@code j − lead(j)}, every KEEP at 0 or at a fitting point. */
  static void assertFollowsRules(MasterFacts m, PatchPlan plan) {
    long n = m.frameCount();
    Set<Long> renderStarts = new HashSet<>();
    Map<Long, RandomAccessPoint> pointAt = new HashMap<>();
    for (RandomAccessPoint p : m.randomAccessPoints()) {
      renderStarts.add(p.frame() - p.lead());
      pointAt.put(p.frame(), p);
    }
    assertThat(plan.frameCount()).isEqualTo(n);
    List<Segment> segments = plan.segments();
    assertThat(segments).isNotEmpty();
    assertThat(segments.get(0).start()).isZero();
    assertThat(segments.get(segments.size() - 1).endExclusive()).isEqualTo(n);
    long total = 0;
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      total += s.frames();
      if (i > 0) {
        Segment before = segments.get(i - 1);
        assertThat(s.start()).as("contiguous at %s", s).isEqualTo(before.endExclusive());
        assertThat(s.kind()).as("alternating at %s", s).isNotEqualTo(before.kind());
      }
      if (m.intraOnly()) continue;
      if (s.isRender()) {
        // equivalently: the KEEP before it ends where some point's leading pictures begin
        assertThat(s.start() == 0 || renderStarts.contains(s.start()))
            .as("RENDER %s starts at j - lead(j) for a point j", s).isTrue();
      } else if (s.start() != 0) {
        RandomAccessPoint k = pointAt.get(s.start());
        assertThat(k).as("KEEP %s starts on a random-access point", s).isNotNull();
        Segment render = segments.get(i - 1);
        assertThat(render.range().contains(k.leading()))
            .as("leading pictures %s of KEEP start %s lie inside the RENDER %s before it", k.leading(), s, render).isTrue();
      }
    }
    assertThat(total).isEqualTo(n);
  }

  /** Asserts that every frame of every change is rendered. */
  static void assertChangesRendered(PatchPlan plan, List<Change> changes) {
    for (Change c : changes) {
      Segment first = plan.segmentAt(c.range().start());
      assertThat(first.isRender() && first.range().contains(c.range()))
          .as("change %s lies inside one RENDER (found %s)", c.range(), first).isTrue();
    }
  }

  /** The frames that must be rendered once handles are added and changes closer than the merge gap joined. */
  static boolean[] mustRender(long frameCount, List<Change> changes, PlanOptions options) {
    int n = Math.toIntExact(frameCount);
    boolean[] must = new boolean[n];
    for (Change c : changes) {
      for (long f = c.range().start() - options.handles(); f < c.range().endExclusive() + options.handles(); f++) {
        if (f >= 0 && f < n) must[(int) f] = true;
      }
    }
    int lastMarked = -1;
    for (int f = 0; f < n; f++) {
      if (!must[f]) continue;
      int gap = f - lastMarked - 1;
      if (lastMarked >= 0 && gap > 0 && gap < options.mergeGap()) {
        for (int g = lastMarked + 1; g < f; g++) must[g] = true;
      }
      lastMarked = f;
    }
    return must;
  }

  /**
   * The least number of frames any plan obeying the rules must render so that every frame in {@code must}
   * is rendered, by dynamic programming over every possible segment boundary (O(n²)).
   */
  static long minimalRenderedFrames(MasterFacts m, boolean[] must) {
    int n = Math.toIntExact(m.frameCount());
    boolean[] renderStart = new boolean[n + 1];
    boolean[] isPoint = new boolean[n + 1];
    long[] leadStart = new long[n + 1];
    if (m.intraOnly()) {
      for (int f = 0; f < n; f++) {
        renderStart[f] = true;
        isPoint[f] = true;
        leadStart[f] = f;
      }
    } else {
      for (RandomAccessPoint p : m.randomAccessPoints()) {
        renderStart[(int) p.leading().start()] = true;
        isPoint[(int) p.frame()] = true;
        leadStart[(int) p.frame()] = p.leading().start();
      }
    }
    long inf = Long.MAX_VALUE / 4;
    long[] keepFrom = new long[n + 1]; // least rendered frames in [p, n) if a KEEP starts at p
    long[] renderFrom = new long[n + 1]; // ... if a RENDER starts at p
    keepFrom[n] = 0;
    renderFrom[n] = 0;
    for (int p = n - 1; p >= 0; p--) {
      long best = inf;
      for (int q = p + 1; q <= n; q++) { // KEEP [p, q)
        if (must[q - 1]) break;
        if (q == n) best = Math.min(best, 0);
        else if (renderStart[q]) best = Math.min(best, renderFrom[q]);
      }
      keepFrom[p] = best;
      best = inf;
      if (renderStart[p]) {
        for (int q = p + 1; q <= n; q++) { // RENDER [p, q)
          if (q == n) best = Math.min(best, n - p);
          else if (isPoint[q] && leadStart[q] >= p && keepFrom[q] < inf) best = Math.min(best, (q - p) + keepFrom[q]);
        }
      }
      renderFrom[p] = best;
    }
    return Math.min(keepFrom[0], renderFrom[0]);
  }
}
