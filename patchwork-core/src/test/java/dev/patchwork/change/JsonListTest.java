package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.PROMO_DF;
import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static dev.patchwork.change.Fixtures.change;
import static dev.patchwork.change.Fixtures.problem;
import static dev.patchwork.change.Fixtures.problems;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ValidationException.Problem;
import dev.patchwork.change.Fixtures.Said;
import dev.patchwork.time.FrameRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Patchwork's plain JSON list: reading, writing, and reading back what was written. */
class JsonListTest {

  @Test
  void readsStartAndFramesOrInAndOut() {
    String f = "timeline-1-changes.json";
    List<Change> changes = MarkerFiles.readJsonList(Fixtures.text(f), f, TIMELINE_1);
    assertThat(changes).containsExactly(
        change(120, 48, "VFX 12", "Blue", "Fix the flare", f + "[0]"),
        // 01:00:20:20 to 01:00:45:21, out exclusive: frames 500 to 1101.
        change(20 * 24 + 20, 601, "Grade", "Red", null, f + "[1]"),
        change(1029, 1, "Marker 3", "Yellow", "Tache d'eau \"claire\" en haut à gauche", f + "[2]"),
        change(70 * 24 + 12, 24, "Sky, replace", "Green", "Replace the sky\nkeep the birds", f + "[3]"));
  }

  @Test
  void writesExactlyThePlainShapeLeavingOutAbsentFields() {
    List<Change> changes = List.of(
        new Change(FrameRange.of(0, 24), "VFX 12", "ResolveColorBlue", "say \"hi\"\nbye", "x.edl:4"),
        Change.of(30, 5));
    assertThat(MarkerFiles.toJson(changes)).isEqualTo(
        "[{\"start\":0,\"frames\":24,\"name\":\"VFX 12\",\"color\":\"Blue\",\"note\":\"say \\\"hi\\\"\\nbye\"},"
            + "{\"start\":30,\"frames\":5}]");
    assertThat(MarkerFiles.toJson(List.of())).isEqualTo("[]");
  }

  @Test
  void whatIsWrittenReadsBackToTheSameChanges() {
    String f = "timeline-1-markers.edl";
    List<Change> fromEdl = MarkerFiles.readEdl(Fixtures.text(f), f, TIMELINE_1);
    String json = MarkerFiles.toJson(fromEdl);
    List<Change> back = MarkerFiles.readJsonList(json, "changes.json", TIMELINE_1);
    assertThat(Said.of(back)).isEqualTo(Said.of(fromEdl));
    assertThat(back).extracting(Change::origin).containsExactly("changes.json[0]", "changes.json[1]", "changes.json[2]", "changes.json[3]");
    assertThat(MarkerFiles.toJson(back)).isEqualTo(json);
  }

  @Test
  void dropFrameInAndOutAreRead() {
    String json = "[{\"in\": \"01:00:59;29\", \"out\": \"01:01:00;02\"}]";
    assertThat(MarkerFiles.readJsonList(json, "df.json", PROMO_DF).get(0).range()).isEqualTo(FrameRange.of(1799, 1800));
  }

  @Test
  void nullOptionalFieldsAreAbsent() {
    String json = "[{\"start\": 1, \"frames\": 2, \"name\": null, \"color\": null, \"note\": \"  \"}]";
    assertThat(MarkerFiles.readJsonList(json, "n.json", TIMELINE_1)).containsExactly(change(1, 2, null, null, null, "n.json[0]"));
  }

  @Test
  void everyProblemIsReportedWithItsField() {
    String json = "[\n"
        + "  {\"start\": 0, \"frame\": 24},\n"
        + "  {\"start\": 0, \"frames\": 0},\n"
        + "  {\"start\": -1, \"frames\": 2},\n"
        + "  {\"start\": 1.5, \"frames\": 2},\n"
        + "  {\"start\": \"10\", \"frames\": 2},\n"
        + "  {\"start\": 0, \"frames\": 2, \"in\": \"01:00:00:00\", \"out\": \"01:00:01:00\"},\n"
        + "  {\"in\": \"01:00:00:00\"},\n"
        + "  {\"in\": \"01:00:02:00\", \"out\": \"01:00:01:00\"},\n"
        + "  {\"in\": \"1 hour\", \"out\": \"01:00:01:00\"},\n"
        + "  {\"name\": \"nothing else\"},\n"
        + "  {\"start\": 0, \"frames\": 2, \"name\": 12},\n"
        + "  {\"start\": 3599, \"frames\": 2},\n"
        + "  7\n"
        + "]";
    List<Problem> problems = problems(() -> MarkerFiles.readJsonList(json, "c.json", TIMELINE_1));
    assertThat(problems).extracting(Problem::where).containsExactly(
        "c.json[0].frame", "c.json[0].frames",
        "c.json[1].frames",
        "c.json[2].start",
        "c.json[3].start",
        "c.json[4].start",
        "c.json[5]",
        "c.json[6].out",
        "c.json[7].out",
        "c.json[8].in",
        "c.json[9]",
        "c.json[10].name",
        "c.json[11]",
        "c.json[12]");
    assertThat(problems.get(0).message()).contains("unknown key");
    assertThat(problems.get(2).message()).contains("at least 1").contains("cannot be empty");
    assertThat(problems.get(3).message()).contains("at least 0");
    assertThat(problems.get(4).message()).contains("whole number").contains("1.5");
    assertThat(problems.get(5).message()).contains("whole number").contains("the text \"10\"");
    assertThat(problems.get(6).message()).contains("not both");
    assertThat(problems.get(8).message()).contains("must come after");
    assertThat(problems.get(9).message()).contains("must be a timecode");
    assertThat(problems.get(10).message()).contains("needs start and frames");
    assertThat(problems.get(11).message()).contains("must be text");
    assertThat(problems.get(12).message()).contains("runs 1 frame past").contains("01:00:00:00 to 01:02:29:23");
    assertThat(problems.get(13).message()).contains("expected an object");
  }

  @Test
  void wholeNumbersWrittenAsFloatsAreRead() {
    // Python's json.dump of frame counts computed with '/' writes 240.0
    String json = "[{\"start\": 240.0, \"frames\": 4.8e1}, {\"start\": 10, \"frames\": 2.00}]";
    assertThat(MarkerFiles.readJsonList(json, "py.json", TIMELINE_1)).extracting(Change::range)
        .containsExactly(FrameRange.ofLength(10, 2), FrameRange.ofLength(240, 48));
  }

  @Test
  void aFractionIsRejectedAsWrittenNotInScientificNotation() {
    Problem p = problem(() -> MarkerFiles.readJsonList("[{\"start\": 10.50, \"frames\": 2}]", "f.json", TIMELINE_1));
    assertThat(p.where()).isEqualTo("f.json[0].start");
    assertThat(p.message()).isEqualTo("must be a whole number, not the number 10.5");
  }

  @Test
  void anObjectIsNotAList() {
    Problem p = problem(() -> MarkerFiles.readJsonList("{\"start\": 0, \"frames\": 1}", "o.json", TIMELINE_1));
    assertThat(p.where()).isEqualTo("o.json");
    assertThat(p.message()).contains("expected a list");
  }

  @Test
  void duplicateKeysAreRejectedWithTheirLine() {
    Problem p = problem(() -> MarkerFiles.readJsonList("[{\"start\": 0,\n \"start\": 5, \"frames\": 1}]", "d.json", TIMELINE_1));
    assertThat(p.where()).isEqualTo("d.json:2");
    assertThat(p.message()).contains("Duplicate field 'start'");
  }
}
