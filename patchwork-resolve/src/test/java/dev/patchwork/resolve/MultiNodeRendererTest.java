package dev.patchwork.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchwork.PatchListener;
import dev.patchwork.resolve.testing.FakeResolve;
import dev.patchwork.resolve.testing.TestMedia;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A first render split across fake Resolve nodes, one of them failing and one unreachable. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiNodeRendererTest {

  @TempDir static Path tmp;
  Path dir;
  Path standIn;

  @BeforeAll
  void media() throws IOException {
    dir = Files.createDirectories(tmp.resolve("shared storage – Reel 4"));
    standIn = TestMedia.timeline(dir.resolve("timeline.mkv"), "24", 120, null);
  }

  private FakeResolve fake(String name) {
    FakeResolve fake = new FakeResolve(tmp.resolve("fake " + name));
    fake.timeline("Reel 4", "01:00:00:00", "24", 120, standIn, true);
    fake.render("mov", "ProRes422HQ");
    fake.config().putArray("unreachable_nodes").add("10.0.0.9");
    return fake;
  }

  private static List<Long> markIns(JsonNode state) {
    List<Long> out = new ArrayList<>();
    for (JsonNode c : state.path("calls")) {
      if (c.path("method").asText().equals("SetRenderSettings") && c.path("args").get(0).has("MarkIn")) {
        out.add(c.path("args").get(0).path("MarkIn").asLong());
      }
    }
    return out;
  }

  private static long calls(JsonNode state, String method) {
    long n = 0;
    for (JsonNode c : state.path("calls")) if (c.path("method").asText().equals(method)) n++;
    return n;
  }

  @Test
  void chunksFailingOnOneNodeAreRenderedByTheOthersAndJoinLosslessly() {
    FakeResolve fake = fake("farm");
    fake.config().putObject("failing_nodes").put("10.0.0.3", "GPU memory full");
    var nodeRender = fake.config().putObject("node_render");
    for (String ip : List.of("10.0.0.1", "10.0.0.2", "10.0.0.3")) nodeRender.putObject(ip).put("format", "mp4").put("codec", "H264");
    ResolveConnector c = fake.connector();
    Path out = dir.resolve("Reel 4 master.mov");
    List<String> messages = Collections.synchronizedList(new ArrayList<>());
    ResolveMaster m = MultiNodeRenderer.of(c, List.of("10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.9"), FakeResolve.tools())
        .withChunkDuration(Duration.ofSeconds(1)).withPollInterval(Duration.ofMillis(50))
        .render(out, new PatchListener() {
          @Override
          public void message(String text) {
            messages.add(text);
          }
        });

    // the same timeline rendered once in one piece
    Path single = dir.resolve("single.mov");
    try (Resolve r = c.connect()) {
      ResolveMasterRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50)).render(single, PatchListener.NONE);
    }
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(120);
    assertThat(TestMedia.videoPacketMd5s(out, 0, 120)).isEqualTo(TestMedia.videoPacketMd5s(single, 0, 120));
    assertThat(TestMedia.audioSamples(out)).isEqualTo(240_000); // 5 s at 48 kHz
    assertThat(TestMedia.ffprobe(out, "-show_entries", "stream_tags=timecode", "-of", "csv=p=0")).contains("01:00:00:00");

    assertThat(m.sidecar()).isEqualTo(Sidecars.read(m.sidecarPath()));
    assertThat(m.sidecar().origin()).isEqualTo(RenderOrigin.resolve("Feature", "Reel 4", null, "mov", "ProRes422HQ"));
    assertThat(m.sidecar().master().frameCount()).isEqualTo(120);

    // evidence from the nodes themselves: every chunk start was rendered by a working node; the failing one tried and
    // was retired after two failures; the unreachable one was left out
    List<Long> good = new ArrayList<>(markIns(fake.state("10.0.0.1")));
    good.addAll(markIns(fake.state("10.0.0.2")));
    assertThat(new TreeSet<>(good)).containsExactly(86_400L, 86_424L, 86_448L, 86_472L, 86_496L);
    // the nodes' own current format (H.264 in MP4) was not used: every chunk is the local Resolve's ProRes
    assertThat(TestMedia.ffprobe(out, "-select_streams", "v:0", "-show_entries", "stream=codec_name,profile", "-of", "csv=p=0")
        .strip()).isEqualTo("prores,HQ");
    assertThat(fake.state("10.0.0.1").path("codec").asText()).as("restored on the node").isEqualTo("H264");
    JsonNode failing = fake.state("10.0.0.3");
    assertThat(calls(failing, "AddRenderJob")).isBetween(1L, 2L);
    assertThat(failing.path("jobs")).isEmpty();
    assertThat(failing.path("presets").toString()).doesNotContain("patchwork-restore");
    assertThat(messages).anyMatch(s -> s.startsWith("node 10.0.0.9 left out") && s.contains("Network"));
    assertThat(messages).anyMatch(s -> s.contains("failed on 10.0.0.3: Resolve's render job failed on 10.0.0.3: GPU memory full"));
  }

  @Test
  void aChunkThatFailsOnEveryNodeFailsTheRenderAndLeavesNothing() throws IOException {
    FakeResolve fake = fake("all failing");
    var failing = fake.config().putObject("failing_nodes");
    failing.put("10.0.0.1", "Media offline");
    failing.put("10.0.0.2", "Disk full");
    Path out = dir.resolve("never.mov");
    assertThatThrownBy(() -> MultiNodeRenderer.of(fake.connector(), List.of("10.0.0.1", "10.0.0.2"), FakeResolve.tools())
        .withChunkDuration(Duration.ofSeconds(2)).withPollInterval(Duration.ofMillis(50)).render(out, PatchListener.NONE))
        .isInstanceOfSatisfying(ResolveException.class, e -> assertThat(e.getMessage())
            .contains("could not be rendered on any node").contains("10.0.0.1: ").contains("Media offline")
            .contains("10.0.0.2: ").contains("Disk full"));
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".resolve-") || n.startsWith("never"));
    }
  }

  @Test
  void noReachableNodeIsAnUnavailableError() {
    FakeResolve fake = fake("none");
    assertThatThrownBy(() -> MultiNodeRenderer.of(fake.connector(), List.of("10.0.0.9"), FakeResolve.tools())
        .render(dir.resolve("none.mov"), PatchListener.NONE))
        .isInstanceOfSatisfying(ResolveUnavailableException.class, e -> assertThat(e.getMessage())
            .contains("none of the Resolve nodes can render").contains("10.0.0.9"));
    assertThatThrownBy(() -> MultiNodeRenderer.of(fake.connector(), List.of("a", "a"), FakeResolve.tools()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }
}
