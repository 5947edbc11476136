package dev.patchwork.ffmpeg;

import dev.patchwork.PatchResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time per phase of a patch: a phase that ran more than once, or on several threads at once, counts the time
 * covered by any of its runs (the union of their intervals, so never more than the patch's own wall time).
 * Thread-safe.
 */
final class PhaseTimes {

  private final Map<String, List<long[]>> intervals = new LinkedHashMap<>();

  /** Runs {@code work} and adds its interval to {@code phase}, also when it throws. */
  <T> T time(String phase, Supplier<T> work) {
    long t = System.nanoTime();
    try {
      return work.get();
    } finally {
      add(phase, t, System.nanoTime());
    }
  }

  void time(String phase, Runnable work) {
    time(phase, () -> {
      work.run();
      return null;
    });
  }

  /** Adds the interval {@code [startNanos, endNanos)} ({@link System#nanoTime()}) to {@code phase}. */
  synchronized void add(String phase, long startNanos, long endNanos) {
    intervals.computeIfAbsent(phase, k -> new ArrayList<>()).add(new long[] {startNanos, Math.max(startNanos, endNanos)});
  }

  /** The phases in the order they were first timed. */
  synchronized List<PatchResult.Phase> list() {
    List<PatchResult.Phase> out = new ArrayList<>();
    intervals.forEach((name, list) -> out.add(new PatchResult.Phase(name, Duration.ofNanos(union(list)))));
    return out;
  }

  private static long union(List<long[]> list) {
    List<long[]> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingLong(i -> i[0]));
    long total = 0;
    long start = Long.MIN_VALUE;
    long end = Long.MIN_VALUE;
    for (long[] i : sorted) {
      if (start == Long.MIN_VALUE || i[0] > end) {
        if (start != Long.MIN_VALUE) total += end - start;
        start = i[0];
        end = i[1];
      } else {
        end = Math.max(end, i[1]);
      }
    }
    if (start != Long.MIN_VALUE) total += end - start;
    return total;
  }
}
