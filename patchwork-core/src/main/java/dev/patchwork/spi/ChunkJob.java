package dev.patchwork.spi;

import dev.patchwork.internal.chunk.ChunkJson;
import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A first render split into independently renderable tasks: GOP-aligned video chunks (a {@link ChunkPlan}) and, when
 * there is audio, one audio task; then an assembly that splices them into the deliverable. Plain data, serialisable as
 * JSON ({@link #toJson()}, {@link #fromJson}), so that a worker on another machine can render any task of it; paths are
 * on storage every worker sees at the same place.
 *
 * <p>A job is identified by its output ({@link #idFor}); its {@link #fingerprint} names what it renders (source file,
 * settings, chunking), so that a rerun can tell whether existing chunk files belong to it.
 *
 * @param id               the job's identity: {@link #idFor} of the output
 * @param fingerprint      SHA-256 (hex) of everything that defines the result; see {@link #create}
 * @param source           the source media file
 * @param sourceStamp      the source's size and modification time when the job was made: a changed source is a new job
 * @param output           the deliverable to write
 * @param workDirectory    where the tasks' outputs go until the assembly
 * @param frameRate        the constant frame rate, as {@code "25/1"} or {@code "24000/1001"}
 * @param frameCount       frames in the output
 * @param gop              the fixed GOP length in frames (1 for intra-only codecs)
 * @param intraOnly        true if every frame is a key frame (ProRes, DNxHR)
 * @param startTimecode    the output's start timecode ({@code "01:00:00:00"}), or {@code null} if it has none
 * @param tasks            the video chunks in frame order, indexes {@code 0..n-1}, then the audio task if any
 * @param assembly         the renderer's arguments for the splice after the concatenated video (input 0): further inputs,
 *                         stream maps and output options
 * @param format           the output's container as the renderer names it ({@code mp4}, {@code mov}, {@code mxf})
 * @param timeLimitSeconds how long one task may run before it is stopped and retried
 */
public record ChunkJob(
    String id, String fingerprint, String source, String sourceStamp, String output, String workDirectory, String frameRate,
    long frameCount, int gop, boolean intraOnly, String startTimecode, List<ChunkTask> tasks, List<String> assembly,
    String format, long timeLimitSeconds) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ChunkJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sourceStamp, "sourceStamp");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(workDirectory, "workDirectory");
    Objects.requireNonNull(frameRate, "frameRate");
    Objects.requireNonNull(format, "format");
    tasks = List.copyOf(tasks);
    assembly = List.copyOf(assembly);
    if (!ID.matcher(id).matches()) throw new IllegalArgumentException("not a job id (letters, digits, '_', '.', '-'): '" + id + "'");
    if (!fingerprint.isEmpty() && !SHA256.matcher(fingerprint).matches()) {
      throw new IllegalArgumentException("fingerprint is not 64 lowercase hex digits: '" + fingerprint + "'");
    }
    if (source.isBlank() || output.isBlank() || workDirectory.isBlank()) throw new IllegalArgumentException("source, output and workDirectory must be set");
    FrameRate rate = FrameRate.parse(frameRate);
    if (startTimecode != null) Timecode.parse(startTimecode, rate);
    if (timeLimitSeconds <= 0) throw new IllegalArgumentException("timeLimitSeconds must be positive: " + timeLimitSeconds);
    if (intraOnly && gop != 1) throw new IllegalArgumentException("an intra-only job has a GOP of 1, not " + gop);
    List<FrameRange> chunks = new ArrayList<>();
    Set<String> outputs = new HashSet<>();
    boolean audio = false;
    for (int i = 0; i < tasks.size(); i++) {
      ChunkTask t = tasks.get(i);
      if (t.index() != i) throw new IllegalArgumentException("task " + i + " has index " + t.index());
      if (!outputs.add(t.output())) throw new IllegalArgumentException("two tasks write " + t.output());
      if (t.kind() == ChunkTask.Kind.VIDEO) {
        if (audio) throw new IllegalArgumentException("video task " + i + " follows the audio task; audio comes last");
        chunks.add(t.range());
      } else {
        if (audio) throw new IllegalArgumentException("a job has at most one audio task");
        if (t.frameCount() != frameCount) {
          throw new IllegalArgumentException("the audio task covers " + t.frameCount() + " frames, the job " + frameCount);
        }
        audio = true;
      }
    }
    // contiguous, GOP-aligned video chunks covering every frame: exactly what a chunk plan is
    new ChunkPlan(frameCount, gop, chunks);
  }

  /**
   * A job whose {@link #fingerprint} is computed here: the SHA-256 of its JSON with the fingerprint empty and the time
   * limit left out (changing the limit does not change the result).
   */
  public static ChunkJob create(String id, String source, String sourceStamp, String output, String workDirectory, FrameRate rate,
      long frameCount, int gop, boolean intraOnly, Timecode startTimecode, List<ChunkTask> tasks, List<String> assembly, String format,
      Duration timeLimit) {
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(timeLimit, "timeLimit");
    ChunkJob unsigned = new ChunkJob(id, "", source, sourceStamp, output, workDirectory, rate.toString(), frameCount, gop, intraOnly,
        startTimecode == null ? null : startTimecode.toString(), tasks, assembly, format, seconds(timeLimit));
    return unsigned.withFingerprint(unsigned.computeFingerprint());
  }

  /** The fingerprint this job's content gives (equal to {@link #fingerprint} unless the job was altered). */
  public String computeFingerprint() {
    String json = withFingerprint("").withTimeLimitSeconds(1).toJson();
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** This job with another time limit per task (same fingerprint). */
  public ChunkJob withTimeLimit(Duration limit) {
    Objects.requireNonNull(limit, "limit");
    return withTimeLimitSeconds(seconds(limit));
  }

  private ChunkJob withTimeLimitSeconds(long s) {
    return new ChunkJob(id, fingerprint, source, sourceStamp, output, workDirectory, frameRate, frameCount, gop, intraOnly, startTimecode,
        tasks, assembly, format, s);
  }

  private ChunkJob withFingerprint(String f) {
    return new ChunkJob(id, f, source, sourceStamp, output, workDirectory, frameRate, frameCount, gop, intraOnly, startTimecode, tasks,
        assembly, format, timeLimitSeconds);
  }

  /**
   * The identity of the job that writes {@code output}: the first 16 hex digits of the SHA-256 of its absolute, normalised
   * path. Running the same render again finds the same job.
   */
  public static String idFor(Path output) {
    Objects.requireNonNull(output, "output");
    String path = output.toAbsolutePath().normalize().toString();
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** {@link #frameRate} as a rate. */
  public FrameRate rate() {
    return FrameRate.parse(frameRate);
  }

  /** {@link #startTimecode} at the job's rate, if any. */
  public Optional<Timecode> timecode() {
    return startTimecode == null ? Optional.empty() : Optional.of(Timecode.parse(startTimecode, rate()));
  }

  /** The time limit per task. */
  public Duration timeLimit() {
    return Duration.ofSeconds(timeLimitSeconds);
  }

  /** The video chunks, in frame order. */
  public List<ChunkTask> videoTasks() {
    return tasks.stream().filter(t -> t.kind() == ChunkTask.Kind.VIDEO).toList();
  }

  /** The audio task, if the output has audio that is rendered separately. */
  public Optional<ChunkTask> audioTask() {
    return tasks.stream().filter(t -> t.kind() == ChunkTask.Kind.AUDIO).findFirst();
  }

  /** The task at {@code index}. */
  public ChunkTask task(int index) {
    if (index < 0 || index >= tasks.size()) throw new IllegalArgumentException("job " + id + " has no task " + index);
    return tasks.get(index);
  }

  /** The video chunks as a chunk plan. */
  public ChunkPlan plan() {
    return new ChunkPlan(frameCount, gop, videoTasks().stream().map(ChunkTask::range).toList());
  }

  /** This job as JSON (one line, fields in declaration order). */
  public String toJson() {
    return ChunkJson.write(this);
  }

  /**
   * Reads a job written by {@link #toJson()}.
   *
   * @throws dev.patchwork.ValidationException naming {@code where} if the text is not such a job
   */
  public static ChunkJob fromJson(String json, String where) {
    return ChunkJson.read(json, where);
  }

  private static long seconds(Duration d) {
    long s = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
    if (s <= 0) throw new IllegalArgumentException("time limit must be positive: " + d);
    return s;
  }
}
