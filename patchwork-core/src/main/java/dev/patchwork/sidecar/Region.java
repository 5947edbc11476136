package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.require;

import dev.patchwork.internal.sidecar.FieldChecks;
import dev.patchwork.time.FrameRange;
import java.util.Objects;

/**
 * One byte span of the master with its hashes: the header, one GOP, or the trailer. The header, the GOPs
 * in file order and the trailer tile the file {@code [0, size)} exactly (see {@link ContentIndex}).
 *
 * <p>A {@link Kind#GOP GOP} region covers every byte from the first video packet of one random-access
 * point (in file order) up to the first video packet of the next, interleaved audio included. Its frames
 * are the display frames of the video packets in it: the point's leading pictures (shown before it, stored
 * after it) and the frames up to the next point's leading pictures. So a region's random-access point is
 * at frame {@code start + leading}, and the regions' frames tile {@code [0, frameCount)} too. For an
 * intra-only master every frame is a random-access point and a region is a run of whole frames (the
 * writer chooses the run, e.g. one second), with {@code leading} 0.
 *
 * <p>For the header and trailer {@code start}, {@code frames} and {@code leading} are 0 and
 * {@code videoSha256} is {@code null}; their length may be 0.
 *
 * @param kind        header, GOP or trailer
 * @param start       the first display frame of a GOP region
 * @param frames      how many display frames a GOP region holds; positive
 * @param leading     how many of them are leading pictures of its random-access point, which is at frame
 *                    {@code start + leading}; less than {@code frames}
 * @param offset      the first byte of the span in the file
 * @param length      how many bytes; positive for a GOP region
 * @param sha256      SHA-256 of the bytes {@code [offset, offset + length)}, 64 lowercase hex digits
 * @param videoSha256 for a GOP region, SHA-256 of its video packets' data concatenated in decode order
 *                    (what a demuxer hands out: for MOV/MP4 the sample bytes), which does not depend on
 *                    where the packets sit in the file; {@code null} otherwise
 */
public record Region(Kind kind, long start, long frames, long leading, long offset, long length, String sha256, String videoSha256) {

  /** What part of the file a region is. */
  public enum Kind {
    /** Bytes before the first GOP's first video packet (container header, metadata). */
    HEADER,
    /** One GOP: from a random-access point's first video packet to the next one's. */
    GOP,
    /** Bytes after the last GOP (index, trailing metadata). */
    TRAILER
  }

  public Region {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(sha256, "sha256");
    require("sha256", FieldChecks.sha256(sha256));
    if (offset < 0) throw new IllegalArgumentException("offset < 0: " + offset);
    if (length < 0) throw new IllegalArgumentException("length < 0: " + length);
    Math.addExact(offset, length);
    if (kind == Kind.GOP) {
      Objects.requireNonNull(videoSha256, "videoSha256");
      require("videoSha256", FieldChecks.sha256(videoSha256));
      if (start < 0) throw new IllegalArgumentException("start < 0: " + start);
      if (frames <= 0) throw new IllegalArgumentException("a GOP region needs at least one frame: " + frames);
      Math.addExact(start, frames);
      if (leading < 0 || leading >= frames) {
        throw new IllegalArgumentException("leading must be at least 0 and less than frames (" + frames + "): " + leading);
      }
      if (length == 0) throw new IllegalArgumentException("a GOP region needs at least one byte");
    } else {
      if (start != 0 || frames != 0 || leading != 0) {
        throw new IllegalArgumentException("the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " holds no frames");
      }
      if (videoSha256 != null) {
        throw new IllegalArgumentException("the " + kind.name().toLowerCase(java.util.Locale.ROOT) + " has no video hash");
      }
    }
  }

  /** The header: bytes {@code [0, length)}. */
  public static Region header(long length, String sha256) {
    return new Region(Kind.HEADER, 0, 0, 0, 0, length, sha256, null);
  }

  /** A GOP region. */
  public static Region gop(long start, long frames, long leading, long offset, long length, String sha256, String videoSha256) {
    return new Region(Kind.GOP, start, frames, leading, offset, length, sha256, videoSha256);
  }

  /** The trailer: bytes {@code [offset, offset + length)}. */
  public static Region trailer(long offset, long length, String sha256) {
    return new Region(Kind.TRAILER, 0, 0, 0, offset, length, sha256, null);
  }

  /** The byte after the last: {@code offset + length}. */
  public long endOffset() {
    return offset + length;
  }

  /** True if byte {@code byteOffset} of the file lies in this region. */
  public boolean containsByte(long byteOffset) {
    return byteOffset >= offset && byteOffset < offset + length;
  }

  /** The display frames {@code [start, start + frames)}; empty for the header and trailer. */
  public FrameRange frameRange() {
    return FrameRange.ofLength(start, frames);
  }

  /** The frame of this GOP's random-access point: {@code start + leading}. */
  public long randomAccessFrame() {
    if (kind != Kind.GOP) throw new IllegalStateException("the " + kind + " has no random-access point");
    return start + leading;
  }
}
