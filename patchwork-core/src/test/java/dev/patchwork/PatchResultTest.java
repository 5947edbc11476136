package dev.patchwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchResultTest {

  private static final PatchPlan PLAN = new PatchPlan(100, List.of(Segment.keep(0, 48), Segment.render(48, 52)));
  private static final PatchResult.Verification CHECKED = new PatchResult.Verification(100, 1, 96, 48);

  private static PatchResult result(List<PatchResult.Phase> phases) {
    return new PatchResult(Path.of("out.mov"), Path.of("out.mov.patchwork.toml"), PLAN, List.of(), CHECKED, Duration.ofSeconds(9), phases);
  }

  @Test
  void phasesAreKeptInOrderAndFoundByName() {
    List<PatchResult.Phase> given = new ArrayList<>(List.of(new PatchResult.Phase(PatchResult.Phase.RENDER, Duration.ofSeconds(5)),
        new PatchResult.Phase(PatchResult.Phase.SPLICE, Duration.ofMillis(1500))));
    PatchResult r = result(given);
    given.clear();
    assertThat(r.phases()).extracting(PatchResult.Phase::name).containsExactly("render", "splice");
    assertThat(r.phase("splice")).contains(Duration.ofMillis(1500));
    assertThat(r.phase("index")).isEmpty();
    assertThatThrownBy(() -> r.phases().add(new PatchResult.Phase("x", Duration.ZERO))).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void anEngineThatMeasuresNoPhasesReportsNone() {
    PatchResult r = new PatchResult(Path.of("out.mov"), Path.of("out.mov.patchwork.toml"), PLAN, List.of(), CHECKED, Duration.ofSeconds(9));
    assertThat(r.phases()).isEmpty();
    assertThat(r.phase(PatchResult.Phase.SPLICE)).isEmpty();
  }

  @Test
  void refusesBadPhases() {
    assertThatThrownBy(() -> new PatchResult.Phase(" ", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PatchResult.Phase("splice", Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("splice");
    PatchResult.Phase twice = new PatchResult.Phase("render", Duration.ofSeconds(1));
    assertThatThrownBy(() -> result(List.of(twice, twice))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("render");
  }
}
