package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.FPS_24;
import static dev.patchwork.change.Fixtures.PROMO_DF;
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

/** Resolve "Timeline Markers to EDL"; fixture shapes are described in src/test/resources/markers/README.md. */
class EdlMarkersTest {

  private static final String HEADER = "TITLE: Timeline 1\nFCM: NON-DROP FRAME\n\n";

  private static String event(String number, String in, String out, String comment) {
    return number + "  001      V     C        " + in + " " + out + " " + in + " " + out + "  \n" + comment + "\n\n";
  }

  @Test
  void readsAResolveExportStartingAtOneHourSortedByRange() {
    String f = "timeline-1-markers.edl";
    List<Change> changes = MarkerFiles.readEdl(Fixtures.text(f), f, TIMELINE_1);
    // Record times are absolute; the master starts at 01:00:00:00 at 24 fps.
    assertThat(changes).containsExactly(
        change(5 * 24, 48, "VFX 12", "Blue", "Fix the flare", f + ":4"),
        change(20 * 24 + 20, 601, "Grade", "Red", null, f + ":12"),
        change(42 * 24 + 21, 1, "Marker 3", "Yellow", "Tache d'eau \"claire\" en haut à gauche", f + ":15"),
        change(70 * 24 + 12, 24, "Sky, replace", "Green", "Replace the sky\nkeep the birds", f + ":7"));
  }

  @Test
  void aMasterWithALeaderPlacesTheSameMarkersLater() {
    ChangeContext leader = TIMELINE_1.withStartTimecode(Timecode.parse("00:59:50:00", FPS_24));
    String f = "timeline-1-markers.edl";
    List<Change> changes = MarkerFiles.readEdl(Fixtures.text(f), f, leader);
    assertThat(changes.get(0).range()).isEqualTo(FrameRange.ofLength(15 * 24, 48));
  }

  @Test
  void readsDropFrameMarkersCountingRealFrames() {
    String f = "promo-2997df-markers.edl";
    List<Change> changes = MarkerFiles.readEdl(Fixtures.text(f), f, PROMO_DF);
    // Minute 0 of an hour keeps all 1800 labels; every other minute drops ;00 and ;01 (1798 labels).
    assertThat(changes).containsExactly(
        // No |D:, so record out - record in: 01:00:59;29 to 01:01:00;02 is one frame (three in naive counting).
        change(59 * 30 + 29, 1, "Flash", "Cyan", "Flash frame across the minute", f + ":7"),
        change(1800 + 1798, 30, "Logo", "Purple", "Logo pops early", f + ":4"),
        change(1800 + 9 * 1798, 1, "Ten", "Blue", "Ten-minute mark", f + ":10"));
  }

  @Test
  void fcmDropFrameMakesColonLabelsDropFrame() {
    String edl = "TITLE: x\nFCM: DROP FRAME\n\n" + event("001", "01:02:00:02", "01:02:00:03", "x |C:ResolveColorBlue |M:m |D:1");
    assertThat(MarkerFiles.readEdl(edl, "df.edl", PROMO_DF).get(0).range()).isEqualTo(FrameRange.ofLength(1800 + 1798, 1));
  }

  @Test
  void nonDropLabelsOnADropFrameMasterAreCountedFromTheSameStartLabel() {
    String edl = HEADER + event("001", "01:02:00:00", "01:02:00:01", " |C:ResolveColorBlue |M:m |D:2");
    assertThat(MarkerFiles.readEdl(edl, "ndf.edl", PROMO_DF).get(0).range()).isEqualTo(FrameRange.ofLength(2 * 60 * 30, 2));
  }

  @Test
  void aMissingDurationUsesTheRecordOutAndAZeroDurationMarksOneFrame() {
    String edl = HEADER
        + event("001", "01:00:01:00", "01:00:02:00", "one second |C:ResolveColorBlue |M:a")
        + event("002", "01:00:03:00", "01:00:03:01", "point |C:ResolveColorBlue |M:b |D:0");
    List<Change> changes = MarkerFiles.readEdl(edl, "d.edl", TIMELINE_1);
    assertThat(changes).extracting(Change::range).containsExactly(FrameRange.ofLength(24, 24), FrameRange.ofLength(72, 1));
  }

  @Test
  void theNoteIsTheTextBeforeTheFirstTagEvenIfItHoldsABar() {
    String edl = HEADER + event("001", "01:00:01:00", "01:00:01:01", "A|B split screen |M:Split |C:ResolveColorRose |D:3");
    Change c = MarkerFiles.readEdl(edl, "n.edl", TIMELINE_1).get(0);
    assertThat(c.note()).isEqualTo("A|B split screen");
    assertThat(c.name()).isEqualTo("Split");
    assertThat(c.color()).isEqualTo("Rose");
    assertThat(c.range().frames()).isEqualTo(3);
  }

  @Test
  void aMarkerWithoutNameOrColourKeepsThemAbsent() {
    String edl = HEADER + event("001", "01:00:01:00", "01:00:01:01", "just a note |D:5");
    Change c = MarkerFiles.readEdl(edl, "n.edl", TIMELINE_1).get(0);
    assertThat(c.name()).isNull();
    assertThat(c.color()).isNull();
    assertThat(c.note()).isEqualTo("just a note");
  }

