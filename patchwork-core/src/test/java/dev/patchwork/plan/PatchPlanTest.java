package dev.patchwork.plan;

import static dev.patchwork.plan.Segment.keep;
import static dev.patchwork.plan.Segment.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PatchPlanTest {

  @Test
  void sumsAndViews() {
    PatchPlan p = new PatchPlan(100, List.of(keep(0, 10), render(10, 5), keep(15, 80), render(95, 5)));
    assertThat(p.renderedFrames()).isEqualTo(10);
    assertThat(p.keptFrames()).isEqualTo(90);
    assertThat(p.renderSegments()).containsExactly(render(10, 5), render(95, 5));
    assertThat(p.keepSegments()).containsExactly(keep(0, 10), keep(15, 80));
    assertThat(p.isNoOp()).isFalse();
    assertThat(p.isFullRender()).isFalse();
    assertThat(p.segmentAt(0)).isEqualTo(keep(0, 10));
    assertThat(p.segmentAt(14)).isEqualTo(render(10, 5));
    assertThat(p.segmentAt(15)).isEqualTo(keep(15, 80));
    assertThat(p.segmentAt(99)).isEqualTo(render(95, 5));
    assertThatThrownBy(() -> p.segmentAt(100)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void shapeIsChecked() {
    assertThatThrownBy(() -> new PatchPlan(10, List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PatchPlan(10, List.of(keep(1, 9)))).hasMessageContaining("contiguous");
    assertThatThrownBy(() -> new PatchPlan(10, List.of(keep(0, 5), render(6, 4)))).hasMessageContaining("contiguous");
    assertThatThrownBy(() -> new PatchPlan(10, List.of(keep(0, 5), render(4, 6)))).hasMessageContaining("contiguous");
    assertThatThrownBy(() -> new PatchPlan(10, List.of(keep(0, 5), keep(5, 5)))).hasMessageContaining("alternate");
    assertThatThrownBy(() -> new PatchPlan(10, List.of(render(0, 5), render(5, 5)))).hasMessageContaining("alternate");
    assertThatThrownBy(() -> new PatchPlan(10, List.of(keep(0, 5), render(5, 6)))).hasMessageContaining("frame count 10");
    assertThatThrownBy(() -> new PatchPlan(0, List.of(keep(0, 1)))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepAllAndFullRender() {
    assertThat(PatchPlan.keepAll(7).isNoOp()).isTrue();
    assertThat(PatchPlan.keepAll(7).keptFrames()).isEqualTo(7);
    assertThat(new PatchPlan(7, List.of(render(0, 7))).isFullRender()).isTrue();
  }

  @Test
  void optionsAreValidated() {
    assertThat(PlanOptions.DEFAULTS).isEqualTo(new PlanOptions(0, 0, 0));
    assertThat(PlanOptions.DEFAULTS.withHandles(3).withMergeGap(4).withMinimumSegment(5)).isEqualTo(new PlanOptions(3, 4, 5));
    assertThatThrownBy(() -> PlanOptions.DEFAULTS.withHandles(-1)).hasMessageContaining("handles");
    assertThatThrownBy(() -> PlanOptions.DEFAULTS.withMergeGap(-1)).hasMessageContaining("mergeGap");
    assertThatThrownBy(() -> PlanOptions.DEFAULTS.withMinimumSegment(-1)).hasMessageContaining("minimumSegment");
  }
}
