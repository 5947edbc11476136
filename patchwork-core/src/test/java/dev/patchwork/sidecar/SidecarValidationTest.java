package dev.patchwork.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarValidationTest {

  private final String example = TestSidecars.resource(TestSidecars.EXAMPLE);

  private static List<Problem> problems(String text) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Sidecars.parse(text, "m.mov.patchwork.toml"));
    assertThat(e).as("parsing should fail").isNotNull();
    assertThat(Sidecars.validate(text, "m.mov.patchwork.toml")).isEqualTo(e.problems());
    return e.problems();
  }

  private static List<String> wheres(List<Problem> problems) {
    return problems.stream().map(Problem::where).toList();
  }

  private String exampleWith(String from, String to) {
    assertThat(example).contains(from);
    return example.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
  }

  @Test
  void everyProblemInTheFileIsReportedWithItsPath() {
    List<Problem> problems = problems(TestSidecars.resource("several-problems.patchwork.toml"));

    // The fixture is the example with these fifteen things broken (see the diff against example.patchwork.toml).
    assertThat(wheres(problems)).containsExactlyInAnyOrder(
        "master.sha256",
        "master.frame_rate",
        "video.width",
        "video.field_order",
        "video.colour_space",
        "audio[0].channels",
        "encoder.tool",
        "origin.timeline",
        "origin.codec",
        "content.regions[1]",
        "content.regions[2].sha256",
        "content.regions[3]",
        "content.trailer",
        "history[0].time",
        "history[0].changes[0].frames");
    assertThat(problems).extracting(Problem::toString).contains(
        "master.frame_rate: \"abc\" is not a frame rate; expected a positive fraction such as \"24000/1001\" or \"25/1\"",
        "video.width: expected a whole number, found \"1920\"",
        "content.regions[1]: overlaps region 0 by 92 bytes (starts at byte 1183700, region 0 ends at byte 1183792)",
        "content.regions[3]: leaves 8 frames uncovered after region 2 (starts at frame 150, region 2 ends at frame 142)",
        "content.trailer: ends at byte 5783420 but master.size is 5783647; the regions must cover the whole file",
        "encoder.tool: missing; expected a string in double quotes",
        "origin.timeline: missing; a Resolve origin needs its timeline");
    assertThat(message(problems, "master.sha256")).contains("64 lowercase hex digits").contains("upper case");
    assertThat(message(problems, "video.field_order")).contains("\"interlaced\"").contains("\"progressive\"");
    assertThat(message(problems, "video.colour_space")).contains("unknown key");
    assertThat(message(problems, "history[0].time")).contains("\"yesterday\"").contains("2025-03-14T09:26:53Z");
  }

  private static String message(List<Problem> problems, String where) {
    return problems.stream().filter(p -> p.where().equals(where)).findFirst().orElseThrow().message();
  }

  @Test
  void theExceptionMessageNamesEveryProblem() {
    String text = exampleWith("width = 1920", "width = -5").replace("codec = \"h264\"\n", "");
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Sidecars.parse(text, "x"));

    assertThat(e.getMessage()).startsWith("2 problems: ").contains("video.codec: missing").contains("video.width: -5 is too small");
  }

  @Test
  void aNewerSchemaIsRefusedClearlyWhateverElseTheFileHolds() {
    String text = example.replace("schema = 1", "schema = 2") + "\n[video.hdr]\nmastering_display = \"new in schema 2\"\n";

    assertThat(problems(text)).containsExactly(new Problem("schema",
        "written by a newer Patchwork (schema 2); this version reads schema 1. Upgrade Patchwork to read it"));
  }

  @Test
  void aMissingOrMeaninglessSchemaIsRefused() {
    assertThat(problems(example.replace("schema = 1\n", ""))).singleElement()
        .satisfies(p -> assertThat(p.toString()).startsWith("schema: missing").contains("schema = 1"));
    assertThat(problems(example.replace("schema = 1", "schema = 0"))).singleElement()
        .satisfies(p -> assertThat(p.toString()).isEqualTo("schema: schema 0 does not exist; this version reads schema 1"));
    assertThat(problems(example.replace("schema = 1", "schema = \"1\""))).singleElement()
        .satisfies(p -> assertThat(p.toString()).isEqualTo("schema: expected the whole number 1, found \"1\""));
  }

  @Test
  void anEmptyFileIsNamedAsEmpty() {
    assertThat(problems("")).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo("m.mov.patchwork.toml");
      assertThat(p.message()).startsWith("the file is empty");
    });
    assertThat(problems("\n  \n")).singleElement().satisfies(p -> assertThat(p.message()).startsWith("the file is empty"));
    assertThat(problems("# only a comment\n")).singleElement()
        .satisfies(p -> assertThat(p.message()).startsWith("no TOML keys in the file"));
  }

  @Test
  void textThatIsNotTomlIsReportedWithItsLine() {
    assertThat(problems("This is a README, not a sidecar.\n")).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo("m.mov.patchwork.toml:1");
      assertThat(p.message()).startsWith("not valid TOML: ").endsWith("a Patchwork sidecar is TOML starting with `schema = 1`");
    });
    assertThat(problems("{\"schema\": 1}\n")).singleElement()
        .satisfies(p -> assertThat(p.where()).isEqualTo("m.mov.patchwork.toml:1"));
    String broken = exampleWith("[video]\n", "[video\n");
    int line = lineOf(broken, "[video\n");
    assertThat(problems(broken)).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo("m.mov.patchwork.toml:" + line);
      assertThat(p.message()).startsWith("not valid TOML: ");
    });
  }

  @Test
  void binaryDataIsNotMistakenForText() {
    assertThat(problems("ftypqt  \u0000\u0000\u0002\u0000moov")).singleElement()
        .satisfies(p -> assertThat(p.message()).startsWith("binary data, not TOML text").contains("media file"));
  }

  @Test
  void aFileThatIsNotUtf8IsRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("m.mov.patchwork.toml");
    Files.write(f, new byte[] {'a', ' ', '=', ' ', '"', (byte) 0xC3, (byte) 0x28, '"', '\n'});

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Sidecars.read(f));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(f.toString());
      assertThat(p.message()).startsWith("not UTF-8 text");
    });
    assertThat(Sidecars.validate(f)).isEqualTo(e.problems());
  }

  @Test
  void aMissingFileIsAValidationProblemNamingThePath(@TempDir Path dir) {
    Path f = dir.resolve("gone.mov.patchwork.toml");

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> Sidecars.read(f));

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo(f.toString());
      assertThat(p.message()).startsWith("no such file");
    });
  }

  @Test
  void aFileCutOffMidLineIsASyntaxError() {
    String cut = example.substring(0, example.indexOf("leading = 2, offset = 2286004") + 10);

    assertThat(problems(cut)).singleElement().satisfies(p -> {
      assertThat(p.where()).startsWith("m.mov.patchwork.toml:");
      assertThat(p.message()).startsWith("not valid TOML: ");
    });
  }

  @Test
  void aFileCutOffBetweenTablesMissesTheRest(@TempDir Path dir) throws Exception {
    String cut = example.substring(0, example.indexOf("[content]"));
    Path f = dir.resolve("cut.patchwork.toml");
    Files.writeString(f, cut, StandardCharsets.UTF_8);

    assertThat(Sidecars.validate(f)).containsExactly(new Problem("content", "missing; expected the [content] table"));
  }

  @Test
  void wrongTypesAreNamedWithWhatWasFound() {
    String text = exampleWith("sample_rate = 48000", "sample_rate = 48000.0")
        .replace("intra_only = false", "intra_only = \"no\"")
        .replace("[[audio]]", "[[audio]]\nextra = [1, 2]");

    assertThat(problems(text)).extracting(Problem::toString).containsExactlyInAnyOrder(
        "audio[0].sample_rate: expected a whole number, found the decimal number 48000",
        "video.gop.intra_only: expected true or false, found \"no\"",
        "audio[0].extra: unknown key; schema 1 has no such field here (a typo, or written by a newer Patchwork?)");
  }

  @Test
  void anEmptyOptionalStringShouldBeLeftOut() {
    assertThat(problems(exampleWith("profile = \"High\"", "profile = \"\""))).extracting(Problem::toString)
        .containsExactly("video.profile: is empty; leave the key out when it is not known");
  }

  @Test
  void decimalFrameRatesAreRefusedAsInexact() {
    assertThat(problems(exampleWith("\"24000/1001\"", "\"23.976\""))).singleElement()
        .satisfies(p -> assertThat(p.where()).isEqualTo("master.frame_rate"));
    assertThat(Sidecars.parse(exampleWith("\"24000/1001\"", "\"48000/2002\""), "x").master().frameRate())
        .isEqualTo(dev.patchwork.time.FrameRate.of(24000, 1001));
  }

  @Test
  void aTimecodeThatDoesNotExistAtTheRateIsNamed() {
    assertThat(problems(exampleWith("\"01:00:00:00\"", "\"01:00:00:30\""))).singleElement().satisfies(p -> {
      assertThat(p.where()).isEqualTo("master.start_timecode");
      assertThat(p.message()).contains("frames must be 00-23");
    });
    assertThat(problems(exampleWith("\"01:00:00:00\"", "\"01:00:00;00\""))).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("drop-frame"));
  }

  @Test
  void anFfmpegOriginTakesNoResolveFields() {
    assertThat(problems(exampleWith("kind = \"ffmpeg\"", "kind = \"ffmpeg\"\nproject = \"Feature\""))).extracting(Problem::toString)
        .containsExactly("origin.project: only a Resolve origin has a project; this origin is \"ffmpeg\"");
    assertThat(problems(exampleWith("kind = \"ffmpeg\"", "kind = \"avid\""))).extracting(Problem::where)
        .containsExactly("origin.kind");
  }

  @Test
  void integersTooLongForTheTomlReaderAreRefusedNotMisread() {
    // jackson-dataformat-toml 2.18 reads 1234567890123456789 as 123456789; the reader must not accept it.
    String text = exampleWith("size = 5783647", "size = 1234567890123456789");
    int line = lineOf(text, "size = 1234567890123456789");

    assertThat(problems(text)).containsExactly(new Problem("m.mov.patchwork.toml:" + line,
        "the number 1234567890123456789 is too large; sidecar numbers have at most 18 digits"));
    // Long digit runs inside strings and comments are not numbers.
    assertThat(Sidecars.validate(exampleWith("options = \"", "options = \"seed=12345678901234567890123 ")
        + "# 12345678901234567890123\n", "x")).isEmpty();
  }

  @Test
  void anIntraOnlyMasterHasNoLeadingPictures() {
    String text = exampleWith("intra_only = false\nlength = 48\nb_frames = 2\nclosed = false", "intra_only = true");

    assertThat(problems(text)).extracting(Problem::where).containsExactly(
        "content.regions[1].leading", "content.regions[2].leading", "content.regions[3].leading", "content.regions[4].leading");
  }

  @Test
  void theRegionsMustCoverEveryFrame() {
    String text = exampleWith("frame_count = 240", "frame_count = 250");

    assertThat(problems(text)).extracting(Problem::toString).containsExactly(
        "content.regions[4]: ends at frame 240 but master.frame_count is 250; the regions must cover every frame");
  }

  @Test
  void theHeaderStartsTheFileAndTheFirstPointIsClosed() {
    String text = exampleWith("header = { offset = 0, length = 48,", "header = { offset = 8, length = 40,")
        .replace("{ start = 0, frames = 46, leading = 0,", "{ start = 0, frames = 46, leading = 1,");

    assertThat(problems(text)).extracting(Problem::where).containsExactlyInAnyOrder("content.header", "content.regions[0].leading");
  }

  @Test
  void aRegionWhosePointIsNotOneOfItsFramesIsRefused() {
    String text = exampleWith("{ start = 0, frames = 46, leading = 0,", "{ start = 0, frames = 46, leading = 46,");

    assertThat(problems(text)).extracting(Problem::where).contains("content.regions[0].leading");
  }

  @Test
  void aGapInTheBytesIsNamed() {
    String text = exampleWith("offset = 2286004, length = 1098455", "offset = 2286010, length = 1098449");

    assertThat(problems(text)).extracting(Problem::toString).containsExactly(
        "content.regions[2]: leaves a gap of 6 bytes after region 1 (starts at byte 2286010, region 1 ends at byte 2286004)");
  }

  private static int lineOf(String text, String needle) {
    int at = text.indexOf(needle);
    assertThat(at).isNotNegative();
    return (int) text.substring(0, at).chars().filter(c -> c == '\n').count() + 1;
  }
}
