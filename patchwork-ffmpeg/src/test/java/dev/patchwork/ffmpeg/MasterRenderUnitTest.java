package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkTask;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arithmetic of a chunked render, without ffmpeg. */
class MasterRenderUnitTest {

  @Test
  void defaultGopIsAboutTwoSeconds() {
    assertThat(MasterRender.defaultGop(FrameRate.FPS_25)).isEqualTo(50);
    assertThat(MasterRender.defaultGop(FrameRate.FPS_23_976)).isEqualTo(48);
    assertThat(MasterRender.defaultGop(FrameRate.FPS_29_97)).isEqualTo(60);
    assertThat(MasterRender.defaultGop(FrameRate.FPS_59_94)).isEqualTo(120);
    assertThat(MasterRender.defaultGop(FrameRate.of(1, 3))).isEqualTo(1);
  }

  @Test
  void concatDurationsAddUpToTheExactTimeOfEveryChunkEdge() {
    FrameRate rate = FrameRate.FPS_23_976;
    ChunkJob job = job(ChunkPlan.ofTargetFrames(10_007, 48, 480), rate);
    String list = FfmpegChunkRenderer.concatList(job);
    List<String> lines = list.lines().toList();
    assertThat(lines.get(0)).isEqualTo("ffconcat version 1.0");
    BigDecimal sum = BigDecimal.ZERO;
    int chunk = 0;
    for (String line : lines) {
      if (!line.startsWith("duration ")) continue;
      sum = sum.add(new BigDecimal(line.substring(9)));
      ChunkTask t = job.videoTasks().get(chunk++);
      // the exact edge time, independently: frames · 1001 / 24000 s, to the nearest microsecond
      BigDecimal exact = BigDecimal.valueOf((t.firstFrame() + t.frameCount()) * 1001L).divide(BigDecimal.valueOf(24000), 12, RoundingMode.HALF_EVEN);
      assertThat(sum.subtract(exact).abs()).isLessThanOrEqualTo(new BigDecimal("0.0000005"));
    }
    assertThat(chunk).isEqualTo(job.videoTasks().size());
  }

  @Test
  void concatQuotesPathsWithQuotesAndSpaces() {
    assertThat(ConcatScript.quote("/a b/it's.mov")).isEqualTo("'/a b/it'\\''s.mov'");
  }

  @Test
  void microsRoundHalfUp() {
    assertThat(FfmpegChunkRenderer.micros(1, FrameRate.of(3))).isEqualTo(333_333);
    assertThat(FfmpegChunkRenderer.micros(2, FrameRate.of(3))).isEqualTo(666_667);
    assertThat(FfmpegChunkRenderer.micros(25, FrameRate.FPS_25)).isEqualTo(1_000_000);
  }

  private static ChunkJob job(ChunkPlan plan, FrameRate rate) {
    List<ChunkTask> tasks = new ArrayList<>();
    for (FrameRange r : plan.chunks()) tasks.add(ChunkTask.video(tasks.size(), r, "/w/chunk " + tasks.size() + ".mov", List.of(), "mov"));
    return ChunkJob.create(ChunkJob.idFor(Path.of("/o.mov")), "/s.mov", "", "/o.mov", "/w", rate, plan.frameCount(), plan.gop(), false, null,
        tasks, List.of(), "mov", Duration.ofMinutes(1));
  }
}
