package dev.patchwork.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.PatchListener;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.plan.Segment;
import dev.patchwork.resolve.internal.FfmpegSteps;
import dev.patchwork.resolve.testing.FakeResolve;
import dev.patchwork.resolve.testing.TestMedia;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.Renderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ResolveRenderer} and {@link ResolveMasterRenderer} against the fake Resolve, checked with ffprobe/ffmpeg:
 * the segment has exactly its frames, from the right timeline frames (PSNR against the stand-in, and against it one frame
 * off), encoded like the master; Resolve is left as it was found; failures are clear and leave nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResolveRendererTest {

  private static final String EDIT = "drawbox=x=40:y=40:w=120:h=80:color=red:t=fill:enable='between(n\\,24\\,47)'";

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Sidecar sidecar;
  Path standIn;

  @BeforeAll
  void media() throws IOException {
    dir = Files.createDirectories(tmp.resolve("Reel 1 – Fälle"));
    master = TestMedia.x264Master(dir.resolve("Feature Master.mov"), "24", 96, 24, "01:00:00:00");
    sidecar = new FfmpegAdopter(FakeResolve.tools()).adopt(master, null, false, PatchListener.NONE).sidecar();
    standIn = TestMedia.timeline(dir.resolve("timeline v2.mkv"), "24", 96, EDIT);
  }

  private FakeResolve fake(String name) throws IOException {
    FakeResolve fake = new FakeResolve(Files.createDirectories(tmp.resolve("fake " + name)));
    fake.timeline("Reel 1", "01:00:00:00", "24", 96, standIn, true);
    fake.render("mov", "ProRes422HQ");
    return fake;
  }

  private Renderer.Request request(Segment segment, Path out) {
    return new Renderer.Request(master, sidecar, segment, out, PatchListener.NONE);
  }

  private static List<JsonNode> calls(JsonNode state, String method) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode c : state.path("calls")) if (c.path("method").asText().equals(method)) out.add(c.path("args"));
    return out;
  }

  private static void assertResolveLeftAsFound(JsonNode state) {
    assertThat(state.path("jobs")).isEmpty();
    assertThat(state.path("presets").toString()).doesNotContain("patchwork-restore");
    assertThat(state.path("format").asText()).isEqualTo("mov");
    assertThat(state.path("codec").asText()).isEqualTo("ProRes422HQ");
    assertThat(state.path("mark_in_out").path("Reel 1").isEmpty()).as("In/Out marks cleared as they were").isTrue();
  }

  private void assertNoWorkFolders() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".resolve-") || n.endsWith(".part"));
    }
  }

  @Test
  void anX264SegmentIsRenderedFromTheRightTimelineFramesAndEncodedLikeTheMaster() throws IOException {
    FakeResolve fake = fake("x264");
    Path out = dir.resolve("segment 24.mkv");
    try (Resolve r = fake.connector().connect()) {
      ResolveRenderer renderer = ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50));
      assertThat(renderer.modeFor(sidecar)).isEqualTo(ResolveRenderer.Mode.INTERMEDIATE);
      renderer.render(request(Segment.render(24, 24), out));
    }
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(24);
    assertThat(TestMedia.keyFlags(out)).isEqualTo("K" + "_".repeat(23)); // one closed GOP: the master's GOP 24-47
    double aligned = TestMedia.psnr(out, 0, standIn, 24, 24);
    double offByOne = TestMedia.psnr(out, 0, standIn, 25, 24);
    assertThat(aligned).as("PSNR against timeline frames 24-47").isGreaterThan(35);
    assertThat(offByOne).as("PSNR one frame off").isLessThan(aligned - 8);
    assertThat(FfmpegSteps.extradata(FakeResolve.tools(), out)).isEqualTo(FfmpegSteps.extradata(FakeResolve.tools(), master));
    assertThat(TestMedia.audioSamples(out)).isEqualTo(48_000); // one second at 48 kHz

    JsonNode state = fake.state(null);
    assertThat(calls(state, "SetRenderSettings")).anySatisfy(a -> {
      assertThat(a.get(0).path("MarkIn").asLong()).isEqualTo(86_400 + 24); // GetStartFrame() + offset
      assertThat(a.get(0).path("MarkOut").asLong()).isEqualTo(86_400 + 47); // inclusive
    });
    assertThat(calls(state, "SetCurrentRenderFormatAndCodec")).first()
        .satisfies(a -> assertThat(a.toString()).isEqualTo("[\"mov\",\"Uncompressed8bitYUV422\"]"));
    assertThat(calls(state, "AddRenderJob")).hasSize(1);
    assertResolveLeftAsFound(state);
    assertNoWorkFolders();
  }

  @Test
  void aDropFrameTimelineStartingAtOneHourPlacesTheMarksByOffset() throws IOException {
    Path df = Files.createDirectories(tmp.resolve("drop frame"));
    Path dfMaster = TestMedia.x264Master(df.resolve("DF master.mov"), "30000/1001", 90, 15, "01:00:00;00");
    Sidecar dfSidecar = new FfmpegAdopter(FakeResolve.tools()).adopt(dfMaster, null, false, PatchListener.NONE).sidecar();
    assertThat(dfSidecar.master().startTimecode().toString()).isEqualTo("01:00:00;00");
    Path dfStandIn = TestMedia.timeline(df.resolve("timeline.mkv"), "30000/1001", 90, null);
    FakeResolve fake = new FakeResolve(df.resolve("fake"));
    fake.timeline("Reel 2", "01:00:00;00", "29.97 DF", 90, dfStandIn, true);
    Path out = df.resolve("seg.mkv");
    try (Resolve r = fake.connector().connect()) {
      assertThat(r.timeline().startFrame()).isEqualTo(107_892);
      ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50))
          .render(new Renderer.Request(dfMaster, dfSidecar, Segment.render(30, 30), out, PatchListener.NONE));
    }
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(30);
    assertThat(TestMedia.keyFlags(out)).isEqualTo("K" + "_".repeat(14) + "K" + "_".repeat(14)); // the master's RAPs 30 and 45
    double aligned = TestMedia.psnr(out, 0, dfStandIn, 30, 30);
    assertThat(aligned).isGreaterThan(35);
    assertThat(TestMedia.psnr(out, 0, dfStandIn, 31, 30)).isLessThan(aligned - 8);
    assertThat(calls(fake.state(null), "SetRenderSettings")).anySatisfy(a -> {
      assertThat(a.get(0).path("MarkIn").asLong()).isEqualTo(107_892 + 30);
      assertThat(a.get(0).path("MarkOut").asLong()).isEqualTo(107_892 + 59);
    });
  }

  @Test
  void aMasterRenderedInResolveGetsItsSidecarAndNativeSegmentsCopyResolvesOwnEncoding() throws IOException {
    Path own = Files.createDirectories(tmp.resolve("résolve master"));
    Path unchanged = TestMedia.timeline(own.resolve("timeline.mkv"), "24", 72, null);
    FakeResolve fake = new FakeResolve(own.resolve("fake"));
    fake.timeline("Reel 3", "01:00:00:00", "24", 72, unchanged, true);
    fake.render("mov", "ProRes422HQ");
    Path out = own.resolve("Reel 3 master.mov");
    Path segment = own.resolve("segment.mkv");
    try (Resolve r = fake.connector().connect()) {
      assertThatThrownBy(() -> ResolveMasterRenderer.of(r, FakeResolve.tools()).render(own.resolve("wrong.mxf"), PatchListener.NONE))
          .isInstanceOf(ValidationException.class).hasMessageContaining("as .mov files");
      assertThat(calls(fake.state(null), "AddRenderJob")).isEmpty();

      ResolveMaster m = ResolveMasterRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50))
          .render(out, PatchListener.NONE);
      assertThat(m.master()).isEqualTo(out);
      Sidecar s = Sidecars.read(m.sidecarPath());
      assertThat(s).isEqualTo(m.sidecar());
      assertThat(s.origin()).isEqualTo(RenderOrigin.resolve("Feature", "Reel 3", null, "mov", "ProRes422HQ"));
      assertThat(s.encoder().tool()).isEqualTo("DaVinci Resolve");
      assertThat(s.encoder().version()).isEqualTo("19.1.3.7");
      assertThat(s.master().fileName()).isEqualTo("Reel 3 master.mov");
      assertThat(s.master().frameCount()).isEqualTo(72);
      assertThat(s.master().startTimecode().toString()).isEqualTo("01:00:00:00");
      assertThat(TestMedia.decodedFrames(out)).isEqualTo(72);

      ResolveRenderer renderer = ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50));
      assertThat(renderer.modeFor(s)).isEqualTo(ResolveRenderer.Mode.NATIVE);
      renderer.render(new Renderer.Request(out, s, Segment.render(20, 10), segment, PatchListener.NONE));
    }
    // the timeline did not change: Resolve's own encoder gives the master's packets, byte for byte
    assertThat(TestMedia.videoPacketMd5s(segment, 0, 10)).isEqualTo(TestMedia.videoPacketMd5s(out, 20, 10));
    assertThat(TestMedia.keyFlags(segment)).isEqualTo("K".repeat(10));
    assertThat(TestMedia.audioSamples(segment)).isEqualTo(20_000); // 10 frames at 24 fps, 48 kHz
    assertThat(TestMedia.ffprobe(segment, "-show_entries", "format=format_name", "-of", "csv=p=0")).contains("matroska");
    assertThat(calls(fake.state(null), "SetCurrentRenderFormatAndCodec")).allSatisfy(a -> assertThat(a.toString())
        .isEqualTo("[\"mov\",\"ProRes422HQ\"]"));
  }

  @Test
  void aFailedJobIsAClearErrorAndLeavesResolveAndTheFolderClean() throws IOException {
    FakeResolve fake = fake("failing");
    fake.config().put("fail_jobs", 1).put("fail_error", "Render Job 1 failed as the current clip could not be processed");
    Path out = dir.resolve("failed.mkv");
    try (Resolve r = fake.connector().connect()) {
      assertThatThrownBy(() -> ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50))
          .render(request(Segment.render(48, 24), out)))
          .isInstanceOfSatisfying(ResolveException.class, e -> {
            assertThat(e.kind()).isEqualTo(ResolveException.RENDER);
            assertThat(e.getMessage()).contains("render job failed").contains("could not be processed");
          });
    }
    assertThat(out).doesNotExist();
    assertResolveLeftAsFound(fake.state(null));
    assertNoWorkFolders();
  }

  @Test
  void aResolveThatReadsMarkOutTheOtherWayIsCaughtByTheFrameCount() throws IOException {
    FakeResolve fake = fake("exclusive");
    fake.config().put("mark_out_inclusive", false);
    Path out = dir.resolve("exclusive.mkv");
    try (Resolve r = fake.connector().connect()) {
      ResolveRenderer renderer = ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50));
      assertThatThrownBy(() -> renderer.render(request(Segment.render(24, 24), out)))
          .isInstanceOf(ResolveException.class).hasMessageContaining("rendered 23 frames").hasMessageContaining("markOutInclusive to false");
      assertThat(out).doesNotExist();
      renderer.withMarkOutInclusive(false).render(request(Segment.render(24, 24), out));
    }
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(24);
    assertThat(TestMedia.psnr(out, 0, standIn, 24, 24)).isGreaterThan(35);
  }

  @Test
  void theQuirksEmptyJobIdAndStatusWithoutJobStatusAreHandled() throws IOException {
    FakeResolve fake = fake("quirks");
    ObjectNode c = fake.config();
    c.put("add_render_job_empty_once", true).put("status_sparse", true);
    Path out = dir.resolve("quirks.mkv");
    try (Resolve r = fake.connector().connect()) {
      ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50)).render(request(Segment.render(0, 24), out));
    }
    assertThat(TestMedia.decodedFrames(out)).isEqualTo(24);
    JsonNode state = fake.state(null);
    assertThat(calls(state, "AddRenderJob")).as("no duplicate job queued").hasSize(1);
    assertResolveLeftAsFound(state);
  }

  @Test
  void anInterruptStopsResolvesRenderDeletesTheJobAndRestoresTheSettings() throws Exception {
    FakeResolve fake = fake("interrupted");
    fake.config().put("render_delay_ms", 400); // about ten seconds for 24 frames
    Path out = dir.resolve("interrupted.mkv");
    try (Resolve r = fake.connector().connect()) {
      ResolveRenderer renderer = ResolveRenderer.of(r, FakeResolve.tools()).withPollInterval(Duration.ofMillis(50));
      java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
      Thread t = new Thread(() -> {
        try {
          renderer.render(request(Segment.render(24, 24), out));
        } catch (Throwable e) {
          thrown.set(e);
        }
      });
      t.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (calls(fake.state(null), "StartRendering").isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
      Thread.sleep(300);
      long t0 = System.nanoTime();
      t.interrupt();
      t.join(20_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
      assertThat(thrown.get()).isInstanceOf(dev.patchwork.CancelledException.class);
      assertThat(r.isRenderingInProgress()).isFalse();
    }
    JsonNode state = fake.state(null);
    assertThat(calls(state, "StopRendering")).isNotEmpty();
    assertResolveLeftAsFound(state);
    assertThat(out).doesNotExist();
    assertNoWorkFolders();
  }

  @Test
  void aTimelineThatIsNotTheMastersIsRefusedBeforeRendering() throws IOException {
    FakeResolve fake = new FakeResolve(tmp.resolve("fake other"));
    fake.timeline("Other", "01:00:00:00", "25", 90, standIn, true);
    try (Resolve r = fake.connector().connect()) {
      assertThatThrownBy(() -> ResolveRenderer.of(r, FakeResolve.tools()).render(request(Segment.render(0, 24), dir.resolve("x.mkv"))))
          .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage())
              .contains("timeline 'Other': has 90 frames but the master Feature Master.mov has 96"));
    }
    assertThat(calls(fake.state(null), "AddRenderJob")).isEmpty();
  }
}
