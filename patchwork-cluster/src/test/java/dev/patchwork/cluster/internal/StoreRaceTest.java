package dev.patchwork.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.cluster.ClusterConfig;
import dev.patchwork.cluster.JobState;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkTask;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.FrameRange;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two workers finishing a job's last two tasks at the same moment: exactly one of them schedules the splice. (Found
 * on a loaded CI machine: each transaction counted the other's task as unfinished, and the job never spliced.)
 */
class StoreRaceTest {

  static EmbeddedPostgres pg;

  @BeforeAll
  static void startPostgres() throws IOException {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (pg != null) pg.close();
  }

  @Test
  void theLastTwoTasksFinishingTogetherScheduleOneSplice() throws Exception {
    Store store = new Store(ClusterConfig.of(pg.getJdbcUrl("postgres", "postgres"), Map.of(), null).withTablePrefix("race_"));
    store.ensureSchema();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 40; round++) {
        ChunkJob job = job("/renders/race " + round + ".mov");
        assertThat(store.submit(job, new boolean[] {true, true, false, false}, false)).isEqualTo(Store.Submitted.NEW);
        CyclicBarrier together = new CyclicBarrier(2);
        List<Future<Boolean>> done = new ArrayList<>();
        for (int task : new int[] {2, 3}) {
          done.add(pool.submit(() -> {
            together.await();
            return store.taskDone(job.id(), task, "w" + task, Duration.ofMillis(5));
          }));
        }
        int scheduled = 0;
        for (Future<Boolean> f : done) scheduled += f.get() ? 1 : 0;
        assertThat(scheduled).as("round %d: callers that scheduled the splice", round).isEqualTo(1);
        assertThat(store.status(job.id()).orElseThrow().state()).as("round %d", round).isEqualTo(JobState.SPLICING);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static ChunkJob job(String output) {
    List<ChunkTask> tasks = new ArrayList<>();
    for (int i = 0; i < 3; i++) tasks.add(ChunkTask.video(i, FrameRange.of(25L * i, 25L * i + 25), output + ".chunk-" + i, List.of(), "txt"));
    tasks.add(ChunkTask.audio(3, 75, output + ".audio", List.of(), "txt"));
    return ChunkJob.create(ChunkJob.idFor(java.nio.file.Path.of(output)), "/nowhere/source.mov", "size=1", output, output + ".chunks",
        FrameRate.FPS_25, 75, 25, false, null, tasks, List.of(), "txt", Duration.ofMinutes(1));
  }
}
