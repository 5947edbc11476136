package dev.patchwork.resolve;

import java.util.OptionalLong;

/**
 * A timeline's In and Out marks ({@code Timeline.GetMarkInOut()}, video marks), absolute timeline frames, Out
 * inclusive as Resolve shows it; empty where not set.
 */
public record MarkInOut(OptionalLong in, OptionalLong out) {

  /** No marks set. */
  public static final MarkInOut NONE = new MarkInOut(OptionalLong.empty(), OptionalLong.empty());

  public MarkInOut {
    java.util.Objects.requireNonNull(in, "in");
    java.util.Objects.requireNonNull(out, "out");
  }

  /** True if both marks are set. */
  public boolean isSet() {
    return in.isPresent() && out.isPresent();
  }
}
