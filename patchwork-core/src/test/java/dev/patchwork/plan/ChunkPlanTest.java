package dev.patchwork.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkPlanTest {

  private static void assertWellFormed(ChunkPlan plan, long frameCount, int gop) {
    assertThat(plan.frameCount()).isEqualTo(frameCount);
    assertThat(plan.gop()).isEqualTo(gop);
    long next = 0;
    long minGops = Long.MAX_VALUE;
    long maxGops = 0;
    for (FrameRange c : plan.chunks()) {
      assertThat(c.start()).as("contiguous").isEqualTo(next);
      assertThat(c.start() % gop).as("chunk %s starts on a GOP boundary", c).isZero();
      assertThat(c.isEmpty()).isFalse();
      long gops = (c.frames() + gop - 1) / gop;
      minGops = Math.min(minGops, gops);
      maxGops = Math.max(maxGops, gops);
      next = c.endExclusive();
    }
    assertThat(next).as("covers the render").isEqualTo(frameCount);
    assertThat(maxGops - minGops).as("balanced to one GOP").isLessThanOrEqualTo(1);
    long minFrames = plan.chunks().stream().mapToLong(FrameRange::frames).min().orElseThrow();
    long maxFrames = plan.chunks().stream().mapToLong(FrameRange::frames).max().orElseThrow();
    assertThat(maxFrames - minFrames).as("chunk frame counts differ by at most one GOP").isLessThanOrEqualTo(gop);
    if (plan.chunks().size() > 1) {
      for (int i = 0; i < plan.chunks().size() - 1; i++) {
        assertThat(plan.chunks().get(i).frames()).as("every chunk but the last holds whole GOPs").isGreaterThanOrEqualTo(gop);
      }
    }
  }

  @Test
  void exactMultiplesSplitEvenly() {
    // 25 fps, one-second GOPs, 40 s, chunks of 10 s → four chunks of 250 frames
    ChunkPlan plan = ChunkPlan.of(1000, FrameRate.FPS_25, 25, Duration.ofSeconds(10));
    assertThat(plan.chunks()).containsExactly(
        FrameRange.of(0, 250), FrameRange.of(250, 500), FrameRange.of(500, 750), FrameRange.of(750, 1000));
    assertWellFormed(plan, 1000, 25);
  }

  @Test
  void unevenSplitsPutTheLargerChunksLast() {
    // 10 GOPs of 10 frames, target 3 GOPs → round(10/3) = 3 chunks of 3, 3, 4 GOPs
    ChunkPlan plan = ChunkPlan.ofTargetFrames(100, 10, 30);
    assertThat(plan.chunks()).containsExactly(FrameRange.of(0, 30), FrameRange.of(30, 60), FrameRange.of(60, 100));
    // a partial last GOP: 95 frames are still 10 GOPs, the last chunk is 35 frames
    assertThat(ChunkPlan.ofTargetFrames(95, 10, 30).chunks())
        .containsExactly(FrameRange.of(0, 30), FrameRange.of(30, 60), FrameRange.of(60, 95));
  }

  @Test
  void ntscRatesUseExactFrameCounts() {
    // 10 s at 24000/1001 is 239.76 frames → 239, about 10 GOPs of 24; 2400 frames are 100 GOPs → 10 chunks
    ChunkPlan plan = ChunkPlan.of(2400, FrameRate.FPS_23_976, 24, Duration.ofSeconds(10));
    assertThat(plan.chunks()).hasSize(10).allSatisfy(c -> assertThat(c.frames()).isEqualTo(240));
    // sub-second targets: 500 ms at 50 fps is 25 frames
    assertThat(ChunkPlan.of(100, FrameRate.FPS_50, 5, Duration.ofMillis(500)).chunks()).hasSize(4);
  }

  @Test
  void tinyInputs() {
    assertThat(ChunkPlan.ofTargetFrames(7, 24, 240).chunks()).containsExactly(FrameRange.of(0, 7));
    assertThat(ChunkPlan.ofTargetFrames(1, 1, 1).chunks()).containsExactly(FrameRange.of(0, 1));
    assertThat(ChunkPlan.ofTargetFrames(24, 24, 1).chunks()).containsExactly(FrameRange.of(0, 24));
    assertThat(ChunkPlan.ofTargetFrames(25, 24, 1).chunks()).containsExactly(FrameRange.of(0, 24), FrameRange.of(24, 25));
    // a target below one GOP still gives whole GOPs
    assertThat(ChunkPlan.ofTargetFrames(96, 24, 5).chunks()).hasSize(4);
    // a target far beyond the render gives one chunk
    assertThat(ChunkPlan.of(1000, FrameRate.FPS_25, 25, Duration.ofDays(3_650_000)).chunks()).containsExactly(FrameRange.of(0, 1000));
  }

  @Test
  void randomInputsAreAlignedBalancedAndNearTheTarget() {
    Random r = new Random(11);
    for (int i = 0; i < 3_000; i++) {
      long frameCount = 1 + r.nextInt(r.nextBoolean() ? 100 : 200_000);
      int gop = 1 + r.nextInt(120);
      long target = 1 + r.nextInt(20_000);
      ChunkPlan plan = ChunkPlan.ofTargetFrames(frameCount, gop, target);
      String what = "frames " + frameCount + ", gop " + gop + ", target " + target;
      try {
        assertWellFormed(plan, frameCount, gop);
        long gops = (frameCount + gop - 1) / gop;
        long targetGops = Math.max(1, (target + gop / 2) / gop); // an independent rounding: ties differ only for odd gop
        long n = plan.chunks().size();
        // the count is G / T rounded one way or the other
        assertThat(n).isBetween(Math.max(1, gops / (targetGops + 1)), Math.max(1, gops / Math.max(1, targetGops - 1) + 1));
        assertThat(n).isLessThanOrEqualTo(gops);
      } catch (AssertionError e) {
        throw new AssertionError(what, e);
      }
    }
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> ChunkPlan.ofTargetFrames(0, 24, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkPlan.ofTargetFrames(10, 0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkPlan.ofTargetFrames(10, 24, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkPlan.of(10, FrameRate.FPS_25, 24, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChunkPlan.of(10, FrameRate.FPS_25, 24, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    // the record checks its shape
    assertThatThrownBy(() -> new ChunkPlan(100, 10, List.of(FrameRange.of(0, 55), FrameRange.of(55, 100))))
        .hasMessageContaining("GOP boundary");
    assertThatThrownBy(() -> new ChunkPlan(100, 10, List.of(FrameRange.of(0, 50), FrameRange.of(60, 100))))
        .hasMessageContaining("contiguous");
    assertThatThrownBy(() -> new ChunkPlan(100, 10, List.of(FrameRange.of(0, 50)))).hasMessageContaining("not at frameCount");
  }
}
