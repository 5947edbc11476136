package dev.patchwork.resolve;

import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeFilter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which timeline markers are changes: by colour and name as {@link ChangeFilter} matches them (colours ignoring case
 * and a {@code ResolveColor} prefix, names whole ignoring case), and by {@code customData} (whole, exact: it is set by
 * scripts, not typed). Values of one kind are alternatives; kinds given together must all match; an empty set places
 * no condition.
 *
 * @param changes    colours and names
 * @param customData custom data values to keep; empty for any
 */
public record MarkerFilter(ChangeFilter changes, Set<String> customData) implements Predicate<Marker> {

  /** Every marker. */
  public static final MarkerFilter ALL = new MarkerFilter(ChangeFilter.ALL, Set.of());

  public MarkerFilter {
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(customData, "customData");
    for (String c : customData) {
      if (c == null || c.isEmpty()) throw new IllegalArgumentException("customData must not hold an empty value: " + customData);
    }
    customData = Set.copyOf(customData);
  }

  /** Markers of any of these colours. */
  public static MarkerFilter colors(String... colors) {
    return ALL.withColors(colors);
  }

  /** This filter, also keeping only markers of one of {@code more} colours (added to those given). */
  public MarkerFilter withColors(String... more) {
    return new MarkerFilter(changes.withColors(more), customData);
  }

  /** This filter, also keeping only markers with one of {@code more} names (added to those given). */
  public MarkerFilter withNames(String... more) {
    return new MarkerFilter(changes.withNames(more), customData);
  }

  /** This filter, also keeping only markers whose custom data is one of {@code more} (added to those given). */
  public MarkerFilter withCustomData(String... more) {
    Set<String> s = new LinkedHashSet<>(customData);
    s.addAll(Arrays.asList(more));
    return new MarkerFilter(changes, s);
  }

  @Override
  public boolean test(Marker m) {
    Objects.requireNonNull(m, "marker");
    if (!customData.isEmpty() && (m.customData() == null || !customData.contains(m.customData()))) return false;
    return changes.test(new Change(m.range(), m.name(), m.color(), null, null));
  }

  /** The markers this filter keeps, in their order. */
  public List<Marker> apply(List<Marker> markers) {
    return markers.stream().filter(this).toList();
  }
}
