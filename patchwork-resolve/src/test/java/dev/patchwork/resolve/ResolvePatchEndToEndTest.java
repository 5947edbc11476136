package dev.patchwork.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.ffmpeg.FfmpegPatchEngine;
import dev.patchwork.plan.Segment;
import dev.patchwork.resolve.testing.FakeResolve;
import dev.patchwork.resolve.testing.TestMedia;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.time.FrameRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Markers on the fake timeline → a patched master, through the real splice engine: an x264 master adopted from ffmpeg
 * (segments rendered by Resolve as an uncompressed intermediate and encoded like the master) and a ProRes master Resolve
 * rendered itself (segments copied from Resolve's own encoding). Evidence from ffmpeg: kept frames' packets equal the
 * master's, re-rendered frames are the edited timeline's.
 */
class ResolvePatchEndToEndTest {

  private static final String EDIT_24_47 = "drawbox=x=40:y=40:w=120:h=80:color=red:t=fill:enable='between(n\\,24\\,47)'";

  @TempDir Path tmp;

  @Test
  void blueMarkersOnTheTimelinePatchAnX264Master() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("Feature – Rolle 1"));
    Path master = TestMedia.x264Master(dir.resolve("Feature v1.mov"), "24", 96, 24, "01:00:00:00");
    new FfmpegAdopter(FakeResolve.tools()).adopt(master, null, false, PatchListener.NONE);
    Path edited = TestMedia.timeline(dir.resolve("timeline v2.mkv"), "24", 96, EDIT_24_47);
    FakeResolve fake = new FakeResolve(dir.resolve("fake"));
    ObjectNode t = fake.timeline("Reel 1", "01:00:00:00", "24", 96, edited, true);
    FakeResolve.marker(t, 30, 10, "Blue", "VFX 12", "new sky", null);
    FakeResolve.marker(t, 70, 2, "Red", "not this one", null, null);
    Path out = dir.resolve("Feature v2.mov");

    PatchResult result;
    try (Resolve r = fake.connector().connect()) {
      List<Change> changes = ResolveMarkers.changes(r, MarkerFilter.colors("blue"));
      assertThat(changes).extracting(Change::range).containsExactly(FrameRange.of(30, 40));
      result = Patchwork.forMaster(master).output(out).engine(new FfmpegPatchEngine(FakeResolve.tools()))
          .renderer(ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50))).patch(changes);
    }
    assertThat(result.plan().renderSegments()).containsExactly(Segment.render(24, 24)); // the GOP holding 30-39
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(96);
    assertThat(TestMedia.videoPacketMd5s(out, 0, 24)).isEqualTo(TestMedia.videoPacketMd5s(master, 0, 24));
    assertThat(TestMedia.videoPacketMd5s(out, 48, 48)).isEqualTo(TestMedia.videoPacketMd5s(master, 48, 48));
    double patched = TestMedia.psnr(out, 24, edited, 24, 24);
    assertThat(patched).as("re-rendered frames are the edited timeline's").isGreaterThan(35);
    assertThat(TestMedia.psnr(out, 24, master, 24, 24)).as("and not the old master's").isLessThan(patched - 10);
    Sidecar s = Sidecars.read(result.sidecar());
    assertThat(s.history()).singleElement().satisfies(h -> {
      assertThat(h.changes()).singleElement().satisfies(c -> assertThat(c.name()).isEqualTo("VFX 12"));
      assertThat(h.renderer()).startsWith("DaVinci Resolve Studio 19.1.3.7; intermediate renders encoded by ffmpeg version");
    });
  }

  @Test
  void markersPatchAProResMasterResolveRenderedItself() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("résolve"));
    Path before = TestMedia.timeline(dir.resolve("timeline v1.mkv"), "24", 72, null);
    Path after = TestMedia.timeline(dir.resolve("timeline v2.mkv"), "24", 72,
        "drawbox=x=10:y=10:w=200:h=100:color=blue:t=fill:enable='between(n\\,10\\,14)'");
    Path master = dir.resolve("Reel 3.mov");

    FakeResolve v1 = new FakeResolve(dir.resolve("fake v1"));
    v1.timeline("Reel 3", "01:00:00:00", "24", 72, before, true);
    try (Resolve r = v1.connector().connect()) {
      ResolveMasterRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50)).render(master, PatchListener.NONE);
    }

    // the editor changes frames 10-14 and marks them
    FakeResolve v2 = new FakeResolve(dir.resolve("fake v2"));
    ObjectNode t = v2.timeline("Reel 3", "01:00:00:00", "24", 72, after, true);
    FakeResolve.marker(t, 10, 5, "Green", "title", null, "pw:7");
    Path out = dir.resolve("Reel 3 v2.mov");
    PatchResult result;
    try (Resolve r = v2.connector().connect()) {
      List<Change> changes = ResolveMarkers.changes(r, MarkerFilter.ALL.withCustomData("pw:7"));
      result = Patchwork.forMaster(master).output(out).engine(new FfmpegPatchEngine(FakeResolve.tools()))
          .renderer(ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50))).patch(changes);
    }
    assertThat(result.plan().renderSegments()).containsExactly(Segment.render(10, 5)); // intra: exactly the change
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(72);
    assertThat(TestMedia.videoPacketMd5s(out, 0, 10)).isEqualTo(TestMedia.videoPacketMd5s(master, 0, 10));
    assertThat(TestMedia.videoPacketMd5s(out, 15, 57)).isEqualTo(TestMedia.videoPacketMd5s(master, 15, 57));
    assertThat(TestMedia.videoPacketMd5s(out, 10, 5)).doesNotContainAnyElementsOf(TestMedia.videoPacketMd5s(master, 10, 5));
    assertThat(TestMedia.psnr(out, 10, after, 10, 5)).isGreaterThan(40);
    assertThat(TestMedia.audioSamples(out)).isEqualTo(TestMedia.audioSamples(master));
    assertThat(Sidecars.read(result.sidecar()).origin()).isEqualTo(Sidecars.read(
        dev.patchwork.sidecar.SidecarPaths.defaultFor(master)).origin());
  }
}
