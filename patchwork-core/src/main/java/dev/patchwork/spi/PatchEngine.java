package dev.patchwork.spi;

import dev.patchwork.PatchResult;

/**
 * Carries out a planned patch: renders every RENDER segment with the job's {@link Renderer}, splices the
 * rendered segments into a copy of the master (kept GOPs byte-for-byte), verifies the result independently,
 * and only then moves the output and its new sidecar into place atomically. The master is never modified.
 *
 * <p>Implemented by the ffmpeg module; found with {@link java.util.ServiceLoader} unless set on the builder.
 * On any failure or cancellation no output and no temporary file remains.
 */
public interface PatchEngine {

  /** A short name for messages ("ffmpeg"). */
  default String name() {
    return getClass().getSimpleName();
  }

  /**
   * Runs {@code job}.
   *
   * @throws dev.patchwork.ValidationException      bad input (the master does not match its sidecar, a source that
   *                                                cannot provide the frames, an unusable output path)
   * @throws dev.patchwork.UnsupportedMasterException the master cannot be patched safely
   * @throws dev.patchwork.VerificationException    the spliced output failed verification (nothing was published)
   * @throws dev.patchwork.ToolFailedException      ffmpeg (or the renderer's tool) failed
   * @throws dev.patchwork.CancelledException       cancelled or interrupted
   */
  PatchResult patch(PatchJob job);
}
