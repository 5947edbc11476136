package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.FPS_24;
import static dev.patchwork.change.Fixtures.FPS_2997;
import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static dev.patchwork.change.Fixtures.change;
import static dev.patchwork.change.Fixtures.problem;
import static dev.patchwork.change.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ValidationException.Problem;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OTIO timeline markers; fixture shapes are described in src/test/resources/markers/README.md. */
class OtioMarkersTest {

  private static String rt(String value, String rate) {
    return "{\"OTIO_SCHEMA\": \"RationalTime.1\", \"rate\": " + rate + ", \"value\": " + value + "}";
  }

  private static String marker(String name, String start, String duration, String rate) {
    return "{\"OTIO_SCHEMA\": \"Marker.2\", \"name\": \"" + name + "\", \"color\": \"RED\", \"marked_range\": "
        + "{\"OTIO_SCHEMA\": \"TimeRange.1\", \"start_time\": " + rt(start, rate) + ", \"duration\": " + rt(duration, rate) + "}}";
  }

  private static String timeline(String globalStart, String... markers) {
    return "{\"OTIO_SCHEMA\": \"Timeline.1\", \"global_start_time\": " + globalStart + ", \"tracks\": "
        + "{\"OTIO_SCHEMA\": \"Stack.1\", \"markers\": [" + String.join(", ", markers) + "], \"children\": []}}";
  }

  @Test
  void readsAResolveExportFromTheStackAndTracksButNotFromClips() {
    String f = "timeline-1-resolve.otio";
    List<Change> changes = MarkerFiles.readOtio(Fixtures.text(f), f, TIMELINE_1);
    assertThat(changes).containsExactly(
        change(120, 48, "VFX 12", "Blue", "Fix the flare", f + ":tracks.markers[0]"),
        change(500, 601, "Grade", "Red", null, f + ":tracks.markers[1]"),
        change(1029, 1, "Marker 3", "Yellow", "Tache d'eau \"claire\" en haut à gauche", f + ":tracks.markers[2]"),
        change(1692, 24, "Sky, replace", "Green", "Replace the sky\nkeep the birds", f + ":tracks.children[0].markers[0]"));
  }

  @Test
  void theGlobalStartTimePlacesMarkersOnAMasterThatStartsElsewhere() {
    // The timeline starts at 01:00:00:00 (86400 frames at 24 fps); this master starts 10 s earlier.
    ChangeContext leader = TIMELINE_1.withStartTimecode(Timecode.parse("00:59:50:00", FPS_24));
    String f = "timeline-1-resolve.otio";
    assertThat(MarkerFiles.readOtio(Fixtures.text(f), f, leader).get(0).range()).isEqualTo(FrameRange.ofLength(120 + 240, 48));
  }

  @Test
  void readsMarker3ColourObjectsCommentsOtherRatesAndTrackTime() {
    // No global start time: the timeline starts where the master starts, whatever its timecode.
    ChangeContext master = new ChangeContext(FPS_24, Timecode.parse("10:00:00:00", FPS_24), 2400);
    String f = "conform-marker3.otio";
    List<Change> changes = MarkerFiles.readOtio(Fixtures.text(f), f, master);
    assertThat(changes).containsExactly(
        // 0..96 at 48 fps is 0..48 at 24 fps.
        change(0, 48, "Shot 010", "Red", "comp update", f + ":tracks.markers[0]"),
        // Track time 124 on a track whose source range starts at 24 is timeline frame 100.
        change(100, 10, "on track", "Blue", "track time starts at 24", f + ":tracks.children[0].markers[0]"),
        // A zero-length marker marks one frame.
        change(481, 1, "point", "Green", "a zero-length marker marks one frame", f + ":tracks.markers[1]"),
        // 1000 at 48 fps is frame 500; 3 frames at 48 fps (1.5 frames) cover two master frames.
        change(500, 2, "unnamed colour", null, null, f + ":tracks.markers[2]"));
  }

