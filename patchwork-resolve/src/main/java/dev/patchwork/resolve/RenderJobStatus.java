package dev.patchwork.resolve;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What {@code GetRenderJobStatus(jobId)} returned. Every key of Resolve's answer is optional (versions and states
 * differ), so every field may be empty.
 *
 * @param state      {@code JobStatus}: {@link State#UNKNOWN} when absent or not one of the documented values
 * @param percent    {@code CompletionPercentage}, 0-100
 * @param timeTaken  {@code TimeTakenToRenderInMs}
 * @param error      {@code Error}: Resolve's text for a failed job
 * @param rawStatus  {@code JobStatus} as Resolve wrote it
 */
public record RenderJobStatus(State state, OptionalInt percent, OptionalLong timeTaken, Optional<String> error,
    Optional<String> rawStatus) {

  /** The documented {@code JobStatus} values, and UNKNOWN when there is none. */
  public enum State {
    READY, RENDERING, COMPLETE, CANCELLED, FAILED, UNKNOWN;

    /** The state {@code JobStatus} names, ignoring case; UNKNOWN for anything else or {@code null}. */
    public static State of(String jobStatus) {
      if (jobStatus == null) return UNKNOWN;
      return switch (jobStatus.strip().toLowerCase(Locale.ROOT)) {
        case "ready", "queued" -> READY;
        case "rendering", "in progress" -> RENDERING;
        case "complete", "completed" -> COMPLETE;
        case "cancelled", "canceled" -> CANCELLED;
        case "failed" -> FAILED;
        default -> UNKNOWN;
      };
    }

    /** True for COMPLETE, CANCELLED and FAILED. */
    public boolean isFinal() {
      return this == COMPLETE || this == CANCELLED || this == FAILED;
    }
  }

  public RenderJobStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(percent, "percent");
    Objects.requireNonNull(timeTaken, "timeTaken");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(rawStatus, "rawStatus");
  }

  /** An answer with no keys at all. */
  public static final RenderJobStatus EMPTY = new RenderJobStatus(State.UNKNOWN, OptionalInt.empty(), OptionalLong.empty(),
      Optional.empty(), Optional.empty());
}
