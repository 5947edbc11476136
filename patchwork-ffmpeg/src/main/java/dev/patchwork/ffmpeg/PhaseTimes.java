package dev.patchwork.ffmpeg;

import dev.patchwork.PatchResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Wall time per phase of a patch, summed over repeated runs of a phase; thread-safe (phases may run at once). */
final class PhaseTimes {

  private final Map<String, Long> nanos = new LinkedHashMap<>();

  /** Runs {@code work} and adds its wall time to {@code phase}, also when it throws. */
  <T> T time(String phase, Supplier<T> work) {
    long t = System.nanoTime();
    try {
      return work.get();
    } finally {
      add(phase, System.nanoTime() - t);
    }
  }

  void time(String phase, Runnable work) {
    time(phase, () -> {
      work.run();
      return null;
    });
  }

  synchronized void add(String phase, long elapsedNanos) {
    nanos.merge(phase, Math.max(0, elapsedNanos), Long::sum);
  }

  /** The phases in the order they were first timed. */
  synchronized List<PatchResult.Phase> list() {
    List<PatchResult.Phase> out = new ArrayList<>();
    nanos.forEach((name, n) -> out.add(new PatchResult.Phase(name, Duration.ofNanos(n))));
    return out;
  }
}
