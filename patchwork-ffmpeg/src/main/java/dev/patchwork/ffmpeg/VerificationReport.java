package dev.patchwork.ffmpeg;

import dev.patchwork.sidecar.Region;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MasterVerifier} found when it compared a master with its sidecar.
 *
 * @param master        the master checked
 * @param size          its size in bytes
 * @param sha256        SHA-256 of the whole master as read
 * @param deep          true if the master was also decoded in full
 * @param decodedFrames frames the full decode yielded, or -1 without {@code deep}
 * @param findings      every mismatch, in file order; empty when the master matches its sidecar
 * @param hashing       the read that hashed the master
 */
public record VerificationReport(Path master, long size, String sha256, boolean deep, long decodedFrames, List<Finding> findings,
    HashStats hashing) {

  public VerificationReport {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(sha256, "sha256");
    findings = List.copyOf(findings);
    Objects.requireNonNull(hashing, "hashing");
  }

  /** True if the master matches its sidecar: no findings. */
  public boolean matches() {
    return findings.isEmpty();
  }

  /** One mismatch. */
  public enum Kind {
    /** The master's size differs from the sidecar's (truncated or grown). */
    SIZE,
    /** A region's bytes differ from its hash, or are missing. */
    CONTENT,
    /** The whole-file hash differs although every region matches (the sidecar contradicts itself). */
    FILE_HASH,
    /** The full decode reported an error. */
    DECODE,
    /** The full decode yielded another number of frames than the sidecar records. */
    FRAME_COUNT
  }

  /**
   * One mismatch, for people: {@link #toString()} is one line.
   *
   * @param kind    what kind of mismatch
   * @param region  the sidecar region it concerns ({@link Kind#CONTENT}; for a run of missing regions the first), or
   *                {@code null}
   * @param message what differs, naming the region by its path, frames and timecodes
   *                ({@code content.regions[3]: frames 72-95 (01:00:03:00-01:00:03:23), bytes …: …})
   */
  public record Finding(Kind kind, Region region, String message) {
    public Finding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return message;
    }
  }
}
