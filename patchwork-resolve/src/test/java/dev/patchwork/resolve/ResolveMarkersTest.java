package dev.patchwork.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.change.MarkerFiles;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timeline facts and markers as changes, without a bridge. */
class ResolveMarkersTest {

  private static final TimelineInfo HOUR_24 = new TimelineInfo("Reel 1", 86_400, 86_640, "01:00:00:00", "24", "");
  private static final TimelineInfo DF = new TimelineInfo("Reel 2", 107_892, 107_892 + 3600, "01:00:00;00", "29.97 DF", "");

  @Test
  void timelineRatesAndDropFrameComeFromItsSettings() {
    assertThat(HOUR_24.rate()).isEqualTo(FrameRate.FPS_24);
    assertThat(HOUR_24.dropFrame()).isFalse();
    assertThat(HOUR_24.frameCount()).isEqualTo(240);
    assertThat(new TimelineInfo("t", 0, 10, "00:00:00:00", "23.976", "").rate()).isEqualTo(FrameRate.FPS_23_976);

    assertThat(DF.rate()).isEqualTo(FrameRate.FPS_29_97);
    assertThat(DF.dropFrame()).isTrue();
    assertThat(DF.startTimecode().toString()).isEqualTo("01:00:00;00");
    // drop-frame told by the separate setting only: the start label is read in drop-frame
    TimelineInfo bySetting = new TimelineInfo("t", 0, 10, "01:00:00:00", "29.97", "1");
    assertThat(bySetting.dropFrame()).isTrue();
    assertThat(bySetting.startTimecode().toString()).isEqualTo("01:00:00;00");
    assertThat(new TimelineInfo("t", 0, 10, "01:00:00:00", "29.97", "0").startTimecode().dropFrame()).isFalse();

    assertThatThrownBy(() -> new TimelineInfo("Reel 9", 0, 10, "01:00:00:00", "fast", "").rate())
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems().get(0).where()).isEqualTo("timeline 'Reel 9'.timelineFrameRate");
          assertThat(e.problems().get(0).message()).contains("'fast'").contains("29.97 DF");
        });
    assertThat(HOUR_24.absoluteFrame(48)).isEqualTo(86_448);
  }

  @Test
  void markerKeysAreMasterFramesWhateverTheStartTimecode() {
    List<Marker> markers = List.of(new Marker(48, 12, "Blue", "VFX 12", "sky", null), new Marker(0, 1, "Red", null, null, null));
    List<Change> changes = ResolveMarkers.changes(markers, "Reel 1", HOUR_24.changeContext(), MarkerFilter.ALL);
    assertThat(changes).extracting(Change::range).containsExactly(FrameRange.of(0, 1), FrameRange.of(48, 60));
    assertThat(changes.get(1).origin()).isEqualTo("timeline 'Reel 1' marker at 01:00:02:00 (frame 48)");
    // the JSON list is the foundation's plain shape, start counted from the timeline's first frame
    assertThat(MarkerFiles.toJson(changes)).isEqualTo(
        "[{\"start\":0,\"frames\":1,\"color\":\"Red\"},{\"start\":48,\"frames\":12,\"name\":\"VFX 12\",\"color\":\"Blue\",\"note\":\"sky\"}]");
  }

  @Test
  void dropFrameTimelinesNameTheirMarkersInDropFrameLabels() {
    // one real minute of 29.97 fps is 1800 frames: 01:01:00;00 and ;01 are skipped labels, so 1800 is 01:01:00;02
    List<Change> changes = ResolveMarkers.changes(List.of(new Marker(1800, 30, "Green", "title", null, null)), "Reel 2",
        DF.changeContext(), MarkerFilter.ALL);
    assertThat(changes).singleElement().satisfies(c -> {
      assertThat(c.range()).isEqualTo(FrameRange.of(1800, 1830));
      assertThat(c.origin()).isEqualTo("timeline 'Reel 2' marker at 01:01:00;02 (frame 1800)");
    });
  }

  @Test
  void filtersByColourNameAndCustomData() {
    List<Marker> markers = List.of(new Marker(10, 5, "Blue", "VFX 12", null, "pw:a"), new Marker(20, 5, "blue", "VFX 120", null, null),
        new Marker(30, 5, "Red", "VFX 12", null, "pw:b"), new Marker(40, 5, null, null, null, null));
    ChangeContext ctx = HOUR_24.changeContext();
    assertThat(ResolveMarkers.changes(markers, "r", ctx, MarkerFilter.colors("BLUE"))).extracting(c -> c.range().start())
        .containsExactly(10L, 20L);
    assertThat(ResolveMarkers.changes(markers, "r", ctx, MarkerFilter.colors("ResolveColorRed", "blue").withNames("vfx 12")))
        .extracting(c -> c.range().start()).containsExactly(10L, 30L);
    assertThat(ResolveMarkers.changes(markers, "r", ctx, MarkerFilter.ALL.withCustomData("pw:b")))
        .extracting(c -> c.range().start()).containsExactly(30L);
    assertThat(MarkerFilter.ALL.apply(markers)).hasSize(4);
  }

  @Test
  void keptMarkersOutsideTheMasterAreReportedTogetherAndFilteredOnesIgnored() {
    List<Marker> markers = List.of(new Marker(235, 10, "Blue", "late", null, null), new Marker(300, 1, "Blue", null, null, null),
        new Marker(500, 1, "Red", null, null, null));
    assertThatThrownBy(() -> ResolveMarkers.changes(markers, "Reel 1", HOUR_24.changeContext(), MarkerFilter.colors("Blue")))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems()).hasSize(2);
          assertThat(e.problems().get(0).where()).isEqualTo("timeline 'Reel 1' marker at 01:00:09:19 (frame 235)");
          assertThat(e.problems().get(0).message()).contains("'late'").contains("235..244").contains("runs past")
              .contains("240 frames at 24 fps");
          assertThat(e.problems().get(1).message()).contains("starts past");
        });
  }

  @Test
  void markersAndFiltersRejectNonsense() {
    assertThatThrownBy(() -> new Marker(-1, 1, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Marker(0, 0, null, null, null, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarkerFilter.ALL.withCustomData("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(new Marker(3, 2, " ", "", "n", null).color()).isNull();
  }
}
