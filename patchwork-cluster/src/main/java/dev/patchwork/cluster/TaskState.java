package dev.patchwork.cluster;

/** Where one task (a chunk, or the audio) of a distributed job is. */
public enum TaskState {
  /** Waiting for a worker. */
  PENDING,
  /** A worker is rendering it. */
  RUNNING,
  /** Its last attempt failed; it runs again after a back-off. */
  RETRYING,
  /** Its output is complete. */
  DONE,
  /** It failed after its last attempt (the job failed). */
  FAILED,
  /** Its job was cancelled. */
  CANCELLED
}