  @Test
  void ntscTimelinesAtOneHourMapToTheMastersFirstFrame() {
    // Resolve counts 01:00:00:00 at 29.97 non-drop as 108000 frames.
    ChangeContext ndf = new ChangeContext(FPS_2997, Timecode.parse("01:00:00:00", FPS_2997), 1000);
    String otio = timeline(rt("108000.0", "29.97"), marker("a", "100.0", "2.0", "29.97"));
    assertThat(MarkerFiles.readOtio(otio, "n.otio", ndf).get(0).range()).isEqualTo(FrameRange.ofLength(100, 2));
    // At drop-frame, 01:00:00;00 is 108000 - 2 * 54 = 107892 frames after midnight (54 minutes drop two labels).
    ChangeContext df = new ChangeContext(FPS_2997, Timecode.parse("01:00:00;00", FPS_2997), 1000);
    String dfOtio = timeline(rt("107892", "29.97002997002997"), marker("a", "100", "2", "29.97"));
    assertThat(MarkerFiles.readOtio(dfOtio, "d.otio", df).get(0).range()).isEqualTo(FrameRange.ofLength(100, 2));
  }

  @Test
  void floatingPointNoiseInAFileIsReadAsTheFrameItMeans() {
    ChangeContext ntsc = new ChangeContext(FrameRate.FPS_23_976, Timecode.zero(FrameRate.FPS_23_976, false), 5000);
    String otio = timeline("null", marker("a", "1439.9999999999998", "24.000000000000004", "23.976023976023978"));
    assertThat(MarkerFiles.readOtio(otio, "n.otio", ntsc).get(0).range()).isEqualTo(FrameRange.ofLength(1440, 24));
  }

  @Test
  void markersAtAnotherRateConvertExactly() {
    // 25 frames at 25 fps are one second: 24 frames of the 24 fps master.
    String otio = timeline("null", marker("a", "25", "50", "25"));
    assertThat(MarkerFiles.readOtio(otio, "r.otio", TIMELINE_1).get(0).range()).isEqualTo(FrameRange.ofLength(24, 48));
  }

  @Test
  void aMarkerBetweenTwoMasterFramesIsRejectedNotRounded() {
    String otio = timeline("null", marker("half", "1", "2", "48"));
    Problem p = problem(() -> MarkerFiles.readOtio(otio, "h.otio", TIMELINE_1));
    assertThat(p.where()).isEqualTo("h.otio:tracks.markers[0]");
    assertThat(p.message()).contains("marker 'half'").contains("between two frames");
  }

  @Test
  void everyMarkerOutsideTheMasterIsReported() {
    String otio = timeline(rt("86400", "24"),
        marker("fine", "0", "1", "24"), marker("late", "3599", "2", "24"), marker("later", "4000", "1", "24"));
    List<Problem> problems = problems(() -> MarkerFiles.readOtio(otio, "o.otio", TIMELINE_1));
    assertThat(problems).extracting(Problem::where).containsExactly("o.otio:tracks.markers[1]", "o.otio:tracks.markers[2]");
    assertThat(problems.get(0).message()).contains("marker 'late'").contains("runs 1 frame past").contains("frames 0..3599");
    assertThat(problems.get(1).message()).contains("marker 'later'").contains("after the master's last frame");
  }

  @Test
  void aTimelineStartingBeforeTheMasterPutsEarlyMarkersBeforeIt() {
    // The timeline starts at 00:59:59:00, one second before the master.
    String otio = timeline(rt("86376", "24"), marker("early", "0", "1", "24"), marker("ok", "24", "1", "24"));
    Problem p = problem(() -> MarkerFiles.readOtio(otio, "e.otio", TIMELINE_1));
    assertThat(p.where()).isEqualTo("e.otio:tracks.markers[0]");
    assertThat(p.message()).contains("starts 24 frames before the master's first frame");
  }

