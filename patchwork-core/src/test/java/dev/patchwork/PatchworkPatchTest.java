package dev.patchwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.change.Change;
import dev.patchwork.plan.Segment;
import dev.patchwork.spi.PatchEngine;
import dev.patchwork.spi.PatchJob;
import dev.patchwork.spi.Renderer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Patchwork#patch} checks before handing a job to the engine, and async cancellation. */
class PatchworkPatchTest {

  @TempDir Path tmp;
  Path master;

  static final Renderer RENDERER = new Renderer() {
    @Override
    public String name() {
      return "test";
    }

    @Override
    public void render(Request request) {
      throw new AssertionError("the engine decides when to render");
    }
  };

  @BeforeEach
  void masterWithSidecar() throws IOException {
    master = Files.write(tmp.resolve("Feature Master v3.mov"), new byte[] {1});
    try (InputStream in = getClass().getResourceAsStream("/dev/patchwork/sidecar/example.patchwork.toml")) {
      Files.copy(in, tmp.resolve("Feature Master v3.mov.patchwork.toml"));
    }
  }

  private Patchwork base(PatchEngine engine) {
    return Patchwork.forMaster(master).renderer(RENDERER).engine(engine);
  }

  @Test
  void handsTheEngineAPlannedJobWithTheDefaultOutputBesideTheMaster() {
    AtomicReference<PatchJob> seen = new AtomicReference<>();
    PatchResult result = base(job -> {
      seen.set(job);
      return new PatchResult(job.output(), job.outputSidecar(), job.plan(), List.of(), new PatchResult.Verification(240, 0, 0, 0), Duration.ZERO);
    }).patch(List.of(Change.of(100, 24)));
    PatchJob job = seen.get();
    assertThat(job.output()).isEqualTo(tmp.resolve("Feature Master v3.patched.mov").toAbsolutePath());
    assertThat(job.outputSidecar()).isEqualTo(tmp.resolve("Feature Master v3.patched.mov.patchwork.toml").toAbsolutePath());
    assertThat(job.plan().renderSegments()).containsExactly(Segment.render(94, 50));
    assertThat(job.sidecar().master().fileName()).isEqualTo("Feature Master v3.mov");
    assertThat(job.force()).isFalse();
    assertThat(result.renderedFrames()).isEqualTo(50);
  }

  @Test
  void refusesBadOutputsBeforeAnyWork() throws IOException {
    PatchEngine never = job -> { throw new AssertionError("must not run"); };
    List<Change> one = List.of(Change.of(100, 24));
    assertThatThrownBy(() -> base(never).output(master).patch(one))
        .isInstanceOf(ValidationException.class).hasMessageContaining("is the master itself");
    assertThatThrownBy(() -> base(never).output(tmp.resolve("./sub/../Feature Master v3.mov")).patch(one))
        .isInstanceOf(ValidationException.class).hasMessageContaining("is the master itself");
    assertThatThrownBy(() -> base(never).output(tmp.resolve("out.mp4")).patch(one))
        .isInstanceOf(ValidationException.class).hasMessageContaining("extension '.mov'");
    Path existing = Files.write(tmp.resolve("exists.mov"), new byte[] {2});
    assertThatThrownBy(() -> base(never).output(existing).patch(one))
        .isInstanceOf(ValidationException.class).hasMessageContaining("already exists");
    assertThatThrownBy(() -> base(never).output(tmp.resolve("no/such/dir/out.mov")).patch(one))
        .isInstanceOf(ValidationException.class).hasMessageContaining("directory does not exist");
    assertThatThrownBy(() -> base(never).patch(List.of()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("no changes");
    assertThatThrownBy(() -> base(never).patch(List.of(Change.of(239, 2))))
        .isInstanceOf(ValidationException.class);
    assertThat(Files.readAllBytes(master)).containsExactly(1);
  }

  @Test
  void needsASidecarAndARenderer() throws IOException {
    Path bare = Files.write(tmp.resolve("bare.mov"), new byte[] {0});
    assertThatThrownBy(() -> Patchwork.forMaster(bare).renderer(RENDERER).patch(List.of(Change.of(0, 1))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("adopt");
    assertThatThrownBy(() -> Patchwork.forMaster(master).patch(List.of(Change.of(0, 1))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("renderer");
  }

  @Test
  void cancellingTheAsyncPatchInterruptsTheEngine() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    var future = base(job -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
        throw new AssertionError("not interrupted");
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw new CancelledException("cancelled");
      }
    }).patchAsync(List.of(Change.of(100, 24)));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(future.cancel(true)).isTrue();
    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
  }
}
