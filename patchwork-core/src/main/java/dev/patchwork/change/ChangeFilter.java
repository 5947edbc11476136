package dev.patchwork.change;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Keeps the changes whose colour is one of {@code colors} and whose name is one of {@code names}.
 *
 * <ul>
 *   <li>Colours match ignoring case and Resolve's {@code ResolveColor} prefix: {@code blue},
 *       {@code Blue} and {@code ResolveColorBlue} are the same colour.</li>
 *   <li>Names match whole, ignoring case and surrounding space: {@code vfx 12} keeps {@code VFX 12} but not
 *       {@code VFX 120}. (A whole-name match is predictable; a substring match would silently take in more
 *       changes than meant, and re-rendering is costly.)</li>
 *   <li>Several colours (or names) are alternatives: a change is kept if it has any of them. When both colours and
 *       names are given, a change must match both. An empty set places no condition, so {@link #ALL} keeps
 *       everything. A change without a colour never matches a colour filter; likewise for names.</li>
 * </ul>
 *
 * <p>The sets hold the values as given (copied, unmodifiable); a blank value is rejected.
 *
 * @param colors colours to keep; empty for any colour
 * @param names  names to keep; empty for any name
 */
public record ChangeFilter(Set<String> colors, Set<String> names) implements Predicate<Change> {

  /** Keeps every change. */
  public static final ChangeFilter ALL = new ChangeFilter(Set.of(), Set.of());

  public ChangeFilter {
    colors = checked(colors, "colors");
    names = checked(names, "names");
  }

  /** Keeps changes of any of these colours. */
  public static ChangeFilter colors(String... colors) {
    return new ChangeFilter(new LinkedHashSet<>(Arrays.asList(colors)), Set.of());
  }

  /** Keeps changes with any of these names. */
  public static ChangeFilter names(String... names) {
    return new ChangeFilter(Set.of(), new LinkedHashSet<>(Arrays.asList(names)));
  }

  /** This filter, also requiring one of {@code more} colours (added to those already given). */
  public ChangeFilter withColors(String... more) {
    Set<String> s = new LinkedHashSet<>(colors);
    s.addAll(Arrays.asList(more));
    return new ChangeFilter(s, names);
  }

  /** This filter, also requiring one of {@code more} names (added to those already given). */
  public ChangeFilter withNames(String... more) {
    Set<String> s = new LinkedHashSet<>(names);
    s.addAll(Arrays.asList(more));
    return new ChangeFilter(colors, s);
  }

  @Override
  public boolean test(Change change) {
    Objects.requireNonNull(change, "change");
    if (!colors.isEmpty() && colors.stream().noneMatch(change::hasColor)) return false;
    if (names.isEmpty()) return true;
    if (change.name() == null) return false;
    String name = change.name().strip().toLowerCase(Locale.ROOT);
    return names.stream().anyMatch(n -> n.strip().toLowerCase(Locale.ROOT).equals(name));
  }

  /** The changes this filter keeps, in their order. */
  public List<Change> apply(List<Change> changes) {
    return changes.stream().filter(this).toList();
  }

  private static Set<String> checked(Set<String> values, String what) {
    Objects.requireNonNull(values, what);
    for (String v : values) {
      if (v == null || v.isBlank()) throw new IllegalArgumentException(what + " must not hold a blank value: " + values);
      if (what.equals("colors") && Change.normalizeColor(v) == null) {
        throw new IllegalArgumentException("not a colour: '" + v + "'");
      }
    }
    return Set.copyOf(values);
  }
}
