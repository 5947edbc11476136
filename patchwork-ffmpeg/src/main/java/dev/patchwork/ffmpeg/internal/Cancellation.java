package dev.patchwork.ffmpeg.internal;

/**
 * A cancellation signal shared between whoever may cancel work (a job, a Ctrl-C handler) and the
 * {@link ProcessRunner} runs that should stop when it fires. Thread-safe; once cancelled it stays cancelled.
 */
public final class Cancellation {

  /** A signal that never fires. */
  public static final Cancellation NONE = new Cancellation(false);

  private final boolean cancellable;
  private volatile boolean cancelled;

  private Cancellation(boolean cancellable) {
    this.cancellable = cancellable;
  }

  public static Cancellation create() {
    return new Cancellation(true);
  }

  /** Fires the signal; running processes are asked to quit, then killed after their grace period. */
  public void cancel() {
    if (!cancellable) throw new UnsupportedOperationException("Cancellation.NONE cannot be cancelled");
    cancelled = true;
  }

  public boolean isCancelled() {
    return cancelled;
  }
}
