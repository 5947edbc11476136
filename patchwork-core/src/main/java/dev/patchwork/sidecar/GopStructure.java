package dev.patchwork.sidecar;

/**
 * How the video is grouped into pictures that can be decoded on their own: the sidecar's
 * {@code [video.gop]} table. Where the random-access points actually are is in the
 * {@link ContentIndex content index}; this says what the encoder was asked for.
 *
 * @param intraOnly true for all-intra codecs (ProRes, DNxHR, …): every frame is a closed random-access
 *                  point ({@code intra_only}; required)
 * @param length    the nominal GOP length in frames, or {@code null} if not known; 1 when {@code intraOnly}
 * @param bFrames   the most B-frames in a row, or {@code null} if not known ({@code b_frames}); 0 when {@code intraOnly}
 * @param closed    true if every GOP is closed, false if GOPs may be open (leading pictures), {@code null}
 *                  if not known; true when {@code intraOnly}
 */
public record GopStructure(boolean intraOnly, Integer length, Integer bFrames, Boolean closed) {

  public GopStructure {
    if (length != null && length <= 0) throw new IllegalArgumentException("length must be positive: " + length);
    if (bFrames != null && bFrames < 0) throw new IllegalArgumentException("bFrames < 0: " + bFrames);
    if (intraOnly) {
      if (length != null && length != 1) throw new IllegalArgumentException("an intra-only GOP has length 1, not " + length);
      if (bFrames != null && bFrames != 0) throw new IllegalArgumentException("an intra-only stream has no B-frames: " + bFrames);
      if (Boolean.FALSE.equals(closed)) throw new IllegalArgumentException("an intra-only stream has no open GOPs");
    }
  }

  /** All-intra: every frame stands alone. */
  public static GopStructure intra() {
    return new GopStructure(true, null, null, null);
  }

  /** Long-GOP with what is known of its shape (any argument may be {@code null}). */
  public static GopStructure longGop(Integer length, Integer bFrames, Boolean closed) {
    return new GopStructure(false, length, bFrames, closed);
  }
}
