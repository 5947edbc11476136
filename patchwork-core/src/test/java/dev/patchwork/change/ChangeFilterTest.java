package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChangeFilterTest {

  private static final List<Change> MARKERS =
      MarkerFiles.read(Fixtures.path("timeline-1-markers.edl"), TIMELINE_1); // VFX 12 Blue, Grade Red, Marker 3 Yellow, Sky Green

  private static List<String> names(List<Change> changes) {
    return changes.stream().map(Change::name).toList();
  }

  @Test
  void coloursMatchIgnoringCaseAndTheResolvePrefix() {
    assertThat(names(ChangeFilter.colors("blue").apply(MARKERS))).containsExactly("VFX 12");
    assertThat(names(ChangeFilter.colors("ResolveColorBlue").apply(MARKERS))).containsExactly("VFX 12");
    assertThat(names(ChangeFilter.colors("RESOLVECOLORBLUE").apply(MARKERS))).containsExactly("VFX 12");
    assertThat(names(ChangeFilter.colors("BLUE").apply(MARKERS))).containsExactly("VFX 12");
  }

  @Test
  void severalColoursAreAlternatives() {
    assertThat(names(ChangeFilter.colors("Blue", "green").apply(MARKERS))).containsExactly("VFX 12", "Sky, replace");
  }

  @Test
  void namesMatchWholeIgnoringCase() {
    assertThat(names(ChangeFilter.names("vfx 12").apply(MARKERS))).containsExactly("VFX 12");
    assertThat(names(ChangeFilter.names("VFX 1").apply(MARKERS))).isEmpty();
    assertThat(names(ChangeFilter.names(" Grade ", "marker 3").apply(MARKERS))).containsExactly("Grade", "Marker 3");
  }

  @Test
  void coloursAndNamesMustBothMatch() {
    assertThat(names(ChangeFilter.colors("Blue", "Red").withNames("Grade").apply(MARKERS))).containsExactly("Grade");
    assertThat(names(ChangeFilter.names("Grade").withColors("Blue").apply(MARKERS))).isEmpty();
  }

  @Test
  void withAddsAlternatives() {
    assertThat(names(ChangeFilter.colors("Blue").withColors("Yellow").apply(MARKERS))).containsExactly("VFX 12", "Marker 3");
  }

  @Test
  void theEmptyFilterKeepsEverythingInOrder() {
    assertThat(ChangeFilter.ALL.apply(MARKERS)).isEqualTo(MARKERS);
    assertThat(new ChangeFilter(Set.of(), Set.of()).apply(MARKERS)).isEqualTo(MARKERS);
  }

  @Test
  void aChangeWithoutColourOrNameNeverMatchesThatFilter() {
    Change bare = Change.of(0, 1);
    assertThat(ChangeFilter.colors("Blue").test(bare)).isFalse();
    assertThat(ChangeFilter.names("x").test(bare)).isFalse();
    assertThat(ChangeFilter.ALL.test(bare)).isTrue();
  }

  @Test
  void blankValuesAreRejected() {
    assertThatThrownBy(() -> ChangeFilter.colors(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChangeFilter.colors("ResolveColor")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChangeFilter.names("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void duplicatesAreHarmless() {
    assertThat(ChangeFilter.colors("Blue", "Blue").colors()).containsExactly("Blue");
  }
}
