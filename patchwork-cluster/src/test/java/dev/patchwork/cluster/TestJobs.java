package dev.patchwork.cluster;

import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkTask;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Chunk jobs for scheduling tests. */
final class TestJobs {

  private TestJobs() {}

  /** {@code chunks} video chunks of 50 frames (GOP 25) plus audio, writing {@code output}. */
  static ChunkJob job(Path output, int chunks, String setting) {
    ChunkPlan plan = ChunkPlan.ofTargetFrames(50L * chunks, 25, 50);
    Path work = output.resolveSibling("." + output.getFileName() + ".chunks");
    List<ChunkTask> tasks = new ArrayList<>();
    for (FrameRange r : plan.chunks()) {
      tasks.add(ChunkTask.video(tasks.size(), r, work.resolve("chunk-" + tasks.size() + ".txt").toString(), List.of(setting), "txt"));
    }
    tasks.add(ChunkTask.audio(tasks.size(), plan.frameCount(), work.resolve("audio.txt").toString(), List.of(setting), "txt"));
    return ChunkJob.create(ChunkJob.idFor(output), "/nowhere/source.mov", "size=1", output.toString(), work.toString(), FrameRate.FPS_25,
        plan.frameCount(), 25, false, null, tasks, List.of(), "txt", Duration.ofMinutes(1));
  }
}
