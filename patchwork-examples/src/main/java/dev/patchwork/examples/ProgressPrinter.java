package dev.patchwork.examples;

import dev.patchwork.PatchListener;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.io.PrintWriter;
import java.util.Locale;

/** Progress of long work on stderr: one line per step, percentages at most every second. */
final class ProgressPrinter implements PatchListener {

  private final PrintWriter err;
  private long lastPrint;
  private int lastPercent = -1;

  ProgressPrinter(PrintWriter err) {
    this.err = err;
  }

  @Override
  public synchronized void planned(PatchPlan plan) {
    err.printf(Locale.ROOT, "plan: re-render %d of %d frames in %d segment(s)%n", plan.renderedFrames(), plan.frameCount(),
        plan.renderSegments().size());
    err.flush();
  }

  @Override
  public synchronized void segmentStarted(Segment segment) {
    lastPercent = -1;
    err.println(segment == null ? "splicing…" : String.format(Locale.ROOT, "rendering frames %d-%d (%d frames)…",
        segment.start(), segment.endExclusive() - 1, segment.frames()));
    err.flush();
  }

  @Override
  public synchronized void progress(Segment segment, long done, long total) {
    if (total <= 0) return;
    int percent = (int) Math.min(100, done * 100 / total);
    long now = System.nanoTime();
    if (percent == lastPercent || (now - lastPrint < 1_000_000_000L && percent < 100)) return;
    lastPrint = now;
    lastPercent = percent;
    err.printf(Locale.ROOT, "  %3d %%%n", percent);
    err.flush();
  }

  @Override
  public synchronized void message(String text) {
    err.println(text);
    err.flush();
  }
}
