package dev.patchwork.plan;

import static dev.patchwork.plan.PlanRules.RATE;
import static dev.patchwork.plan.PlanRules.TC;
import static dev.patchwork.plan.PlanRules.assertChangesRendered;
import static dev.patchwork.plan.PlanRules.assertFollowsRules;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.change.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The planner against its rules and an independent brute-force reference on thousands of small random
 * masters (irregular GOPs, random leading pictures, some points closed, some masters all-intra). A failure
 * names the seed; rerun one with {@code -Dplanner.seed=N}.
 */
class PlannerPropertyTest {
  private static final int RUNS = 4_000;

  private record Case(long seed, MasterFacts master, List<Change> changes, PlanOptions options) {
    @Override
    public String toString() {
      String points = master.intraOnly() ? "intra"
          : "points " + master.randomAccessPoints().stream().map(p -> p.frame() + (p.isClosed() ? "" : "/" + p.lead())).toList();
      return "seed " + seed + ": " + master.frameCount() + " frames, " + points + " (frame/leading pictures), changes "
          + changes.stream().map(Change::range).toList() + ", " + options;
    }
  }

  static Case randomCase(long seed, boolean withMinimumSegment) {
    Random r = new Random(seed);
    long n = 1 + r.nextInt(r.nextInt(4) == 0 ? 12 : 120);
    MasterFacts master;
    if (r.nextInt(5) == 0) {
      master = MasterFacts.intra(n, RATE, TC);
    } else {
      List<RandomAccessPoint> points = new ArrayList<>();
      points.add(RandomAccessPoint.closed(0));
      int maxGap = 1 + r.nextInt(20);
      long f = 1 + r.nextInt(maxGap);
      while (f < n) {
        long gapBefore = f - points.get(points.size() - 1).frame();
        int lead = r.nextBoolean() ? 0 : r.nextInt((int) Math.min(gapBefore, 6)); // leading pictures stay after the previous point
        points.add(RandomAccessPoint.open(f, lead));
        f += 1 + r.nextInt(maxGap);
      }
      master = new MasterFacts(n, RATE, TC, false, points);
    }
    List<Change> changes = new ArrayList<>();
    int count = r.nextInt(6);
    for (int i = 0; i < count; i++) {
      long start = r.nextInt((int) n);
      long length = 1 + r.nextInt((int) Math.min(n - start, 1 + r.nextInt(25)));
      changes.add(Change.of(start, length));
    }
    PlanOptions options = new PlanOptions(
        r.nextInt(3) == 0 ? r.nextInt(4) : 0,
        r.nextInt(3) == 0 ? r.nextInt(8) : 0,
        withMinimumSegment ? 1 + r.nextInt(30) : 0);
    return new Case(seed, master, changes, options);
  }

  private static long baseSeed() {
    return Long.getLong("planner.seed", 20_240_601L);
  }

  private static void forEachCase(boolean withMinimumSegment, Consumer<Case> check) {
    Long only = Long.getLong("planner.seed");
    int runs = only != null ? 1 : RUNS;
    for (int i = 0; i < runs; i++) {
      Case c = randomCase(baseSeed() + i, withMinimumSegment);
      try {
        check.accept(c);
      } catch (AssertionError | RuntimeException e) {
        System.err.println("Planner property failed for " + c);
        throw new AssertionError("failed for " + c, e);
      }
    }
  }

  @Test
  void plansFollowTheRulesAndRenderTheLeastFrames() {
    forEachCase(false, c -> {
      PatchPlan plan = Planner.plan(c.master(), c.changes(), c.options());
      assertFollowsRules(c.master(), plan);
      assertChangesRendered(plan, c.changes());
      boolean[] must = PlanRules.mustRender(c.master().frameCount(), c.changes(), c.options());
      for (int f = 0; f < must.length; f++) {
        if (must[f]) assertThat(plan.segmentAt(f).isRender()).as("frame %d (changed, handle or merge gap) is rendered", f).isTrue();
      }
      assertThat(plan.renderedFrames()).as("rendered frames").isEqualTo(PlanRules.minimalRenderedFrames(c.master(), must));
      assertThat(plan.isNoOp()).isEqualTo(c.changes().isEmpty());
      if (c.master().intraOnly()) {
        long changed = 0;
        for (boolean b : must) if (b) changed++;
        assertThat(plan.renderedFrames()).as("intra is frame-exact").isEqualTo(changed);
      }
    });
  }

  @Test
  void minimumSegmentKeepsTheRulesAndOnlyAddsFrames() {
    forEachCase(true, c -> {
      PatchPlan plan = Planner.plan(c.master(), c.changes(), c.options());
      PatchPlan without = Planner.plan(c.master(), c.changes(), c.options().withMinimumSegment(0));
      assertFollowsRules(c.master(), plan);
      assertChangesRendered(plan, c.changes());
      for (Segment s : without.renderSegments()) {
        Segment holder = plan.segmentAt(s.start());
        assertThat(holder.isRender() && holder.range().contains(s.range()))
            .as("RENDER %s without a minimum lies in a RENDER with it", s).isTrue();
      }
      long minimum = c.options().minimumSegment();
      if (plan.isNoOp()) {
        assertThat(c.changes()).isEmpty();
      } else if (!plan.isFullRender()) {
        for (Segment s : plan.segments()) assertThat(s.frames()).as("%s is at least %d frames", s, minimum).isGreaterThanOrEqualTo(minimum);
      }
    });
  }
}
