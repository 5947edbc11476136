package dev.patchwork.sidecar;

import static dev.patchwork.sidecar.TestSidecars.hash;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.patchwork.change.Change;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarRoundTripTest {

  private final String example = TestSidecars.resource(TestSidecars.EXAMPLE);

  @Test
  void theDocumentedExampleReadsAsWritten() {
    Sidecar s = Sidecars.parse(example, TestSidecars.EXAMPLE);

    assertThat(s.master().fileName()).isEqualTo("Feature Master v3.mov");
    assertThat(s.master().size()).isEqualTo(5_783_647L);
    assertThat(s.master().frameCount()).isEqualTo(240);
    assertThat(s.master().frameRate()).isEqualTo(FrameRate.of(24000, 1001));
    assertThat(s.master().startTimecode().toString()).isEqualTo("01:00:00:00");
    assertThat(s.master().startTimecode().dropFrame()).isFalse();
    assertThat(s.video().codec()).isEqualTo("h264");
    assertThat(s.video().width()).isEqualTo(1920);
    assertThat(s.video().color().range()).isEqualTo("tv");
    assertThat(s.video().gop()).isEqualTo(new GopStructure(false, 48, 2, false));
    assertThat(s.audio()).containsExactly(new AudioStream("pcm_s24le", 48000, 2, "stereo", 24, 2_304_000L));
    assertThat(s.encoder().library()).isEqualTo("libx264");
    assertThat(s.encoder().options()).startsWith("cabac=1 ").endsWith(" aq=1:1.00");
    assertThat(s.origin()).isEqualTo(RenderOrigin.ffmpeg());
    assertThat(s.content().header()).isEqualTo(Region.header(48, "05cf2765e8f0d3ecf029a3f485fec354d1bd3ce270bf3ec15d22becfc5bd7df4"));
    assertThat(s.content().regions()).hasSize(5);
    assertThat(s.content().regions().get(1)).isEqualTo(Region.gop(46, 48, 2, 1_183_792, 1_102_212,
        "6af625d0423924a1a942bc2283ce9ec2403570e7a3c48a1aba2884c6c290f028",
        "ae7bd7aa19f1ae0243db92c1bf4b0a81410c073e701b94f77bf3f6ccb3c79692"));
    assertThat(s.content().trailer().offset()).isEqualTo(5_742_420L);
    assertThat(s.history()).hasSize(1);
    HistoryEntry h = s.history().get(0);
    assertThat(h.time()).isEqualTo(Instant.parse("2025-03-14T09:26:53Z"));
    assertThat(h.changes()).containsExactly(
        new Change(dev.patchwork.time.FrameRange.ofLength(100, 24), "Shot 12 VFX", "Blue", "comp v7: sky replaced", null),
        new Change(dev.patchwork.time.FrameRange.ofLength(200, 12), "Title \"Été\"", null, null, null));
  }

  @Test
  void readingAndWritingTheExampleGivesIdenticalText() {
    assertThat(Sidecars.toToml(Sidecars.parse(example, TestSidecars.EXAMPLE))).isEqualTo(example);
  }

  @Test
  void readingAndWritingTheExampleFileGivesIdenticalBytes(@TempDir Path dir) throws Exception {
    Path in = dir.resolve("in.patchwork.toml");
    Path out = dir.resolve("out.patchwork.toml");
    Files.writeString(in, example, StandardCharsets.UTF_8);

    Sidecars.write(Sidecars.read(in), out);

    assertThat(Files.readAllBytes(out)).isEqualTo(Files.readAllBytes(in));
  }

  @Test
  void theExampleInTheDocsIsTheTestFixture() throws Exception {
    Path docs = Path.of("..", "docs", "sidecar.md");
    String md = Files.readString(docs, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<!-- example:begin -->\\s*```toml\\n(.*?)```\\s*<!-- example:end -->", Pattern.DOTALL).matcher(md);

    assertThat(m.find()).as("docs/sidecar.md holds the example between <!-- example:begin --> and <!-- example:end -->").isTrue();
    assertThat(m.group(1)).isEqualTo(example);
  }

  @Test
  void everyOptionalFieldLeftOutAndEveryKindOfTextRoundTrips() {
    FrameRate rate = FrameRate.FPS_29_97;
    String awkward = "quote \" backslash \\ tab \t newline \n cr \r ctrl \u0001 del \u007f Été 😀 日本";
    Sidecar s = new Sidecar(
        new MasterInfo("Été 😀 \"draft\".mov", 300, hash("m"), "mov", 3, rate, Timecode.parse("00:59:59;28", rate)),
        new VideoStream("prores", null, null, "yuv422p10le", 3840, 2160, null, null, null, null, GopStructure.intra()),
        List.of(),
        new Encoder("DaVinci Resolve", null, null, null),
        RenderOrigin.resolve("Feature", "Reel 1 " + awkward, null, "mov", "ProRes422HQ"),
        new ContentIndex(Region.header(0, hash("")), List.of(Region.gop(0, 3, 0, 0, 300, hash("a"), hash("b"))),
            Region.trailer(300, 0, hash(""))),
        List.of(new HistoryEntry(Instant.parse("2025-01-02T03:04:05.123456789Z"), "patchwork", "0.1.0", hash("p"), hash("o"),
            List.of(new Change(dev.patchwork.time.FrameRange.ofLength(1, 1), awkward, "ResolveColorCyan", null, "cut.edl:3"))),
            new HistoryEntry(Instant.parse("2025-01-03T00:00:00Z"), "patchwork", "0.2.0", hash("o"), hash("m"), List.of())));

    String toml = Sidecars.toToml(s);
    Sidecar back = Sidecars.parse(toml, "t.toml");

    assertThat(back).isEqualTo(s);
    assertThat(Sidecars.toToml(back)).isEqualTo(toml);
    assertThat(back.master().startTimecode().dropFrame()).isTrue();
    assertThat(back.history().get(0).changes().get(0).color()).isEqualTo("Cyan");
    assertThat(back.history().get(0).changes().get(0).origin()).isNull();
    assertThat(toml).doesNotContain("[video.color]").doesNotContain("profile").contains("changes = []");
  }

  @Test
  void anIndependentTomlParserReadsTheWrittenStringsExactly() throws Exception {
    String awkward = "a\"b\\c\td\ne\u0000f\u001fg\u007fh Été 😀";
    Sidecar s = TestSidecars.closedGops(2, 24, 10, 100, 5);
    s = new Sidecar(new MasterInfo(awkward.replace("\u0000", ""), s.master().size(), s.master().sha256(), "mov",
        s.master().frameCount(), s.master().frameRate(), s.master().startTimecode()), s.video(), s.audio(),
        new Encoder("ffmpeg", null, null, awkward), s.origin(), s.content(), s.history());

    JsonNode tree = new TomlMapper().readTree(Sidecars.toToml(s));

    assertThat(tree.path("schema").asInt()).isEqualTo(1);
    assertThat(tree.path("encoder").path("options").textValue()).isEqualTo(awkward);
    assertThat(tree.path("master").path("file_name").textValue()).isEqualTo(awkward.replace("\u0000", ""));
    assertThat(tree.path("content").path("regions").get(1).path("offset").longValue()).isEqualTo(110);
    assertThat(tree.fieldNames().next()).isEqualTo("schema");
  }

  @Test
  void aHandEditedFileIsReadAsTomlAndWrittenBackCanonically() {
    String edited = ("# edited by hand\n" + example)
        .replace("[master]\n", "[master]   # the file\n")
        .replace("container = \"mov\"", "container='mov'")
        .replace("width = 1920", "width = 1_920")
        .replace("\n", "\r\n");

    Sidecar s = Sidecars.parse(edited, "edited.toml");

    assertThat(s).isEqualTo(Sidecars.parse(example, TestSidecars.EXAMPLE));
    assertThat(Sidecars.toToml(s)).isEqualTo(example);
  }

  @Test
  void outputDoesNotDependOnTheDefaultLocale() {
    Sidecar s = Sidecars.parse(example, TestSidecars.EXAMPLE);
    java.util.Locale saved = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG-u-nu-arab"));
      String arabic = Sidecars.toToml(s);
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertThat(Sidecars.toToml(s)).isEqualTo(arabic).isEqualTo(example);
    } finally {
      java.util.Locale.setDefault(saved);
    }
  }
}
