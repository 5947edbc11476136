package dev.patchwork.resolve;

import dev.patchwork.PatchworkException;
import java.util.Objects;

/**
 * A call to DaVinci Resolve failed: the scripting API reported an error or returned what the call cannot use, Resolve
 * did not answer within the call's time limit, or the bridge process ended. The message says which call and why.
 */
public class ResolveException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  /** What the bridge reported for a call that raised inside Resolve's API. */
  public static final String CALL_FAILED = "call_failed";
  /** Resolve did not answer within the call's time limit; the bridge was stopped. */
  public static final String TIMEOUT = "timeout";
  /** The bridge process ended or could not be talked to. */
  public static final String BRIDGE = "bridge";
  /** A render job failed, was cancelled, or produced the wrong file. */
  public static final String RENDER = "render";

  private final String kind;

  public ResolveException(String kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public ResolveException(String kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * What went wrong, as a short word: {@link #CALL_FAILED}, {@link #TIMEOUT}, {@link #BRIDGE}, {@link #RENDER}, or
   * what the bridge reported ({@code no_project}, {@code no_timeline}, {@code no_such_timeline}, {@code bad_request}).
   */
  public String kind() {
    return kind;
  }
}
