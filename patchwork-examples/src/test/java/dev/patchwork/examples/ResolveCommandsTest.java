package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.resolve.testing.FakeResolve;
import dev.patchwork.resolve.testing.TestMedia;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patchwork resolve markers|master|patch|render} through {@link Main#run} against the fake Resolve: exit codes,
 * stdout only results, one-line errors on stderr (exit 4 when Resolve cannot be reached), and the files they write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResolveCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  Path dir;
  Path before;
  Path after;

  @BeforeAll
  void media() throws IOException {
    dir = Files.createDirectories(tmp.resolve("Projekt – Rolle 2"));
    before = TestMedia.timeline(dir.resolve("timeline v1.mkv"), "24", 72, null);
    after = TestMedia.timeline(dir.resolve("timeline v2.mkv"), "24", 72,
        "drawbox=x=10:y=10:w=200:h=100:color=blue:t=fill:enable='between(n\\,30\\,39)'");
  }

  private FakeResolve fake(String name, Path media) {
    FakeResolve fake = new FakeResolve(tmp.resolve("fake " + name));
    ObjectNode t = fake.timeline("Reel 2", "01:00:00:00", "24", 72, media, true);
    FakeResolve.marker(t, 30, 10, "Blue", "VFX 12", "new sky", null);
    FakeResolve.marker(t, 60, 2, "Red", "later", null, "pw:9");
    fake.writeApi();
    return fake;
  }

  @Test
  void markersPrintTheFoundationsJsonListOnStdout() {
    FakeResolve fake = fake("markers", after);
    Run json = Run.of("resolve", "markers", "--json", "--color", "BLUE", "--script-api", fake.scriptApi().toString());
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).isEqualTo("[{\"start\":30,\"frames\":10,\"name\":\"VFX 12\",\"color\":\"Blue\",\"note\":\"new sky\"}]\n");
    assertThat(json.err()).isEmpty();

    Run text = Run.of("resolve", "markers", "--script-api", fake.scriptApi().toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("Feature / Reel 2").contains("72 frames at 24 fps").contains("2 markers")
        .contains("01:00:01:06-01:00:01:15").contains("VFX 12");

    Run byData = Run.of("resolve", "markers", "--json", "--custom-data", "pw:9", "--script-api", fake.scriptApi().toString());
    assertThat(byData.out()).isEqualTo("[{\"start\":60,\"frames\":2,\"name\":\"later\",\"color\":\"Red\"}]\n");
  }

  @Test
  void resolveUnreachableIsExitFourWithTheReason() throws IOException {
    FakeResolve fake = fake("disabled", after);
    fake.config().put("scripting_disabled", true);
    fake.writeApi();
    Run off = Run.of("resolve", "markers", "--script-api", fake.scriptApi().toString());
    assertThat(off.code()).isEqualTo(Main.TOOL_FAILED);
    assertThat(off.out()).isEmpty();
    assertThat(off.err().strip()).startsWith("patchwork: the local DaVinci Resolve is not reachable")
        .contains("External scripting using: Local").doesNotContain("\n");

    Path nothing = Files.createDirectories(tmp.resolve("no resolve"));
    Run missing = Run.of("resolve", "markers", "--script-api", nothing.toString());
    assertThat(missing.code()).isEqualTo(Main.TOOL_FAILED);
    assertThat(missing.err()).startsWith("patchwork: Resolve's scripting module cannot be loaded");

    Run noPython = Run.of("resolve", "markers", "--python", tmp.resolve("no python").toString(), "--script-api", nothing.toString());
    assertThat(noPython.code()).isEqualTo(Main.TOOL_FAILED);
    assertThat(noPython.err()).contains("no python").contains("Python 3");

    Run verbose = Run.of("resolve", "markers", "--verbose", "--script-api", fake.scriptApi().toString());
    assertThat(verbose.code()).isEqualTo(Main.TOOL_FAILED);
    assertThat(verbose.err()).contains("ResolveUnavailableException").contains("\tat ");
  }

  @Test
  void usageErrorsAreExitTwo() {
    assertThat(Run.of("resolve").code()).isEqualTo(Main.USAGE);
    assertThat(Run.of("resolve", "master").code()).isEqualTo(Main.USAGE); // -o is required
    Run half = Run.of("resolve", "master", "-o", dir.resolve("x.mov").toString(), "--format", "mov");
    assertThat(half.code()).isEqualTo(Main.USAGE);
    assertThat(half.err()).contains("--format and --codec go together");
    assertThat(Run.of("resolve", "render", "-o", dir.resolve("x.mov").toString()).code()).isEqualTo(Main.USAGE); // --nodes
  }

  @Test
  void masterThenPatchFromTheTimelinesMarkers() throws IOException {
    Path master = dir.resolve("Reel 2 master.mov");
    FakeResolve v1 = fake("v1", before);
    Run m = Run.of("resolve", "master", "-o", master.toString(), "--script-api", v1.scriptApi().toString());
    assertThat(m.code()).as(m.err()).isZero();
    assertThat(m.out().lines().findFirst()).hasValue(master.toString());
    Sidecar s = Sidecars.read(SidecarPaths.defaultFor(master));
    assertThat(s.origin()).isEqualTo(RenderOrigin.resolve("Feature", "Reel 2", null, "mov", "ProRes422HQ"));

    Run again = Run.of("resolve", "master", "-o", master.toString(), "--script-api", v1.scriptApi().toString());
    assertThat(again.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(again.err()).contains("already exists");

    // the editor changed frames 30-39 and marked them blue
    FakeResolve v2 = fake("v2", after);
    Path out = dir.resolve("Reel 2 v2.mov");
    Run p = Run.of("resolve", "patch", master.toString(), "--color", "blue", "-o", out.toString(), "--json", "--script-api",
        v2.scriptApi().toString());
    assertThat(p.code()).as(p.err()).isZero();
    JsonNode result = JSON.readTree(p.out());
    assertThat(result.path("renderedFrames").asLong()).isEqualTo(10);
    assertThat(result.path("copiedFrames").asLong()).isEqualTo(62);
    assertThat(TestMedia.videoPacketMd5s(out, 0, 30)).isEqualTo(TestMedia.videoPacketMd5s(master, 0, 30));
    assertThat(TestMedia.videoPacketMd5s(out, 40, 32)).isEqualTo(TestMedia.videoPacketMd5s(master, 40, 32));
    assertThat(TestMedia.psnr(out, 30, after, 30, 10)).isGreaterThan(40);

    // the foundation's marker files work too: Resolve's Timeline Markers EDL, record times absolute from 01:00:00:00
    Path edl = Files.writeString(dir.resolve("Reel 2 markers.edl"), "TITLE: Reel 2\nFCM: NON-DROP FRAME\n\n"
        + "001  001      V     C        01:00:01:06 01:00:01:07 01:00:01:06 01:00:01:07  \n"
        + "new sky |C:ResolveColorBlue |M:VFX 12 |D:10\n\n"
        + "002  001      V     C        01:00:02:12 01:00:02:13 01:00:02:12 01:00:02:13  \n"
        + "later |C:ResolveColorRed |M:later |D:2\n");
    Path fromEdl = dir.resolve("Reel 2 v2 from edl.mov");
    Run e = Run.of("resolve", "patch", master.toString(), "--markers", edl.toString(), "--color", "Blue", "-o", fromEdl.toString(),
        "--json", "--script-api", v2.scriptApi().toString());
    assertThat(e.code()).as(e.err()).isZero();
    assertThat(JSON.readTree(e.out()).path("segments").toString())
        .isEqualTo("[{\"kind\":\"keep\",\"start\":0,\"frames\":30},{\"kind\":\"render\",\"start\":30,\"frames\":10},"
            + "{\"kind\":\"keep\",\"start\":40,\"frames\":32}]");
    assertThat(TestMedia.videoPacketMd5s(fromEdl, 0, 72)).isEqualTo(TestMedia.videoPacketMd5s(out, 0, 72));

    Run none = Run.of("resolve", "patch", master.toString(), "--color", "purple", "-o", dir.resolve("none.mov").toString(),
        "--script-api", v2.scriptApi().toString());
    assertThat(none.code()).isEqualTo(Main.INVALID_INPUT);
    assertThat(none.err()).contains("has no markers that match --color purple");

    FakeResolve failing = fake("failing", after);
    failing.config().put("fail_jobs", 1).put("fail_error", "Media offline");
    failing.writeApi();
    Path never = dir.resolve("never.mov");
    Run f = Run.of("resolve", "patch", master.toString(), "--color", "blue", "-o", never.toString(), "--script-api",
        failing.scriptApi().toString());
    assertThat(f.code()).isEqualTo(Main.TOOL_FAILED);
    assertThat(f.err().lines().filter(l -> l.startsWith("patchwork: "))).singleElement()
        .satisfies(l -> assertThat(l).contains("render job failed").contains("Media offline"));
    assertThat(never).doesNotExist();
  }

  @Test
  void renderSplitsTheTimelineAcrossNodes() throws IOException {
    FakeResolve fake = fake("nodes", before);
    fake.config().putObject("failing_nodes").put("10.0.0.3", "GPU memory full");
    fake.writeApi();
    Path out = dir.resolve("Reel 2 farm.mov");
    Run r = Run.of("resolve", "render", "--nodes", "10.0.0.3,10.0.0.1", "--chunk-seconds", "1", "-o", out.toString(), "--script-api",
        fake.scriptApi().toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().lines().findFirst()).hasValue(out.toString());
    assertThat(r.err()).contains("failed on 10.0.0.3");
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(72);
    assertThat(Sidecars.read(SidecarPaths.defaultFor(out)).origin().kind()).isEqualTo(RenderOrigin.Kind.RESOLVE);
  }
}
