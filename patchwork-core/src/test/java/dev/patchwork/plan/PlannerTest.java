package dev.patchwork.plan;

import static dev.patchwork.plan.PlanRules.RATE;
import static dev.patchwork.plan.PlanRules.TC;
import static dev.patchwork.plan.PlanRules.assertChangesRendered;
import static dev.patchwork.plan.PlanRules.assertFollowsRules;
import static dev.patchwork.plan.PlanRules.change;
import static dev.patchwork.plan.PlanRules.openGops;
import static dev.patchwork.plan.PlanRules.points;
import static dev.patchwork.plan.Segment.keep;
import static dev.patchwork.plan.Segment.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlannerTest {

  private static final RandomAccessPoint P0 = RandomAccessPoint.closed(0);

  private static PatchPlan plan(MasterFacts m, Change... changes) {
    PatchPlan p = Planner.plan(m, List.of(changes));
    assertFollowsRules(m, p);
    assertChangesRendered(p, List.of(changes));
    return p;
  }

  private static PatchPlan plan(MasterFacts m, PlanOptions o, Change... changes) {
    PatchPlan p = Planner.plan(m, List.of(changes), o);
    assertFollowsRules(m, p);
    assertChangesRendered(p, List.of(changes));
    return p;
  }

  @Test
  void issueWorkedExampleHevcOpenGop() {
    // HEVC open GOP, keyframes every 60 frames with 2 leading pictures each, change 100–149
    // → KEEP 0–57, RENDER 58–179, KEEP 180–end.
    MasterFacts m = openGops(600, 60, 2);
    PatchPlan p = plan(m, change(100, 150));
    assertThat(p.segments()).containsExactly(keep(0, 58), render(58, 122), keep(180, 420));
    assertThat(p.renderedFrames()).isEqualTo(122);
    assertThat(p.keptFrames()).isEqualTo(478);
  }

  @Test
  void closedGopsRenderWholeGops() {
    MasterFacts m = MasterFacts.closedGops(600, RATE, TC, 60);
    assertThat(plan(m, change(100, 150)).segments()).containsExactly(keep(0, 60), render(60, 120), keep(180, 420));
    // a change that is exactly one GOP renders exactly that GOP
    assertThat(plan(m, change(120, 180)).segments()).containsExactly(keep(0, 120), render(120, 60), keep(180, 420));
  }

  @Test
  void intraIsFrameExact() {
    MasterFacts m = MasterFacts.intra(600, RATE, TC);
    assertThat(plan(m, change(100, 150)).segments()).containsExactly(keep(0, 100), render(100, 50), keep(150, 450));
    assertThat(plan(m, change(7, 8)).segments()).containsExactly(keep(0, 7), render(7, 1), keep(8, 592));
  }

  @Nested
  class Edges {
    @Test
    void changeAtFrameZero() {
      assertThat(plan(openGops(600, 60, 2), change(0, 1)).segments()).containsExactly(render(0, 60), keep(60, 540));
      assertThat(plan(MasterFacts.intra(600, RATE, TC), change(0, 1)).segments()).containsExactly(render(0, 1), keep(1, 599));
    }

    @Test
    void changeAtTheLastFrame() {
      // last point 540, its leading pictures 538 and 539
      assertThat(plan(openGops(600, 60, 2), change(599, 600)).segments()).containsExactly(keep(0, 538), render(538, 62));
      assertThat(plan(MasterFacts.closedGops(600, RATE, TC, 60), change(599, 600)).segments())
          .containsExactly(keep(0, 540), render(540, 60));
      assertThat(plan(MasterFacts.intra(600, RATE, TC), change(599, 600)).segments()).containsExactly(keep(0, 599), render(599, 1));
    }

    @Test
    void changeSpanningEverything() {
      for (MasterFacts m : List.of(openGops(600, 60, 2), MasterFacts.intra(600, RATE, TC))) {
        PatchPlan p = plan(m, change(0, 600));
        assertThat(p.segments()).containsExactly(render(0, 600));
        assertThat(p.isFullRender()).isTrue();
        assertThat(p.isNoOp()).isFalse();
      }
    }

    @Test
    void oneFrameMaster() {
      MasterFacts m = points(1, P0);
      assertThat(plan(m, change(0, 1)).segments()).containsExactly(render(0, 1));
      assertThat(plan(m).segments()).containsExactly(keep(0, 1));
    }

    @Test
    void framesAfterTheLastPointAreRenderedToTheEnd() {
      // last point at 540 of 1000 frames: a change at 900 renders from 538 to the end
      MasterFacts m = points(1000, P0, RandomAccessPoint.open(540, 2));
      assertThat(plan(m, change(900, 901)).segments()).containsExactly(keep(0, 538), render(538, 462));
    }

    @Test
    void noChangesKeepEverything() {
      PatchPlan p = plan(openGops(600, 60, 2));
      assertThat(p.segments()).containsExactly(keep(0, 600));
      assertThat(p.isNoOp()).isTrue();
      assertThat(p.renderedFrames()).isZero();
      assertThat(p).isEqualTo(PatchPlan.keepAll(600));
    }
  }

  @Nested
  class LeadingPictures {
    // points at 0, 60, 120 (and 180), each after the first with leading pictures [j-2, j)
    private final MasterFacts m = openGops(240, 60, 2);

    @Test
    void changeInsideTheLeadingPicturesRendersOnlyThem() {
      // 118 = 120 − lead(120) is a RENDER start at or before the change; 120 is the first point after it and
      // its leading pictures lie inside [118, 120). Starting at 58 would render 60 more frames.
      assertThat(plan(m, change(119, 120)).segments()).containsExactly(keep(0, 118), render(118, 2), keep(120, 120));
      assertThat(plan(m, change(118, 119)).segments()).containsExactly(keep(0, 118), render(118, 2), keep(120, 120));
      assertThat(plan(m, change(118, 120)).segments()).containsExactly(keep(0, 118), render(118, 2), keep(120, 120));
    }

    @Test
    void changeJustBeforeTheLeadingPicturesStartsAGopEarlier() {
      assertThat(plan(m, change(117, 118)).segments()).containsExactly(keep(0, 58), render(58, 62), keep(120, 120));
    }

    @Test
    void changeOnThePointItselfIncludesItsLeadingPictures() {
      assertThat(plan(m, change(120, 121)).segments()).containsExactly(keep(0, 118), render(118, 62), keep(180, 60));
    }

    @Test
    void changeCoveringTheLeadingPicturesAndThePoint() {
      assertThat(plan(m, change(119, 121)).segments()).containsExactly(keep(0, 118), render(118, 62), keep(180, 60));
    }
  }

  @Nested
  class Merging {
    private final MasterFacts intra = MasterFacts.intra(600, RATE, TC);

    @Test
    void overlappingChangesMerge() {
      assertThat(plan(openGops(600, 60, 2), change(100, 150), change(140, 200)).segments())
          .containsExactly(keep(0, 58), render(58, 182), keep(240, 360));
      assertThat(plan(intra, change(140, 200), change(100, 150)).segments())
          .containsExactly(keep(0, 100), render(100, 100), keep(200, 400));
    }

    @Test
    void touchingChangesMerge() {
      assertThat(plan(intra, change(100, 110), change(110, 120)).segments())
          .containsExactly(keep(0, 100), render(100, 20), keep(120, 480));
      // one frame apart: two RENDERs
      assertThat(plan(intra, change(100, 110), change(111, 120)).segments())
          .containsExactly(keep(0, 100), render(100, 10), keep(110, 1), render(111, 9), keep(120, 480));
    }

    @Test
    void rendersThatTouchAfterWideningMerge() {
      MasterFacts closed = MasterFacts.closedGops(600, RATE, TC, 60);
      assertThat(plan(closed, change(10, 20), change(70, 80)).segments()).containsExactly(render(0, 120), keep(120, 480));
      // open: [10,20) → [0,60) and [61,70) → [58,120) overlap
      assertThat(plan(openGops(600, 60, 2), change(10, 20), change(61, 70)).segments())
          .containsExactly(render(0, 120), keep(120, 480));
      // open: [10,20) → [0,60) and [300,310) → [298,360) stay apart
      assertThat(plan(openGops(600, 60, 2), change(10, 20), change(300, 310)).segments())
          .containsExactly(render(0, 60), keep(60, 238), render(298, 62), keep(360, 240));
    }

    @Test
    void mergeGapJoinsChangesWithFewerFramesBetween() {
      List<Change> changes = List.of(change(100, 110), change(115, 120)); // 5 frames between
      assertThat(Planner.plan(intra, changes, PlanOptions.DEFAULTS.withMergeGap(5)).renderSegments())
          .containsExactly(render(100, 10), render(115, 5));
      assertThat(Planner.plan(intra, changes, PlanOptions.DEFAULTS.withMergeGap(6)).renderSegments())
          .containsExactly(render(100, 20));
    }

    @Test
    void mergeGapChains() {
      List<Change> changes = List.of(change(10, 11), change(13, 14), change(16, 17), change(30, 31));
      assertThat(Planner.plan(intra, changes, PlanOptions.DEFAULTS.withMergeGap(3)).renderSegments())
          .containsExactly(render(10, 7), render(30, 1));
    }

    @Test
    void mergeGapOnLongGopRendersTheGap() {
      // apart: [58,120) and [238,300); with the gap merged: [58,300)
      MasterFacts m = openGops(600, 60, 2);
      List<Change> changes = List.of(change(100, 101), change(250, 251));
      assertThat(Planner.plan(m, changes).renderedFrames()).isEqualTo(62 + 62);
      assertThat(Planner.plan(m, changes, PlanOptions.DEFAULTS.withMergeGap(200)).renderSegments())
          .containsExactly(render(58, 242));
    }

    @Test
    void handlesWidenEachChangeAndAreClamped() {
      PlanOptions h5 = PlanOptions.DEFAULTS.withHandles(5);
      assertThat(plan(intra, h5, change(100, 110)).renderSegments()).containsExactly(render(95, 20));
      assertThat(plan(intra, h5, change(2, 4)).segments()).containsExactly(render(0, 9), keep(9, 591));
      assertThat(plan(intra, h5, change(597, 599)).segments()).containsExactly(keep(0, 592), render(592, 8));
      // handles make [100,110) and [118,120) touch: [95,115) and [113,125) → one RENDER
      assertThat(plan(intra, h5, change(100, 110), change(118, 120)).renderSegments()).containsExactly(render(95, 30));
      // on open GOPs: [123,124) with handles is [118,129), which starts on 120's leading pictures;
      // [122,123) with handles is [117,128), which reaches back into the previous GOP
      assertThat(plan(openGops(600, 60, 2), h5, change(123, 124)).renderSegments()).containsExactly(render(118, 62));
      assertThat(plan(openGops(600, 60, 2), h5, change(122, 123)).renderSegments()).containsExactly(render(58, 122));
    }
  }

  @Test
  void irregularGopsMixOpenAndClosedPoints() {
    // points: 0, 17 (closed), 30 (3 leading: 27–29), 55 (closed), 90 (5 leading: 85–89)
    MasterFacts m = points(120, P0, RandomAccessPoint.closed(17), RandomAccessPoint.open(30, 3),
        RandomAccessPoint.closed(55), RandomAccessPoint.open(90, 5));
    assertThat(plan(m, change(20, 21)).segments()).containsExactly(keep(0, 17), render(17, 13), keep(30, 90));
    assertThat(plan(m, change(28, 29)).segments()).containsExactly(keep(0, 27), render(27, 3), keep(30, 90));
    assertThat(plan(m, change(30, 56)).segments()).containsExactly(keep(0, 27), render(27, 63), keep(90, 30));
    assertThat(plan(m, change(86, 87)).segments()).containsExactly(keep(0, 85), render(85, 5), keep(90, 30));
    assertThat(plan(m, change(84, 85)).segments()).containsExactly(keep(0, 55), render(55, 35), keep(90, 30));
    assertThat(plan(m, change(60, 61), change(100, 101)).segments()).containsExactly(keep(0, 55), render(55, 65));
  }

  @Nested
  class MinimumSegment {
    private final MasterFacts closed = MasterFacts.closedGops(600, RATE, TC, 60);
    private final MasterFacts intra = MasterFacts.intra(600, RATE, TC);

    @Test
    void shortRenderIsWidenedByWholeGopsTowardsTheEnd() {
      PlanOptions min100 = PlanOptions.DEFAULTS.withMinimumSegment(100);
      assertThat(plan(closed, min100, change(130, 131)).segments())
          .containsExactly(keep(0, 120), render(120, 120), keep(240, 360));
      assertThat(plan(intra, min100, change(130, 131)).segments())
          .containsExactly(keep(0, 130), render(130, 100), keep(230, 370));
    }

    @Test
    void shortRenderAtTheEndIsWidenedTowardsTheStart() {
      PlanOptions min100 = PlanOptions.DEFAULTS.withMinimumSegment(100);
      assertThat(plan(closed, min100, change(590, 591)).segments()).containsExactly(keep(0, 480), render(480, 120));
      assertThat(plan(intra, min100, change(590, 591)).segments()).containsExactly(keep(0, 500), render(500, 100));
    }

    @Test
    void shortKeepsAreRenderedInstead() {
      PlanOptions min5 = PlanOptions.DEFAULTS.withMinimumSegment(5);
      // KEEP [3,100) is long enough, KEEP [0,3) is not; KEEP [110,114) between two RENDERs is not; the tail is
      assertThat(plan(intra, min5, change(3, 8), change(100, 110), change(114, 120)).segments())
          .containsExactly(render(0, 8), keep(8, 92), render(100, 20), keep(120, 480));
      assertThat(plan(intra, min5, change(500, 596)).segments()).containsExactly(keep(0, 500), render(500, 100));
    }

    @Test
    void aMasterShorterThanTheMinimumIsRenderedWhole() {
      assertThat(plan(MasterFacts.intra(10, RATE, TC), PlanOptions.DEFAULTS.withMinimumSegment(50), change(4, 5)).segments())
          .containsExactly(render(0, 10));
      // but nothing to do is still nothing to do
      assertThat(Planner.plan(MasterFacts.intra(10, RATE, TC), List.of(), PlanOptions.DEFAULTS.withMinimumSegment(50)).isNoOp())
          .isTrue();
    }
  }

  @Nested
  class Validation {
    private final MasterFacts m = new MasterFacts(100, RATE, Timecode.parse("01:00:00:00", RATE), true, List.of());

    @Test
    void changesOutsideTheMasterAreListedEach() {
      List<Change> changes = List.of(
          change(10, 20),
          change(95, 105).withOrigin("markers.edl:14").withName("Logo"),
          change(100, 101),
          change(250, 260).withOrigin("--change 250+10"));
      assertThatThrownBy(() -> Planner.plan(m, changes))
          .isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.problems()).extracting(ValidationException.Problem::where)
                .containsExactly("markers.edl:14", "changes[2]", "--change 250+10");
            assertThat(e.problems().get(0).message())
                .contains("'Logo'", "[95, 105)", "0 to 99", "01:00:00:00 to 01:00:03:24");
            assertThat(e.problems().get(2).message()).contains("[250, 260)", "outside");
          });
    }

    @Test
    void nullsAreRejected() {
      assertThatThrownBy(() -> Planner.plan(m, null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Planner.plan(null, List.of())).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> Planner.plan(m, List.of(), null)).isInstanceOf(NullPointerException.class);
      List<Change> withNull = new ArrayList<>();
      withNull.add(null);
      assertThatThrownBy(() -> Planner.plan(m, withNull)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyOrNegativeChangesCannotBeMade() {
      // the planner never sees them: Change and FrameRange refuse them
      assertThatThrownBy(() -> Change.of(FrameRange.of(5, 5))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Change.of(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void dayLongMasterIsPlannedWithoutWalkingFrames() {
    // 24 hours at 24 fps with open GOPs of 48 frames (43,200 points) and 5,000 random changes
    long frames = 24L * 3600 * 24;
    MasterFacts m = openGops(frames, 48, 3);
    Random random = new Random(7);
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      long start = (long) (random.nextDouble() * (frames - 500));
      changes.add(Change.of(start, 1 + random.nextInt(400)));
    }
    PatchPlan p = Planner.plan(m, changes, new PlanOptions(12, 24, 48));
    assertFollowsRules(m, p);
    assertChangesRendered(p, changes);
  }
}
