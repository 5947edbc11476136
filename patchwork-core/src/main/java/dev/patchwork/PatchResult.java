package dev.patchwork;

import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A published patch.
 *
 * @param output       the new master
 * @param sidecar      its sidecar (with the new history entry)
 * @param plan         the plan that was carried out
 * @param segments     per-segment statistics, in plan order
 * @param verification what was checked before publishing
 * @param elapsed      wall time of the whole patch
 */
public record PatchResult(Path output, Path sidecar, PatchPlan plan, List<SegmentStats> segments, Verification verification,
    Duration elapsed) {

  public PatchResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(plan, "plan");
    segments = List.copyOf(segments);
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Frames re-rendered. */
  public long renderedFrames() {
    return plan.renderedFrames();
  }

  /** Frames copied from the master. */
  public long copiedFrames() {
    return plan.keptFrames();
  }

  /**
   * What happened to one segment.
   *
   * @param segment the plan segment
   * @param elapsed time spent rendering it (zero for KEEP segments, whose copy is part of the splice)
   * @param bytes   bytes of video it contributed to the output
   */
  public record SegmentStats(Segment segment, Duration elapsed, long bytes) {
    public SegmentStats {
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(elapsed, "elapsed");
    }
  }

  /**
   * The independent checks made before the output was published.
   *
   * @param frames              frames counted in the output (equal to the master's)
   * @param keptGopsIdentical   GOPs whose video packets were hashed against the master's sidecar and matched
   * @param decodedFrames       frames decoded around re-rendered segments and seams, all without error
   * @param seamFramesMatched   kept frames at the seams whose decoded hashes equal the master's
   */
  public record Verification(long frames, long keptGopsIdentical, long decodedFrames, long seamFramesMatched) {}
}
