package dev.patchwork;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Input was invalid: a range, a marker file, a sidecar, a setting, a media file. Carries every problem
 * found, each with the place it was found (a field path such as {@code video.frame_rate}, a line such
 * as {@code markers.edl:12}, or a CLI argument).
 */
public class ValidationException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  /** One problem: where it is and what is wrong. */
  public record Problem(String where, String message) {
    public Problem {
      Objects.requireNonNull(where, "where");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return where.isEmpty() ? message : where + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  public ValidationException(List<Problem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public ValidationException(String where, String message) {
    this(List.of(new Problem(where, message)));
  }

  public ValidationException(String where, String message, Throwable cause) {
    super(summary(List.of(new Problem(where, message))), cause);
    this.problems = List.of(new Problem(where, message));
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    if (problems.isEmpty()) throw new IllegalArgumentException("a validation failure needs at least one problem");
    if (problems.size() == 1) return problems.get(0).toString();
    return problems.size() + " problems: " + problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
  }
}
