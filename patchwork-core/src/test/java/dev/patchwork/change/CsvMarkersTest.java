package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.PROMO_DF;
import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static dev.patchwork.change.Fixtures.change;
import static dev.patchwork.change.Fixtures.problem;
import static dev.patchwork.change.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ValidationException.Problem;
import dev.patchwork.time.FrameRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Resolve Edit Index CSV; fixture shapes are described in src/test/resources/markers/README.md. */
class CsvMarkersTest {

  @Test
  void readsAResolveEditIndexExportWithQuotedCommasQuotesAndLineBreaks() {
    String f = "timeline-1-edit-index.csv";
    List<Change> changes = MarkerFiles.readCsv(Fixtures.text(f), f, TIMELINE_1);
    assertThat(changes).containsExactly(
        change(5 * 24, 48, "VFX 12", "Blue", "Fix the flare", f + ":2"),
        change(20 * 24 + 20, 601, "Grade", "Red", null, f + ":3"),
        change(42 * 24 + 21, 1, "Marker 3", "Yellow", "Tache d'eau \"claire\" en haut à gauche", f + ":4"),
        change(70 * 24 + 12, 24, "Sky, replace", "Green", "Replace the sky\nkeep the birds", f + ":5"));
  }

  @Test
  void columnsAreFoundByNameInAnyOrderAndCase() {
    String csv = "notes,COLOR,record in,Name\n"
        + "a note,Blue,01:00:01:00,First\n"
        + "\n"
        + "\"second, note\",Red,01:00:02:00,\"Second \"\"one\"\"\"\n";
    List<Change> changes = MarkerFiles.readCsv(csv, "m.csv", TIMELINE_1);
    assertThat(changes).containsExactly(
        change(24, 1, "First", "Blue", "a note", "m.csv:2"),
        change(48, 1, "Second \"one\"", "Red", "second, note", "m.csv:4"));
  }

  @Test
  void aDurationColumnGivesTheLengthAndALongerOneWinsOverRecordOut() {
    String csv = "Record In,Record Out,Record Duration\n"
        + "01:00:01:00,,48\n"
        + "01:00:03:00,01:00:03:01,00:00:02:00\n"
        + "01:00:05:00,01:00:07:00,1\n"
        + "01:00:09:00,,\n";
    List<Change> changes = MarkerFiles.readCsv(csv, "d.csv", TIMELINE_1);
    assertThat(changes).extracting(Change::range).containsExactly(
        FrameRange.ofLength(24, 48), FrameRange.ofLength(72, 48), FrameRange.ofLength(120, 48), FrameRange.ofLength(216, 1));
  }

  @Test
  void dropFrameLabelsAreRead() {
    String csv = "Record In,Record Out\r\n01:01:00;02,01:01:00;04\r\n";
    assertThat(MarkerFiles.readCsv(csv, "df.csv", PROMO_DF).get(0).range()).isEqualTo(FrameRange.ofLength(1800, 2));
  }

  @Test
  void aSemicolonSeparatedSpreadsheetExportIsRead() {
    // Excel ("CSV UTF-8" in a locale whose decimal separator is the comma) and Numbers write ';' between fields
    String csv = "\uFEFF#;Reel;Record In;Record Out;Name;Source FPS;Color;Notes\r\n"
        + "1;;01:00:01:00;01:00:02:00;VFX 12;23,976;Blue;\"Fix the flare; then grade\"\r\n"
        + "2;;01:00:03:00;01:00:03:01;Grade, sky;23,976;Red;\r\n";
    List<Change> changes = MarkerFiles.readCsv(csv, "excel.csv", TIMELINE_1);
    assertThat(changes).containsExactly(
        change(24, 24, "VFX 12", "Blue", "Fix the flare; then grade", "excel.csv:2"),
        change(72, 1, "Grade, sky", "Red", null, "excel.csv:3"));
  }

  @Test
  void excelsSepLineChoosesTheSeparatorAndIsNotTheHeader() {
    String csv = "sep=;\r\nRecord In;Record Out;Name\r\n01:00:01:00;01:00:01:12;a,b\r\n";
    assertThat(MarkerFiles.readCsv(csv, "sep.csv", TIMELINE_1))
        .containsExactly(change(24, 12, "a,b", null, null, "sep.csv:3"));
    String commas = "SEP=,\nRecord In,Name\n01:00:02:00,\"x; y\"\n";
    assertThat(MarkerFiles.readCsv(commas, "sep.csv", TIMELINE_1))
        .containsExactly(change(48, 1, "x; y", null, null, "sep.csv:3"));
  }

