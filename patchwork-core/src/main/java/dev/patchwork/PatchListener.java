package dev.patchwork;

import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes a plan or patch as it runs. Every method has a no-op default, so implement only what you need.
 *
 * <p>Methods are called on the thread doing the work (the caller's thread for synchronous calls, the
 * executor's thread for asynchronous ones), one at a time for a given job. A listener must be quick and
 * must not block; one that throws is logged and otherwise ignored — it never fails the job.
 */
public interface PatchListener {

  /** Does nothing. */
  PatchListener NONE = new PatchListener() {};

  /** The plan is ready; rendering starts next. */
  default void planned(PatchPlan plan) {}

  /** Work on {@code segment} (a render, or the splice of the whole output when {@code segment} is null) started. */
  default void segmentStarted(Segment segment) {}

  /**
   * Progress within the current step: {@code done} of {@code total} frames ({@code total} may be 0 when unknown).
   * Called from the progress reader, at most a few times a second.
   */
  default void progress(Segment segment, long done, long total) {}

  /** {@code segment} finished. */
  default void segmentFinished(Segment segment) {}

  /** A human-readable message for a long step ("verifying seams", "hashing master"). */
  default void message(String text) {}

  /**
   * Wraps {@code listener} so that an exception it throws is logged and swallowed. Patchwork calls listeners
   * through this; you rarely need it yourself.
   */
  static PatchListener safe(PatchListener listener) {
    if (listener == NONE) return NONE;
    return new SafeListener(listener);
  }
}

/** Logs and swallows what a user listener throws. */
final class SafeListener implements PatchListener {
  private static final Logger LOG = LoggerFactory.getLogger(PatchListener.class);
  private final PatchListener delegate;

  SafeListener(PatchListener delegate) {
    this.delegate = delegate;
  }

  private void run(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("listener {} threw; ignoring", delegate, e);
    }
  }

  @Override
  public void planned(PatchPlan plan) {
    run(() -> delegate.planned(plan));
  }

  @Override
  public void segmentStarted(Segment segment) {
    run(() -> delegate.segmentStarted(segment));
  }

  @Override
  public void progress(Segment segment, long done, long total) {
    run(() -> delegate.progress(segment, done, total));
  }

  @Override
  public void segmentFinished(Segment segment) {
    run(() -> delegate.segmentFinished(segment));
  }

  @Override
  public void message(String text) {
    run(() -> delegate.message(text));
  }
}
