package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PhaseTimesTest {

  @Test
  void aPhaseCountsTheTimeCoveredByItsRunsInTheOrderPhasesFirstRan() {
    PhaseTimes t = new PhaseTimes();
    t.add("render", 100, 400);
    t.add("verify", 150, 250);   // beside the render, on another thread
    t.add("render", 300, 500);   // overlaps the first run: 100-500 in all
    t.add("render", 700, 800);   // a second segment
    t.add("splice", 500, 700);
    t.add("verify", 800, 900);
    assertThat(t.list()).containsExactly(new PatchResult.Phase("render", Duration.ofNanos(500)),
        new PatchResult.Phase("verify", Duration.ofNanos(200)), new PatchResult.Phase("splice", Duration.ofNanos(200)));
  }

  @Test
  void timedWorkIsCountedAlsoWhenItThrows() {
    PhaseTimes t = new PhaseTimes();
    try {
      t.time("probe", () -> {
        throw new IllegalStateException("no");
      });
    } catch (IllegalStateException expected) {
      // counted all the same
    }
    assertThat(t.time("check", () -> 7)).isEqualTo(7);
    assertThat(t.list()).extracting(PatchResult.Phase::name).containsExactly("probe", "check");
  }
}
