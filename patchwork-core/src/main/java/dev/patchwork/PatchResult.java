package dev.patchwork;

import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A published patch.
 *
 * @param output       the new master
 * @param sidecar      its sidecar (with the new history entry)
 * @param plan         the plan that was carried out
 * @param segments     per-segment statistics, in plan order
 * @param verification what was checked before publishing
 * @param elapsed      wall time of the whole patch
 * @param phases       wall time of each step of the patch, in the order the steps started (empty if the engine does
 *                     not measure them)
 */
public record PatchResult(Path output, Path sidecar, PatchPlan plan, List<SegmentStats> segments, Verification verification,
    Duration elapsed, List<Phase> phases) {

  public PatchResult {
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(sidecar, "sidecar");
    Objects.requireNonNull(plan, "plan");
    segments = List.copyOf(segments);
    Objects.requireNonNull(verification, "verification");
    Objects.requireNonNull(elapsed, "elapsed");
    phases = List.copyOf(phases);
    for (int i = 0; i < phases.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (phases.get(j).name().equals(phases.get(i).name())) throw new IllegalArgumentException("phase listed twice: " + phases.get(i).name());
      }
    }
  }

  /** A result without phase timings. */
  public PatchResult(Path output, Path sidecar, PatchPlan plan, List<SegmentStats> segments, Verification verification, Duration elapsed) {
    this(output, sidecar, plan, segments, verification, elapsed, List.of());
  }

  /** The wall time of the phase named {@code name} (see {@link Phase}), if the engine measured it. */
  public Optional<Duration> phase(String name) {
    Objects.requireNonNull(name, "name");
    return phases.stream().filter(p -> p.name().equals(name)).map(Phase::elapsed).findFirst();
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
   * The wall time of one step of a patch; a step that ran more than once (one render per segment) or on several threads
   * counts the time covered by any of its runs, so no phase exceeds the patch's own wall time. The ffmpeg
   * engine reports {@value #CHECK}, {@value #PROBE}, {@value #RENDER}, {@value #SPLICE}, {@value #VERIFY},
   * {@value #INDEX} and {@value #PUBLISH}; other engines may name other steps. An engine may run steps at the same
   * time, so phases can overlap and their sum can exceed {@link PatchResult#elapsed()}.
   *
   * @param name    the step, e.g. {@value #SPLICE}
   * @param elapsed its wall time
   */
  public record Phase(String name, Duration elapsed) {
    /** Checking the output path, the master against its sidecar and the free disk space. */
    public static final String CHECK = "check";
    /** Reading the master's packets and checking the plan's cuts against them. */
    public static final String PROBE = "probe";
    /** Rendering the changed segments (and checking and re-wrapping what the renderer wrote). */
    public static final String RENDER = "render";
    /** Writing the patched output: the kept parts of the master and the rendered segments, forced to disk. */
    public static final String SPLICE = "splice";
    /** Checking the output independently before anything is published. */
    public static final String VERIFY = "verify";
    /** Hashing the output for its sidecar's content index. */
    public static final String INDEX = "index";
    /** Moving the output into place and writing its sidecar. */
    public static final String PUBLISH = "publish";

    public Phase {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) throw new IllegalArgumentException("phase name is blank");
      Objects.requireNonNull(elapsed, "elapsed");
      if (elapsed.isNegative()) throw new IllegalArgumentException("negative phase time: " + name + " " + elapsed);
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
