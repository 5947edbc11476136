package dev.patchwork.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.ValidationException;
import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkJobTest {

  private static final FrameRate RATE = FrameRate.FPS_25;

  /** A job of {@code frames} frames in chunks of about {@code target} frames, GOP 50, with audio. */
  private static ChunkJob job(long frames, long target, List<String> extraArgs, Duration limit) {
    ChunkPlan plan = ChunkPlan.ofTargetFrames(frames, 50, target);
    List<ChunkTask> tasks = new ArrayList<>();
    for (FrameRange r : plan.chunks()) {
      List<String> args = new ArrayList<>(List.of("-ss", Long.toString(r.start()), "-i", "/m/src.mov", "-c:v", "libx264"));
      args.addAll(extraArgs);
      tasks.add(ChunkTask.video(tasks.size(), r, "/m/work/chunk-" + tasks.size() + ".mov", args, "mov"));
    }
    tasks.add(ChunkTask.audio(tasks.size(), frames, "/m/work/audio.mov", List.of("-i", "/m/src.mov", "-c:a", "aac"), "mov"));
    return ChunkJob.create(ChunkJob.idFor(Path.of("/m/out.mp4")), "/m/src.mov", "size=1;modified=2", "/m/out.mp4", "/m/work", RATE,
        frames, 50, false, Timecode.parse("01:00:00:00", RATE), tasks, List.of("-i", "/m/work/audio.mov", "-map", "0:v", "-map", "1:a"),
        "mp4", limit);
  }

  @Test
  void jsonRoundTripGivesAnEqualJob() throws Exception {
    ChunkJob job = job(1000, 200, List.of(), Duration.ofMinutes(5));
    String json = job.toJson();
    ChunkJob back = ChunkJob.fromJson(json, "db");
    assertThat(back).isEqualTo(job);
    // the JSON holds the record components and nothing else (independent reading of the text)
    JsonNode tree = new ObjectMapper().readTree(json);
    List<String> names = new ArrayList<>();
    tree.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("id", "fingerprint", "source", "sourceStamp", "output", "workDirectory", "frameRate",
        "frameCount", "gop", "intraOnly", "startTimecode", "tasks", "assembly", "format", "timeLimitSeconds");
    assertThat(tree.get("frameRate").asText()).isEqualTo("25/1");
    assertThat(tree.get("tasks").get(1).get("firstFrame").asLong()).isEqualTo(job.tasks().get(1).firstFrame());
  }

  @Test
  void tasksFollowTheChunkPlan() {
    ChunkJob job = job(1010, 200, List.of(), Duration.ofMinutes(5));
    assertThat(job.plan()).isEqualTo(ChunkPlan.ofTargetFrames(1010, 50, 200));
    assertThat(job.videoTasks()).hasSize(job.tasks().size() - 1);
    assertThat(job.audioTask()).get().extracting(ChunkTask::index).isEqualTo(job.tasks().size() - 1);
    assertThat(job.videoTasks().get(job.videoTasks().size() - 1).range().endExclusive()).isEqualTo(1010);
    assertThat(job.timecode()).contains(Timecode.parse("01:00:00:00", RATE));
    assertThat(job.timeLimit()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void fingerprintNamesTheResultButNotTheTimeLimit() {
    ChunkJob a = job(1000, 200, List.of(), Duration.ofMinutes(5));
    assertThat(a.fingerprint()).matches("[0-9a-f]{64}").isEqualTo(a.computeFingerprint());
    assertThat(job(1000, 200, List.of(), Duration.ofSeconds(7)).fingerprint()).isEqualTo(a.fingerprint());
    assertThat(a.withTimeLimit(Duration.ofSeconds(3)).fingerprint()).isEqualTo(a.fingerprint());
    assertThat(job(1000, 200, List.of("-crf", "20"), Duration.ofMinutes(5)).fingerprint()).isNotEqualTo(a.fingerprint());
    assertThat(job(1000, 300, List.of(), Duration.ofMinutes(5)).fingerprint()).isNotEqualTo(a.fingerprint());
  }

  @Test
  void idIsTheOutputsAndStable() {
    assertThat(ChunkJob.idFor(Path.of("/m/out.mp4"))).matches("[0-9a-f]{16}")
        .isEqualTo(ChunkJob.idFor(Path.of("/m/./x/../out.mp4")))
        .isNotEqualTo(ChunkJob.idFor(Path.of("/m/out2.mp4")));
  }

  @Test
  void refusesTasksThatDoNotFormAPlan() {
    ChunkJob ok = job(1000, 200, List.of(), Duration.ofMinutes(5));
    List<ChunkTask> gap = new ArrayList<>(ok.tasks());
    gap.remove(1);
    List<ChunkTask> renumbered = new ArrayList<>();
    for (ChunkTask t : gap) renumbered.add(new ChunkTask(renumbered.size(), t.kind(), t.firstFrame(), t.frameCount(), t.output(), t.arguments(), t.format()));
    assertThatThrownBy(() -> copyWith(ok, renumbered)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous");

    List<ChunkTask> audioFirst = new ArrayList<>();
    audioFirst.add(new ChunkTask(0, ChunkTask.Kind.AUDIO, 0, 1000, "/m/a.mov", List.of(), "mov"));
    for (ChunkTask t : ok.videoTasks()) audioFirst.add(new ChunkTask(audioFirst.size(), t.kind(), t.firstFrame(), t.frameCount(), t.output(), t.arguments(), t.format()));
    assertThatThrownBy(() -> copyWith(ok, audioFirst)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("audio comes last");

    List<ChunkTask> misaligned = List.of(ChunkTask.video(0, FrameRange.of(0, 60), "/m/0.mov", List.of(), "mov"),
        ChunkTask.video(1, FrameRange.of(60, 1000), "/m/1.mov", List.of(), "mov"));
    assertThatThrownBy(() -> copyWith(ok, misaligned)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GOP boundary");

    List<ChunkTask> sameOutput = List.of(ChunkTask.video(0, FrameRange.of(0, 500), "/m/0.mov", List.of(), "mov"),
        ChunkTask.video(1, FrameRange.of(500, 1000), "/m/0.mov", List.of(), "mov"));
    assertThatThrownBy(() -> copyWith(ok, sameOutput)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two tasks write");
  }

  @Test
  void refusesJsonThatIsNotAJob() {
    assertThatThrownBy(() -> ChunkJob.fromJson("{\"id\":\"x\"}", "patchwork_jobs.spec"))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems().get(0).where()).isEqualTo("patchwork_jobs.spec"));
    String json = job(1000, 200, List.of(), Duration.ofMinutes(5)).toJson();
    assertThatThrownBy(() -> ChunkJob.fromJson(json.replace("\"gop\":50", "\"gop\":50,\"extra\":1"), "db"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("extra");
    assertThatThrownBy(() -> ChunkJob.fromJson(json.replace("\"frameRate\":\"25/1\"", "\"frameRate\":\"fast\""), "db"))
        .isInstanceOf(ValidationException.class).hasMessageContaining("not a frame rate");
  }

  private static ChunkJob copyWith(ChunkJob j, List<ChunkTask> tasks) {
    return new ChunkJob(j.id(), j.fingerprint(), j.source(), j.sourceStamp(), j.output(), j.workDirectory(), j.frameRate(), j.frameCount(),
        j.gop(), j.intraOnly(), j.startTimecode(), tasks, j.assembly(), j.format(), j.timeLimitSeconds());
  }
}
