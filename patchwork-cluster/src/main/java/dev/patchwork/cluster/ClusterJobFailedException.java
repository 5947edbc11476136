package dev.patchwork.cluster;

import dev.patchwork.PatchworkException;

/** A distributed job failed on the workers: a chunk or the splice still failed after its retries. */
public class ClusterJobFailedException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  private final String jobId;

  public ClusterJobFailedException(String jobId, String message) {
    super(message);
    this.jobId = jobId;
  }

  /** The failed job. */
  public String jobId() {
    return jobId;
  }
}
