package dev.patchwork.change;

import static dev.patchwork.change.Fixtures.TIMELINE_1;
import static dev.patchwork.change.Fixtures.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ValidationException.Problem;
import dev.patchwork.change.Fixtures.Said;
import dev.patchwork.change.MarkerFiles.Format;
import dev.patchwork.time.FrameRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Format detection, reading files, and the agreement of all formats on the same markers. */
class MarkerFilesTest {

  /** The four markers of "Timeline 1" (24 fps from 01:00:00:00), worked out by hand from their timecodes. */
  private static final List<Said> TIMELINE_1_MARKERS = List.of(
      new Said(FrameRange.ofLength(5 * 24, 48), "VFX 12", "Blue", "Fix the flare"),
      new Said(FrameRange.ofLength(20 * 24 + 20, 601), "Grade", "Red", null),
      new Said(FrameRange.ofLength(42 * 24 + 21, 1), "Marker 3", "Yellow", "Tache d'eau \"claire\" en haut à gauche"),
      new Said(FrameRange.ofLength(70 * 24 + 12, 24), "Sky, replace", "Green", "Replace the sky\nkeep the birds"));

  @ParameterizedTest
  @ValueSource(strings = {"timeline-1-markers.edl", "timeline-1-edit-index.csv", "timeline-1-resolve.otio", "timeline-1-changes.json"})
  void everyFormatDescribesTheSameMarkersAsTheSameChanges(String fixture) {
    List<Change> changes = MarkerFiles.read(Fixtures.path(fixture), TIMELINE_1);
    assertThat(Said.of(changes)).isEqualTo(TIMELINE_1_MARKERS);
    assertThat(changes).allSatisfy(c -> assertThat(c.origin()).startsWith(fixture));
  }

  @Test
  void theFormatIsToldByTheExtension() {
    assertThat(MarkerFiles.detect("cut.edl", "")).isEqualTo(Format.EDL);
    assertThat(MarkerFiles.detect("CUT.EDL", "")).isEqualTo(Format.EDL);
    assertThat(MarkerFiles.detect("index.csv", "[]")).isEqualTo(Format.CSV);
    assertThat(MarkerFiles.detect("Timeline 1.otio", "")).isEqualTo(Format.OTIO);
  }

  @Test
  void otherwiseByTheJsonContent() {
    assertThat(MarkerFiles.detect("export.json", "\uFEFF {\"name\": \"x\", \"OTIO_SCHEMA\": \"Timeline.1\"}")).isEqualTo(Format.OTIO);
    assertThat(MarkerFiles.detect("changes.json", "\n [{\"start\": 0, \"frames\": 1}]")).isEqualTo(Format.JSON_LIST);
    assertThat(MarkerFiles.detect("changes", "[]")).isEqualTo(Format.JSON_LIST);
  }

  @Test
  void otioSchemaBelowTheTopLevelDoesNotMakeAListOtio() {
    assertThat(MarkerFiles.detect("x.json", "[{\"OTIO_SCHEMA\": \"Marker.2\"}]")).isEqualTo(Format.JSON_LIST);
  }

  @Test
  void aJsonObjectWithoutOtioSchemaIsNeither() {
    Problem p = problem(() -> MarkerFiles.detect("x.json", "{\"markers\": []}"));
    assertThat(p.where()).isEqualTo("x.json");
    assertThat(p.message()).contains("without \"OTIO_SCHEMA\"");
  }

  @Test
  void anUnknownTextFormatIsRejectedNamingTheFormatsThatAreRead() {
    Problem p = problem(() -> MarkerFiles.detect("notes.txt", "Marker 1 at 01:00:05:00"));
    assertThat(p.where()).isEqualTo("notes.txt");
    assertThat(p.message()).contains("cannot tell the format").contains(".edl").contains(".csv").contains("OTIO");
  }

  @Test
  void anOtioFileWithAJsonNameIsReadAsOtio(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("Timeline 1 exportée.json");
    Files.copy(Fixtures.path("timeline-1-resolve.otio"), file);
    List<Change> changes = MarkerFiles.read(file, TIMELINE_1);
    assertThat(Said.of(changes)).isEqualTo(TIMELINE_1_MARKERS);
    assertThat(changes.get(0).origin()).isEqualTo("Timeline 1 exportée.json:tracks.markers[0]");
  }

  @Test
  void aLatin1EdlIsReadToo(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("markers.edl");
    String edl = "TITLE: t\n\n001  001      V     C        01:00:01:00 01:00:01:01 01:00:01:00 01:00:01:01\n"
        + "Tache en haut à gauche |C:ResolveColorBlue |M:M |D:1\n";
    Files.write(file, edl.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(MarkerFiles.read(file, TIMELINE_1).get(0).note()).isEqualTo("Tache en haut à gauche");
  }

  @Test
  void aUtf16FileWithItsByteOrderMarkIsRead(@TempDir Path dir) throws IOException {
    // Excel's "Unicode Text": UTF-16 little-endian with a byte-order mark, tab-separated
    Path file = dir.resolve("markers.csv");
    Files.write(file, "\uFEFFRecord In\tName\r\n01:00:01:00\tÉtalonnage\r\n".getBytes(StandardCharsets.UTF_16LE));
    assertThat(MarkerFiles.read(file, TIMELINE_1)).containsExactly(Fixtures.change(24, 1, "Étalonnage", null, null, "markers.csv:2"));
    Path json = dir.resolve("changes.json");
    Files.write(json, "[{\"start\": 5, \"frames\": 2}]".getBytes(StandardCharsets.UTF_16)); // big-endian, with its mark
    assertThat(MarkerFiles.read(json, TIMELINE_1)).extracting(Change::range).containsExactly(FrameRange.ofLength(5, 2));
  }

  @Test
  void aJsonFileThatIsNotUtf8IsRejected(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("changes.json");
    Files.write(file, "[{\"start\": 0, \"frames\": 1, \"note\": \"à\"}]".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(problem(() -> MarkerFiles.read(file, TIMELINE_1)).message()).contains("UTF-8");
  }

  @Test
  void aMissingFileIsAValidationProblem(@TempDir Path dir) {
    Problem p = problem(() -> MarkerFiles.read(dir.resolve("nope.edl"), TIMELINE_1));
    assertThat(p.where()).isEqualTo("nope.edl");
    assertThat(p.message()).isEqualTo("cannot read " + dir.resolve("nope.edl") + ": no such file");
  }

  @Test
  void aDirectoryIsNamedWithoutJavaExceptionNames(@TempDir Path dir) throws IOException {
    Path folder = Files.createDirectory(dir.resolve("markers.edl"));
    Problem p = problem(() -> MarkerFiles.read(folder, TIMELINE_1));
    assertThat(p.message()).startsWith("cannot read " + folder + ": ").doesNotContain("Exception");
  }

  @Test
  void readingTextDetectsTheFormatFromTheNameAndContent() {
    String f = "timeline-1-changes.json";
    assertThat(Said.of(MarkerFiles.read(Fixtures.text(f), "pasted", TIMELINE_1))).isEqualTo(TIMELINE_1_MARKERS);
    assertThat(Said.of(MarkerFiles.read(Fixtures.text("timeline-1-markers.edl"), "m.EDL", TIMELINE_1))).isEqualTo(TIMELINE_1_MARKERS);
  }
}