  @Test
  void malformedMarkersAreReportedByPath() {
    String otio = "{\"OTIO_SCHEMA\": \"Timeline.1\", \"global_start_time\": null, \"tracks\": {\"OTIO_SCHEMA\": \"Stack.1\","
        + " \"markers\": [{\"OTIO_SCHEMA\": \"Marker.2\", \"name\": \"no range\"},"
        + " {\"OTIO_SCHEMA\": \"Marker.2\", \"name\": \"bad rate\", \"marked_range\": {\"start_time\": " + rt("1", "-24")
        + ", \"duration\": " + rt("1", "24") + "}},"
        + " {\"OTIO_SCHEMA\": \"Marker.2\", \"name\": \"text time\", \"marked_range\": {\"start_time\": \"01:00:00:00\""
        + ", \"duration\": " + rt("1", "24") + "}},"
        + " {\"OTIO_SCHEMA\": \"Clip.2\"}],"
        + " \"children\": [{\"OTIO_SCHEMA\": \"Track.1\", \"markers\": {}}]}}";
    List<Problem> problems = problems(() -> MarkerFiles.readOtio(otio, "m.otio", TIMELINE_1));
    assertThat(problems).extracting(Problem::where).containsExactly(
        "m.otio:tracks.markers[0]", "m.otio:tracks.markers[1]", "m.otio:tracks.markers[2]", "m.otio:tracks.markers[3]",
        "m.otio:tracks.children[0].markers");
    assertThat(problems.get(0).message()).contains("'no range' has no marked_range");
    assertThat(problems.get(1).message()).contains("rate must be a positive number");
    assertThat(problems.get(2).message()).contains("must be a RationalTime").contains("01:00:00:00");
    assertThat(problems.get(3).message()).contains("expected a marker");
    assertThat(problems.get(4).message()).contains("must be a list");
  }

  @Test
  void aRationalTimeWithATextValueNamesTheField() {
    // hand-edited or written by a script that put the frame number in quotes
    String otio = timeline("null", marker("quoted", "\"120\"", "1", "24"), marker("no rate", "1", "1", "null"));
    List<Problem> problems = problems(() -> MarkerFiles.readOtio(otio, "t.otio", TIMELINE_1));
    assertThat(problems).extracting(Problem::message).containsExactly(
        "marker 'quoted' marked_range.start_time.value must be a number, not the text \"120\"",
        "marker 'no rate' marked_range.start_time.rate must be a number, not null",
        "marker 'no rate' marked_range.duration.rate must be a number, not null");
  }

  @Test
  void aGlobalStartBetweenFramesIsRejected() {
    String otio = timeline(rt("86400.5", "24"));
    Problem p = problem(() -> MarkerFiles.readOtio(otio, "g.otio", TIMELINE_1));
    assertThat(p.where()).isEqualTo("g.otio:global_start_time");
    assertThat(p.message()).contains("whole frame");
  }

  @Test
  void somethingOtherThanATimelineIsRejected() {
    Problem p = problem(() -> MarkerFiles.readOtio("{\"OTIO_SCHEMA\": \"SerializableCollection.1\"}", "c.otio", TIMELINE_1));
    assertThat(p.where()).isEqualTo("c.otio");
    assertThat(p.message()).contains("expected an OTIO timeline").contains("SerializableCollection.1");
  }

  @Test
  void invalidJsonNamesTheLine() {
    Problem p = problem(() -> MarkerFiles.readOtio("{\n  \"OTIO_SCHEMA\": \"Timeline.1\",\n  \"tracks\": [,\n}", "j.otio", TIMELINE_1));
    assertThat(p.where()).isEqualTo("j.otio:3");
    assertThat(p.message()).contains("not valid JSON");
  }

  @Test
  void aTimelineWithoutTracksHasNoChanges() {
    assertThat(MarkerFiles.readOtio("{\"OTIO_SCHEMA\": \"Timeline.1\", \"tracks\": null}", "t.otio", TIMELINE_1)).isEmpty();
  }
}
