package dev.patchwork.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A guard, not a benchmark: a sidecar for a long master (10 000 GOPs) reads and writes quickly. */
class SidecarPerformanceTest {

  @Test
  void tenThousandRegionsWriteAndReadWellUnderTheBound() {
    Sidecar big = TestSidecars.closedGops(10_000, 24, 65_536, 1_250_000, 4_000_000);

    long t0 = System.nanoTime();
    String toml = Sidecars.toToml(big);
    Sidecar back = Sidecars.parse(toml, "big.patchwork.toml");
    String again = Sidecars.toToml(back);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);

    assertThat(back).isEqualTo(big);
    assertThat(again).isEqualTo(toml);
    assertThat(toml.lines().count()).isGreaterThan(10_000);
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }
}
