package dev.patchwork.cluster;

/** Where a distributed job is. */
public enum JobState {
  /** Chunks are being rendered. */
  RUNNING,
  /** Every chunk is done; the splice is scheduled or running. */
  SPLICING,
  /** The output and its sidecar are published. */
  DONE,
  /** A chunk or the splice failed after its retries; running the same render again resumes it. */
  FAILED,
  /** Cancelled ({@code patchwork jobs cancel}); running the same render again resumes it. */
  CANCELLED;

  /** True while workers may still work on it. */
  public boolean isActive() {
    return this == RUNNING || this == SPLICING;
  }
}
