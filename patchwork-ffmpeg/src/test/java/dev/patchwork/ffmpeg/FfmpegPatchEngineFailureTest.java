package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import dev.patchwork.change.Change;
import dev.patchwork.plan.Planner;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.PatchJob;
import dev.patchwork.spi.Renderer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens when a patch cannot or must not finish: refusals, failures in the middle, cancellation, a master that
 * no longer matches its sidecar, and a second patch of a patched output. After every failure the output directory
 * holds exactly what it held before (no output, no sidecar, no temporary file).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegPatchEngineFailureTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  FfmpegPatchEngine engine;
  final PatchMasters kind = PatchMasters.H264_MOV_PCM_TMCD;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    engine = new FfmpegPatchEngine(RealFfmpeg.tools());
    master = kind.master(dir);
    TestSidecars.adopt(master, kind.container);
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private Path work(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name));
  }

  private SourceRenderer renderer(Path work) {
    return new SourceRenderer(kind.source(dir), kind.videoArgs, true, work);
  }

  private static List<String> listing(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void anExistingOutputIsRefusedBeforeAnythingRuns() throws IOException {
    Path work = work("exists");
    Path out = Files.writeString(work.resolve("out.mov"), "already here");
    Sidecar sc = Sidecars.read(SidecarPaths.defaultFor(master));
    List<Change> changes = List.of(Change.of(40, 5));
    PatchJob job = new PatchJob(master, sc, Planner.plan(sc.masterFacts(), changes), changes, renderer(work), out,
        SidecarPaths.defaultFor(out), false, PatchListener.NONE, Clock.systemUTC());

    assertThatThrownBy(() -> engine.patch(job)).isInstanceOf(ValidationException.class).hasMessageContaining("already exists");
    assertThat(Files.readString(out)).isEqualTo("already here");
    assertThat(listing(work)).containsExactly("out.mov");
  }

  @Test
  void aRendererThatThrowsLeavesNothingBehind() throws IOException {
    Path work = work("renderer throws");
    Renderer failing = new Renderer() {
      @Override
      public String name() {
        return "failing";
      }

      @Override
      public void render(Request request) {
        try {
          Files.writeString(request.output(), "half a segment");
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        throw new IllegalStateException("render farm on fire");
      }
    };
    Path out = work.resolve("out.mov");

    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(failing).engine(engine).output(out).patch(List.of(Change.of(40, 5))))
        .isInstanceOf(IllegalStateException.class).hasMessage("render farm on fire");
    assertThat(listing(work)).isEmpty();
  }

  @Test
  void aCorruptSegmentIsRefusedAndLeavesNothingBehind() throws IOException {
    Path work = work("corrupt segment");
    Renderer garbage = new Renderer() {
      @Override
      public String name() {
        return "garbage";
      }

      @Override
      public void render(Request request) {
        try {
          Files.write(request.output(), new byte[4096]);
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    };
    Path out = work.resolve("out.mov");

    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(garbage).engine(engine).output(out).patch(List.of(Change.of(40, 5))))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("not usable");
    assertThat(listing(work)).isEmpty();
  }

  @Test
  void aSegmentEncodedWithOtherSettingsIsRefused() throws IOException {
    Path work = work("other settings");
    List<String> other = new ArrayList<>(kind.videoArgs);
    other.set(other.indexOf("-crf") + 1, "30"); // another initial QP: another PPS than the master's one per track
    SourceRenderer r = new SourceRenderer(kind.source(dir), other, true, work);
    Path out = work.resolve("out.mov");

    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(r).engine(engine).output(out).patch(List.of(Change.of(40, 5))))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("parameter sets");
    assertThat(listing(work)).allMatch(n -> n.startsWith("rendered-"));
  }

  @Test
  void interruptingTheSpliceStopsFfmpegAndCleansUp() throws IOException {
    Path work = work("interrupted");
    Path out = work.resolve("out.mov");
    PatchListener interruptAtSplice = new PatchListener() {
      @Override
      public void segmentStarted(Segment segment) {
        if (segment == null) Thread.currentThread().interrupt();
      }
    };

    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(renderer(work)).engine(engine).listener(interruptAtSplice)
        .output(out).patch(List.of(Change.of(40, 5)))).isInstanceOf(CancelledException.class);
    assertThat(Thread.interrupted()).as("the interrupt stays visible to the caller").isTrue();
    assertThat(listing(work)).allMatch(n -> n.startsWith("rendered-"));
  }

  @Test
  void cancellingAnAsyncPatchDuringRenderingCleansUp() throws Exception {
    Path work = work("cancelled async");
    Path out = work.resolve("out.mov");
    java.util.concurrent.CountDownLatch rendering = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    Renderer slow = new Renderer() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public void render(Request request) {
        rendering.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancelledException("render interrupted");
        } finally {
          ended.countDown();
        }
      }
    };
    var future = Patchwork.forMaster(master).renderer(slow).engine(engine).output(out).patchAsync(List.of(Change.of(40, 5)));
    assertThat(rendering.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    future.cancel(true);

    assertThat(ended.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!listing(work).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(listing(work)).isEmpty();
    assertThat(future).isCancelled();
  }

  @Test
  void aMasterThatNoLongerMatchesItsSidecarIsRefusedUnlessForced() throws Exception {
    Path work = work("stale master");
    Path copy = Files.copy(master, work.resolve("copy.mov"));
    Sidecar original = Sidecars.read(SidecarPaths.defaultFor(master));
    Sidecars.write(original, SidecarPaths.defaultFor(copy));
    // damage one byte in the GOP that the change re-renders (frames 25-49): refused, and with force it is replaced
    Region damaged = original.content().regionForFrame(40).orElseThrow();
    flipByte(copy, damaged.offset() + damaged.length() / 2);
    List<Change> changes = List.of(Change.of(40, 5));
    Path out = work.resolve("out.mov");

    assertThatThrownBy(() -> Patchwork.forMaster(copy).renderer(renderer(work)).engine(engine).output(out).patch(changes))
        .isInstanceOf(ValidationException.class).hasMessageContaining("does not match its sidecar").hasMessageContaining("frames 25-49");
    assertThat(listing(work)).containsExactly("copy.mov", "copy.mov.patchwork.toml");

    PatchResult forced = Patchwork.forMaster(copy).renderer(renderer(work)).engine(engine).output(out).force(true).patch(changes);

    Sidecar sc = Sidecars.read(SidecarPaths.defaultFor(forced.output()));
    assertThat(sc.history().get(0).parentSha256()).as("the real parent, not the sidecar's")
        .isEqualTo(FfmpegPatchEngineIntegrationTest.sha256(copy)).isNotEqualTo(original.master().sha256());
  }

  @Test
  void damageInAKeptGopFarFromTheCutsIsCaughtAfterTheSpliceAsAStaleMaster() throws Exception {
    Path work = work("damaged kept gop");
    Path copy = Files.copy(master, work.resolve("copy.mov"));
    Sidecar original = Sidecars.read(SidecarPaths.defaultFor(master));
    Sidecars.write(original, SidecarPaths.defaultFor(copy));
    // a byte inside a video packet of GOP 75-99, far from the change at 40: the cheap check does not look there
    var packets = new FfprobeProber(RealFfmpeg.tools()).probeMedia(copy).packets();
    int p = packets.packetOf(90);
    flipByte(copy, packets.position(p) + packets.byteSize(p) / 2);
    Path out = work.resolve("out.mov");

    // the kept GOP differs from the sidecar because the master does: invalid input (exit 3), not a failed splice
    assertThatThrownBy(() -> Patchwork.forMaster(copy).renderer(renderer(work)).engine(engine).output(out).patch(List.of(Change.of(40, 5))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("does not match its sidecar")
        .hasMessageContaining("frames 75-99")
        .hasMessageContaining("--force");
    assertThat(listing(work)).filteredOn(n -> !n.startsWith("rendered-")).containsExactly("copy.mov", "copy.mov.patchwork.toml");

    // forced: the master as it is now is patched, its damaged packet kept as it is
    PatchResult forced = Patchwork.forMaster(copy).renderer(renderer(work)).engine(engine).output(out).force(true)
        .patch(List.of(Change.of(40, 5)));
    List<RealFfmpeg.Md5> got = FfmpegPatchEngineIntegrationTest.byFrame(RealFfmpeg.packetMd5s(forced.output()));
    List<RealFfmpeg.Md5> had = FfmpegPatchEngineIntegrationTest.byFrame(RealFfmpeg.packetMd5s(copy));
    List<RealFfmpeg.Md5> sound = FfmpegPatchEngineIntegrationTest.byFrame(RealFfmpeg.packetMd5s(master));
    assertThat(got.get(90).md5()).isEqualTo(had.get(90).md5()).isNotEqualTo(sound.get(90).md5());
  }

  @Test
  void aSidecarWhoseKeptGopHashIsWrongFailsVerification() throws Exception {
    Path work = work("wrong sidecar hash");
    Path copy = Files.copy(master, work.resolve("copy.mov"));
    Sidecar original = Sidecars.read(SidecarPaths.defaultFor(master));
    List<Region> regions = new ArrayList<>(original.content().regions());
    Region r = regions.get(0);
    regions.set(0, Region.gop(r.start(), r.frames(), r.leading(), r.offset(), r.length(), r.sha256(), "0".repeat(64)));
    ContentIndex content = new ContentIndex(original.content().header(), regions, original.content().trailer());
    Sidecars.write(new Sidecar(original.master(), original.video(), original.audio(), original.encoder(), original.origin(), content,
        original.history()), SidecarPaths.defaultFor(copy));
    Path out = work.resolve("out.mov");

    assertThatThrownBy(() -> Patchwork.forMaster(copy).renderer(renderer(work)).engine(engine).output(out).patch(List.of(Change.of(80, 5))))
        .isInstanceOf(VerificationException.class).hasMessageContaining("frames 0-24");
    assertThat(listing(work)).filteredOn(n -> !n.startsWith("rendered-")).containsExactly("copy.mov", "copy.mov.patchwork.toml");
  }

  @Test
  void aRenderedSegmentAlteredAfterItWasCheckedIsCaughtInTheOutput() throws Exception {
    Path work = work("altered segment");
    Path out = work.resolve("out.mov");
    // when the splice starts, one byte in the middle of a video packet of the re-wrapped segment is flipped: the splice
    // copies it, and the output's re-rendered packets are no longer the ones the segment was checked with
    PatchListener tamper = new PatchListener() {
      @Override
      public void message(String text) {
        if (!text.equals("splicing")) return;
        try (Stream<Path> files = Files.list(work)) {
          Path ws = files.filter(p -> p.getFileName().toString().startsWith(".out.mov.patchwork-")).findFirst().orElseThrow();
          Path segment = ws.resolve("segment-0.mov");
          var packets = new FfprobeProber(RealFfmpeg.tools()).probeMedia(segment).packets();
          int p = packets.packetCount() / 2;
          flipByte(segment, packets.position(p) + packets.byteSize(p) / 2);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
    // a listener's exceptions are swallowed; the flip is checked by the failure it causes
    assertThatThrownBy(() -> Patchwork.forMaster(master).renderer(renderer(work)).engine(engine).listener(tamper).output(out)
        .patch(List.of(Change.of(40, 5))))
        .isInstanceOf(VerificationException.class)
        .hasMessageContaining("not the rendered segment's packets");
    assertThat(listing(work)).filteredOn(n -> !n.startsWith("rendered-")).isEmpty();
  }

  @Test
  void aChangeOfEveryFrameRendersEverything() throws Exception {
    Path work = work("everything");
    SourceRenderer r = renderer(work);
    Path out = work.resolve("all new.mov");

    PatchResult result = Patchwork.forMaster(master).renderer(r).engine(engine).output(out).patch(List.of(Change.of(0, PatchMasters.FRAMES)));

    assertThat(result.plan().isFullRender()).isTrue();
    assertThat(result.verification().keptGopsIdentical()).isZero();
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, master, out, result.plan(), r);
  }

  @Test
  void patchingAPatchedOutputGrowsItsHistory() throws Exception {
    Path work = work("twice");
    Path first = work.resolve("first.mov");
    Clock clock = Clock.fixed(Instant.parse("2025-03-14T09:26:53Z"), ZoneOffset.UTC);
    Patchwork.forMaster(master).renderer(renderer(work)).engine(engine).output(first).clock(clock).patch(List.of(Change.of(10, 2)));
    Path second = work.resolve("second.mov");
    SourceRenderer again = renderer(work);

    PatchResult r = Patchwork.forMaster(first).renderer(again).engine(engine).output(second).clock(clock)
        .patch(List.of(Change.of(60, 3).withName("Shot 7")));

    Sidecar sc = Sidecars.read(SidecarPaths.defaultFor(second));
    assertThat(sc.history()).hasSize(2);
    assertThat(sc.history().get(1).parentSha256()).isEqualTo(FfmpegPatchEngineIntegrationTest.sha256(first));
    assertThat(sc.history().get(0).outputSha256()).isEqualTo(sc.history().get(1).parentSha256());
    assertThat(sc.history().get(1).changes()).containsExactly(Change.of(60, 3).withName("Shot 7"));
    assertThat(sc.history().get(1).time()).isEqualTo(Instant.parse("2025-03-14T09:26:53Z"));
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, first, second, r.plan(), again);
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0xFF);
    }
  }
}
