/**
 * Exact time: {@link dev.patchwork.time.FrameRate rational frame rates}, half-open
 * {@link dev.patchwork.time.FrameRange frame ranges} and SMPTE {@link dev.patchwork.time.Timecode timecode}
 * including drop-frame. No floating point is used for frame arithmetic.
 */
package dev.patchwork.time;