  @Test
  void aTabSeparatedFileIsRead() {
    String tsv = "Record In\tRecord Out\tName\tNotes\n01:00:01:00\t01:00:01:02\tTab, one\tnote; with both\n";
    assertThat(MarkerFiles.readCsv(tsv, "copied.csv", TIMELINE_1))
        .containsExactly(change(24, 2, "Tab, one", null, "note; with both", "copied.csv:2"));
  }

  @Test
  void aCommaHeaderWithSemicolonsInsideQuotesStaysCommaSeparated() {
    String csv = "\"Record In\",\"Name\",\"Notes\",\"Keywords; tags; more\"\n\"01:00:01:00\",\"a\",\"b;c\",\"\"\n";
    assertThat(MarkerFiles.readCsv(csv, "q.csv", TIMELINE_1)).containsExactly(change(24, 1, "a", null, "b;c", "q.csv:2"));
  }

  @Test
  void aHeaderOnlyFileHasNoChanges() {
    assertThat(MarkerFiles.readCsv("\uFEFF\"Record In\",\"Notes\"\r\n", "h.csv", TIMELINE_1)).isEmpty();
    assertThat(MarkerFiles.readCsv("", "h.csv", TIMELINE_1)).isEmpty();
  }

  @Test
  void aFileWithoutRecordInIsRejectedAtItsHeader() {
    String csv = "\n\"Start\",\"Name\"\n\"01:00:01:00\",\"x\"\n";
    Problem p = problem(() -> MarkerFiles.readCsv(csv, "other.csv", TIMELINE_1));
    assertThat(p.where()).isEqualTo("other.csv:2");
    assertThat(p.message()).contains("no 'Record In' column").contains("Start");
  }

  @Test
  void everyBadRowIsReportedWithItsLine() {
    String csv = "Record In,Record Out,Name\n"        // 1
        + "01:00:01:00,01:00:02:00,fine\n"          // 2
        + "01:00:01:30,,bad frames\n"               // 3
        + "01:00:03:00,01:00:02:00,backwards\n"     // 4
        + ",,no start\n"                            // 5
        + "01:00:01:00,01:00:02:00,too,many\n"      // 6
        + "01:05:00:00,,too late\n"                 // 7
        + "1:00:01:00,,short hours\n";              // 8
    List<Problem> problems = problems(() -> MarkerFiles.readCsv(csv, "bad.csv", TIMELINE_1));
    assertThat(problems).extracting(Problem::where)
        .containsExactly("bad.csv:3", "bad.csv:4", "bad.csv:5", "bad.csv:6", "bad.csv:7", "bad.csv:8");
    assertThat(problems.get(0).message()).contains("marker 'bad frames'").contains("frames must be 00-23");
    assertThat(problems.get(1).message()).contains("Record Out 01:00:02:00 must come after Record In 01:00:03:00");
    assertThat(problems.get(2).message()).contains("Record In is empty");
    assertThat(problems.get(3).message()).contains("4 fields but the header has 3");
    assertThat(problems.get(4).message()).contains("after the master's last frame").contains("frames 0..3599");
    assertThat(problems.get(5).message()).contains("not a timecode");
  }

  @Test
  void anUnclosedQuoteNamesTheLineItOpensOn() {
    String csv = "Record In,Notes\n01:00:01:00,\"open\n01:00:02:00,x\n";
    Problem p = problem(() -> MarkerFiles.readCsv(csv, "q.csv", TIMELINE_1));
    assertThat(p.where()).isEqualTo("q.csv:2");
    assertThat(p.message()).contains("never closed");
  }

  @Test
  void aStrayQuoteIsRejected() {
    String csv = "Record In,Notes\n01:00:01:00,say \"hi\"\n";
    Problem p = problem(() -> MarkerFiles.readCsv(csv, "q.csv", TIMELINE_1));
    assertThat(p.where()).isEqualTo("q.csv:2");
    assertThat(p.message()).contains("quote inside an unquoted field");
  }

  @Test
  void aBadDurationIsRejected() {
    String csv = "Record In,Duration\n01:00:01:00,soon\n";
    assertThat(problem(() -> MarkerFiles.readCsv(csv, "d.csv", TIMELINE_1)).message()).contains("'soon'");
  }
}
