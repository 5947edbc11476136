package dev.patchwork.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ValidationException;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A colour or name filter applies before the bounds check: markers it drops cannot fail the read. */
class FilteredReadTest {

  /** Timeline 1's clock, but only 200 frames long: only the blue "VFX 12" marker (frames 120-167) fits. */
  private static final ChangeContext SHORT_MASTER =
      new ChangeContext(Fixtures.FPS_24, Timecode.parse("01:00:00:00", Fixtures.FPS_24), 200);

  @ParameterizedTest
  @ValueSource(strings = {"timeline-1-markers.edl", "timeline-1-edit-index.csv", "timeline-1-resolve.otio", "timeline-1-changes.json"})
  void markersFilteredOutAreNotCheckedAgainstTheMaster(String fixture) {
    assertThatThrownBy(() -> MarkerFiles.read(Fixtures.path(fixture), SHORT_MASTER))
        .isInstanceOf(ValidationException.class);

    var blue = MarkerFiles.read(Fixtures.path(fixture), SHORT_MASTER, ChangeFilter.colors("resolvecolorBLUE"));
    assertThat(blue).singleElement().satisfies(c -> {
      assertThat(c.range()).isEqualTo(FrameRange.of(120, 168));
      assertThat(c.name()).isEqualTo("VFX 12");
    });

    var byName = MarkerFiles.read(Fixtures.path(fixture), SHORT_MASTER, ChangeFilter.names("vfx 12"));
    assertThat(byName).extracting(Change::range).containsExactly(FrameRange.of(120, 168));
  }

  @ParameterizedTest
  @ValueSource(strings = {"timeline-1-markers.edl", "timeline-1-changes.json"})
  void aWantedMarkerOutsideTheMasterIsStillAnError(String fixture) {
    assertThatThrownBy(() -> MarkerFiles.read(Fixtures.path(fixture), SHORT_MASTER, ChangeFilter.colors("Red")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("Grade");
  }
}
