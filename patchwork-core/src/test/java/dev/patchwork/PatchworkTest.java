package dev.patchwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.change.Change;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.spi.MediaProber;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchworkTest {

  @TempDir Path tmp;

  private Path masterWithSidecar() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("a dir with spaces/Été"));
    Path master = dir.resolve("Feature Master v3.mov");
    Files.write(master, new byte[] {1, 2, 3});
    try (InputStream in = getClass().getResourceAsStream("/dev/patchwork/sidecar/example.patchwork.toml")) {
      Files.copy(in, dir.resolve("Feature Master v3.mov.patchwork.toml"));
    }
    return master;
  }

  @Test
  void buildersAreImmutableAndEachSetterReturnsANewInstance() {
    Patchwork base = Patchwork.forMaster(tmp.resolve("m.mov"));
    Patchwork withHandles = base.handles(3);
    assertThat(withHandles).isNotSameAs(base);
    assertThat(base.options().handles()).isZero();
    assertThat(withHandles.options().handles()).isEqualTo(3);
    assertThat(withHandles.mergeGap(5).options().handles()).isEqualTo(3);
    assertThat(base.sidecar()).isEqualTo(tmp.resolve("m.mov.patchwork.toml").toAbsolutePath());
    assertThat(base.withSidecar(tmp.resolve("other.toml")).sidecar()).isEqualTo(tmp.resolve("other.toml").toAbsolutePath());
    assertThat(base.renderer()).isEmpty();
  }

  @Test
  void settersValidateEagerly() {
    Patchwork p = Patchwork.forMaster(tmp.resolve("m.mov"));
    assertThatThrownBy(() -> p.handles(-1)).isInstanceOf(IllegalArgumentException.class).hasMessage("handles < 0: -1");
    assertThatThrownBy(() -> p.mergeGap(-2)).hasMessage("mergeGap < 0: -2");
    assertThatThrownBy(() -> p.minimumSegment(-3)).hasMessage("minimumSegment < 0: -3");
    assertThatThrownBy(() -> p.withSidecar(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Patchwork.forMaster(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void plansFromTheSidecarWithoutProbing() throws IOException {
    Path master = masterWithSidecar();
    // The fixture's points: 0 (closed) and 48, 96, 144, 192, each with 2 leading pictures.
    // A change in frames 100-123 starts rendering at 96 - 2 = 94 and keeps again from the point 144.
    PatchPlan plan = Patchwork.forMaster(master)
        .prober(m -> { throw new AssertionError("must not probe when a sidecar exists"); })
        .plan(List.of(Change.of(100, 24)));
    assertThat(plan.segments()).containsExactly(Segment.keep(0, 94), Segment.render(94, 50), Segment.keep(144, 96));
  }

  @Test
  void changeContextComesFromTheSidecar() throws IOException {
    Path master = masterWithSidecar();
    var ctx = Patchwork.forMaster(master).changeContext();
    assertThat(ctx.rate()).isEqualTo(FrameRate.FPS_23_976);
    assertThat(ctx.startTimecode()).hasToString("01:00:00:00");
    assertThat(ctx.frameCount()).isEqualTo(240);
  }

  @Test
  void probesWhenThereIsNoSidecarAndTellsTheListener() throws IOException {
    Path master = Files.write(tmp.resolve("bare.mkv"), new byte[] {0});
    AtomicInteger probes = new AtomicInteger();
    MediaProber prober = m -> {
      probes.incrementAndGet();
      assertThat(m).isEqualTo(master.toAbsolutePath());
      return MasterFacts.intra(100, FrameRate.FPS_25, Timecode.zero(FrameRate.FPS_25, false));
    };
    List<PatchPlan> seen = new ArrayList<>();
    PatchPlan plan = Patchwork.forMaster(master).prober(prober).handles(1)
        .listener(new PatchListener() {
          @Override
          public void planned(PatchPlan p) {
            seen.add(p);
            throw new IllegalStateException("a throwing listener must not fail the job");
          }
        })
        .plan(List.of(Change.of(10, 5)));
    assertThat(probes).hasValue(1);
    assertThat(plan.segments()).containsExactly(Segment.keep(0, 9), Segment.render(9, 7), Segment.keep(16, 84));
    assertThat(seen).containsExactly(plan);
  }

  @Test
  void missingMasterOrSidecarIsAValidationError() throws IOException {
    assertThatThrownBy(() -> Patchwork.forMaster(tmp.resolve("nope.mov")).plan(List.of()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("no such master file");
    Path master = Files.write(tmp.resolve("m.mov"), new byte[] {0});
    assertThatThrownBy(() -> Patchwork.forMaster(master).withSidecar(tmp.resolve("missing.toml")).plan(List.of()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("no such sidecar file");
  }

  @Test
  void changesOutsideTheMasterAreRejected() throws IOException {
    Path master = masterWithSidecar();
    assertThatThrownBy(() -> Patchwork.forMaster(master).plan(List.of(Change.of(230, 20))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("240");
  }

  @Test
  void withoutSidecarOrProberItSaysWhatToAdd() throws IOException {
    Path master = Files.write(tmp.resolve("bare.mov"), new byte[] {0});
    assertThatThrownBy(() -> Patchwork.forMaster(master).plan(List.of()))
        .isInstanceOf(ToolNotFoundException.class).hasMessageContaining("patchwork-ffmpeg");
  }
}
