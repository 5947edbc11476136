package dev.patchwork.change;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem found in one input, so the user sees them all at once rather than one per run. */
final class Problems {
  private final List<Problem> list = new ArrayList<>();

  void add(String where, String message) {
    list.add(new Problem(where, message));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** Throws a {@link ValidationException} holding every problem, if there are any. */
  void throwIfAny() {
    if (!list.isEmpty()) throw new ValidationException(list);
  }

  /**
   * The changes in the order the parsers promise: by range start, then end; changes with equal ranges keep
   * their order in the input.
   */
  static List<Change> sorted(List<Change> changes) {
    List<Change> copy = new ArrayList<>(changes);
    copy.sort(Comparator.comparing(Change::range));
    return List.copyOf(copy);
  }
}