  @Test
  void aMasterStartingBeforeMidnightTakesMarkersAfterIt() {
    ChangeContext late = new ChangeContext(FPS_24, Timecode.parse("23:59:59:00", FPS_24), 100);
    String edl = HEADER + event("001", "00:00:01:00", "00:00:01:01", " |C:ResolveColorBlue |M:m |D:1");
    assertThat(MarkerFiles.readEdl(edl, "m.edl", late).get(0).range()).isEqualTo(FrameRange.ofLength(48, 1));
  }

  @Test
  void anEmptyFileHasNoChanges() {
    assertThat(MarkerFiles.readEdl("", "e.edl", TIMELINE_1)).isEmpty();
    assertThat(MarkerFiles.readEdl("TITLE: ( no title )\r\n", "e.edl", TIMELINE_1)).isEmpty();
  }

  @Test
  void aCutListIsNotAMarkerList() {
    String edl = HEADER + "001  A001C003 V     C        10:00:01:00 10:00:05:00 01:00:00:00 01:00:04:00\n"
        + "* FROM CLIP NAME: A001_C003.mov\n";
    Problem p = problem(() -> MarkerFiles.readEdl(edl, "cut.edl", TIMELINE_1));
    assertThat(p.where()).isEqualTo("cut.edl:4");
    assertThat(p.message()).contains("no marker line").contains("Timeline Markers");
  }

  @Test
  void everyProblemInAFileIsReportedWithItsLine() {
    String edl = "TITLE: broken\n"                                                                      // 1
        + "FCM: NON-DROP FRAME\n"                                                                       // 2
        + "this line should not be here\n"                                                              // 3
        + "001  001      V     C        01:00:05:30 01:00:05:31 01:00:05:30 01:00:05:31\n"              // 4
        + "bad frames |C:ResolveColorBlue |M:A |D:1\n"                                                  // 5
        + "002  001      V     C        01:00:06:00 01:00:06:01 01:00:06:00 01:00:06:01\n"              // 6
        + "bad length |C:ResolveColorBlue |M:B |D:two\n"                                                // 7
        + "003  001      V     C        01:00:07:00 01:00:07:01 01:00:07:00\n"                          // 8
        + "004  001      V     C        01:05:00:00 01:05:00:01 01:05:00:00 01:05:00:01\n"              // 9
        + "far too late |C:ResolveColorRed |M:C |D:24\n"                                                // 10
        + "005  001      V     C        01:00:08:00 01:00:08:01 01:00:08:00 01:00:08:01\n"              // 11
        + "fine |C:ResolveColorRed |M:D |D:24\n"                                                        // 12
        + "trailing words\n";                                                                           // 13
    List<Problem> problems = problems(() -> MarkerFiles.readEdl(edl, "broken.edl", TIMELINE_1));
    assertThat(problems).extracting(Problem::where)
        .containsExactlyInAnyOrder("broken.edl:3", "broken.edl:8", "broken.edl:4", "broken.edl:7", "broken.edl:9", "broken.edl:13");
    assertThat(message(problems, "broken.edl:3")).contains("expected TITLE:, FCM: or a marker event");
    assertThat(message(problems, "broken.edl:4")).contains("marker 'A'").contains("frames must be 00-23");
    assertThat(message(problems, "broken.edl:7")).contains("marker 'B'").contains("|D: must be a whole number").contains("'two'");
    assertThat(message(problems, "broken.edl:8")).contains("malformed event line").contains("four timecodes");
    assertThat(message(problems, "broken.edl:9")).contains("marker 'C' covers master frames 7200..7223 (01:05:00:00 to 01:05:00:23)")
        .contains("after the master's last frame").contains("01:00:00:00 to 01:02:29:23");
    assertThat(message(problems, "broken.edl:13")).contains("unexpected text").contains("trailing words");
  }

  @Test
  void aMarkerRunningPastTheEndIsAnErrorNotClamped() {
    String edl = HEADER + event("001", "01:02:29:00", "01:02:29:01", "tail |C:ResolveColorRed |M:Tail |D:48");
    Problem p = problem(() -> MarkerFiles.readEdl(edl, "tail.edl", TIMELINE_1));
    assertThat(p.where()).isEqualTo("tail.edl:4");
    // 01:02:29:00 is frame 149*24 = 3576; 48 frames end at 3624, 24 past the last frame 3599.
    assertThat(p.message()).contains("covers master frames 3576..3623").contains("runs 24 frames past");
  }

  @Test
  void aMarkerBeforeTheMastersStartIsAnError() {
    String edl = HEADER + event("001", "00:59:59:00", "00:59:59:01", "early |C:ResolveColorRed |M:Early |D:1");
    assertThat(problem(() -> MarkerFiles.readEdl(edl, "e.edl", TIMELINE_1)).message())
        .contains("starts 24 frames before the master's first frame");
  }

  @Test
  void dropFrameIsRejectedAtRatesThatHaveNone() {
    String edl = "TITLE: x\nFCM: DROP FRAME\n";
    Problem p = problem(() -> MarkerFiles.readEdl(edl, "x.edl", ChangeContext.of(FrameRate.FPS_25, 100)));
    assertThat(p.where()).isEqualTo("x.edl:2");
    assertThat(p.message()).contains("25 fps").contains("drop-frame");
  }

  @Test
  void anUnknownFrameCodeModeIsRejected() {
    assertThat(problem(() -> MarkerFiles.readEdl("FCM: SOMETIMES\n", "x.edl", TIMELINE_1)).where()).isEqualTo("x.edl:1");
  }

  private static String message(List<Problem> problems, String where) {
    return problems.stream().filter(p -> p.where().equals(where)).findFirst().orElseThrow().message();
  }
}
