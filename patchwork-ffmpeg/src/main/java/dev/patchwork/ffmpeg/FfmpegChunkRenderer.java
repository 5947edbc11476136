package dev.patchwork.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import dev.patchwork.ffmpeg.internal.FileTrees;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkTask;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg {@link ChunkRenderer} of a {@link MasterRender} job.
 *
 * <ul>
 *   <li><b>A task</b> runs {@code ffmpeg <task arguments> -metadata comment=<tag> -f mov <temp>}, with a time limit after
 *       which ffmpeg (and anything it started) is stopped. The result is checked — a video chunk's frame count and frame
 *       rate, and that its key frames are exactly at its GOP boundaries, each a closed random-access point; the audio's
 *       stream — and renamed into place. The {@code comment} tag names the job's fingerprint and the task, so a file
 *       from another job or setting is never taken for a finished chunk.
 *   <li><b>Complete</b> means: the file exists, carries this job's tag, and its header lists the task's frame count. Only
 *       checked files are ever renamed into place, so that is enough.
 *   <li><b>The assembly</b> writes an ffconcat list of the chunks (each with its exact {@code duration}, rounded
 *       cumulatively to microseconds), splices it with {@code -f concat -auto_convert 0} and the job's assembly arguments
 *       (audio, stream copy, timecode) into a temporary file beside the output, verifies it — frame count, constant frame
 *       rate, start timecode, a closed key frame exactly at every GOP boundary (or every frame intra), the stream
 *       parameters of the chunks, audio present, a full decode without a single error — builds its sidecar with
 *       {@link FfmpegAdopter}, renames it into place, writes the sidecar and removes the work directory.
 * </ul>
 *
 * Thread-safe.
 */
public final class FfmpegChunkRenderer implements ChunkRenderer {

  private static final Logger log = LoggerFactory.getLogger(FfmpegChunkRenderer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TAG = "patchwork-chunk";
  private static final List<String> COMPARED = List.of("codec_name", "profile", "pix_fmt", "width", "height", "level",
      "sample_aspect_ratio", "field_order");

  private final FfmpegTools tools;
  private final FfprobeProber prober;

  public FfmpegChunkRenderer(FfmpegTools tools) {
    this.tools = Objects.requireNonNull(tools, "tools");
    this.prober = new FfprobeProber(tools);
  }

  @Override
  public String name() {
    return "ffmpeg";
  }

  /** The {@code comment} a task's output carries: the job's fingerprint and the task index. */
  static String tag(ChunkJob job, ChunkTask task) {
    return TAG + " " + job.fingerprint() + " " + task.index();
  }

  @Override
  public boolean isComplete(ChunkJob job, ChunkTask task) {
    Path out = Path.of(task.output());
    if (!Files.isRegularFile(out)) return false;
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-show_entries",
        "format_tags=comment:stream=codec_type,nb_frames", "-of", "json", out.toString());
    JsonNode root;
    try {
      root = JSON.readTree(ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout());
    } catch (ToolFailedException | IOException e) {
      log.debug("{} is not a complete chunk: {}", out, e.getMessage());
      return false;
    }
    if (!tag(job, task).equals(root.path("format").path("tags").path("comment").asText(""))) {
      log.debug("{} belongs to another job or setting", out);
      return false;
    }
    for (JsonNode s : root.path("streams")) {
      String type = s.path("codec_type").asText("");
      if (task.kind() == ChunkTask.Kind.AUDIO && type.equals("audio")) return true;
      if (task.kind() == ChunkTask.Kind.VIDEO && type.equals("video")) return s.path("nb_frames").asLong(-1) == task.frameCount();
    }
    return false;
  }

  @Override
  public void render(ChunkJob job, ChunkTask task, Duration timeLimit, PatchListener listener) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(timeLimit, "timeLimit");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    Path out = Path.of(task.output());
    Path temp = tempBeside(out);
    // stdin stays open (no -nostdin): a stop asks ffmpeg to quit with 'q' before it is destroyed
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostats", "-loglevel", "warning",
        "-progress", "pipe:1", "-y"));
    argv.addAll(task.arguments());
    argv.addAll(List.of("-metadata", "comment=" + tag(job, task), "-f", task.format(), temp.toString()));
    Segment segment = task.segment();
    boolean done = false;
    try {
      ProcessRunner.command(argv).environment(tools.environment()).timeout(timeLimit).onProgress(p -> {
        if (task.kind() == ChunkTask.Kind.VIDEO && p.frame() >= 0) l.progress(segment, Math.min(p.frame(), task.frameCount()), task.frameCount());
      }).run();
      if (task.kind() == ChunkTask.Kind.VIDEO) checkVideo(job, task, temp);
      else checkAudio(task, temp);
      move(temp, out, true);
      done = true;
    } finally {
      if (!done) deleteQuietly(temp);
    }
  }

  private void checkVideo(ChunkJob job, ChunkTask task, Path file) {
    String what = task.describe() + " of " + Path.of(job.output()).getFileName();
    MediaProbe probe;
    try {
      probe = prober.probeMedia(file);
    } catch (ValidationException | UnsupportedMasterException e) {
      throw new PatchworkException(what + " is not usable: " + e.getMessage(), e);
    }
    List<String> wrong = structure(job, probe, task.frameCount());
    if (!wrong.isEmpty()) throw new PatchworkException(what + " is not what was asked for: " + String.join("; ", wrong));
  }

  /** Differences between a probed video and what the job asks for: frames, rate, key frames (empty if none). */
  private static List<String> structure(ChunkJob job, MediaProbe probe, long frames) {
    List<String> wrong = new ArrayList<>();
    if (probe.frameCount() != frames) wrong.add(probe.frameCount() + " frames instead of " + frames);
    FrameRate rate = job.rate();
    if (!probe.frameRate().equals(rate)) wrong.add("frame rate " + probe.frameRate() + " instead of " + rate);
    if (job.intraOnly()) {
      if (!probe.intraOnly()) wrong.add("not every frame is a key frame");
      return wrong;
    }
    if (probe.intraOnly()) return wrong; // every frame a closed point: a GOP boundary anywhere
    List<Long> expected = new ArrayList<>();
    for (long f = 0; f < frames; f += job.gop()) expected.add(f);
    List<Long> actual = new ArrayList<>();
    for (AccessPoint p : probe.accessPoints()) {
      actual.add(p.frame());
      if (!p.isClosed() || !(p.kind() == AccessPoint.Kind.IDR || p.kind() == AccessPoint.Kind.CLOSED_GOP)) {
        wrong.add("the key frame at " + p.frame() + " is " + p.kind() + (p.isClosed() ? "" : " with leading pictures") + ", not a closed IDR");
      }
    }
    if (!actual.equals(expected)) {
      wrong.add("key frames at " + abbreviate(actual) + " instead of every " + job.gop() + " frames " + abbreviate(expected));
    }
    return wrong;
  }

  private void checkAudio(ChunkTask task, Path file) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0",
        file.toString());
    String out;
    try {
      out = ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    } catch (ToolFailedException e) {
      throw new PatchworkException("the rendered " + task.describe() + " cannot be read back: " + e.getMessage(), e);
    }
    if (!out.contains("audio")) throw new PatchworkException("the rendered " + task.describe() + " has no audio stream");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Assembly

  @Override
  public boolean isAssembled(ChunkJob job) {
    Path out = Path.of(job.output());
    return Files.isRegularFile(out) && Files.isRegularFile(SidecarPaths.defaultFor(out));
  }

  @Override
  public void assemble(ChunkJob job, PatchListener listener) {
    Objects.requireNonNull(job, "job");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    Path out = Path.of(job.output());
    Path sidecarPath = SidecarPaths.defaultFor(out);
    if (isAssembled(job)) {
      log.debug("{} is assembled already", out);
      removeWorkDirectory(job);
      return;
    }
    if (Files.exists(out)) {
      // a crash between publishing the output and writing its sidecar: finish the sidecar
      l.message("writing the sidecar of " + out.getFileName());
      MediaProbe probe = prober.probeMedia(out);
      verify(job, probe, l);
      Sidecars.write(sidecar(probe, out, l), sidecarPath);
      removeWorkDirectory(job);
      return;
    }
    List<String> missing = new ArrayList<>();
    for (ChunkTask t : job.tasks()) {
      if (!isComplete(job, t)) missing.add(t.describe());
    }
    if (!missing.isEmpty()) {
      throw new PatchworkException("cannot splice " + out.getFileName() + ": " + String.join(", ", missing)
          + (missing.size() == 1 ? " is" : " are") + " missing or incomplete; run the render again to redo "
          + (missing.size() == 1 ? "it" : "them"));
    }
    Path list = Path.of(job.workDirectory()).resolve("chunks.ffconcat");
    writeAtomically(list, concatList(job));
    Path temp = tempBeside(out);
    boolean done = false;
    try {
      List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostats", "-loglevel", "warning",
          "-progress", "pipe:1", "-y", "-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", list.toString()));
      argv.addAll(job.assembly());
      argv.addAll(List.of("-f", job.format(), temp.toString()));
      l.segmentStarted(null);
      ProcessRunner.command(argv).environment(tools.environment()).onProgress(p -> {
        if (p.frame() >= 0) l.progress(null, Math.min(p.frame(), job.frameCount()), job.frameCount());
      }).run();
      l.message("verifying " + out.getFileName());
      MediaProbe probe;
      try {
        probe = prober.probeMedia(temp);
      } catch (ValidationException | UnsupportedMasterException e) {
        throw new VerificationException("the spliced " + out.getFileName() + " cannot be read back", List.of(e.getMessage()));
      }
      verify(job, probe, l);
      Sidecar sidecar = sidecar(probe, out, l);
      publish(temp, out);
      done = true;
      Sidecars.write(sidecar, sidecarPath);
      l.segmentFinished(null);
    } finally {
      if (!done) deleteQuietly(temp);
    }
    removeWorkDirectory(job);
  }

  /** The checks a spliced output must pass before it is published. */
  private void verify(ChunkJob job, MediaProbe probe, PatchListener l) {
    List<String> findings = new ArrayList<>(structure(job, probe, job.frameCount()));
    job.timecode().ifPresent(tc -> {
      if (!probe.startTimecode().equals(tc)) findings.add("start timecode " + probe.startTimecode() + " instead of " + tc);
    });
    InputInfo spliced = InputInfo.probe(tools, probe.path(), false, "output");
    InputInfo first = InputInfo.probe(tools, Path.of(job.videoTasks().get(0).output()), false, "chunk 0");
    for (String f : COMPARED) {
      String a = first.video().field(f);
      String b = spliced.video().field(f);
      // the container may state what the chunks' MOV left unsaid (MXF states progressive); what both state must agree
      boolean optional = f.equals("field_order") || f.equals("sample_aspect_ratio") || f.equals("level");
      if (optional && (a.isEmpty() || b.isEmpty())) continue;
      if (!a.equals(b)) findings.add("video " + f + " " + (b.isEmpty() ? "(none)" : b) + " instead of the chunks' " + (a.isEmpty() ? "(none)" : a));
    }
    boolean audioExpected = job.assembly().contains("-i");
    if (audioExpected && spliced.audio().isEmpty()) findings.add("no audio stream");
    if (!findings.isEmpty()) throw new VerificationException("the spliced " + Path.of(job.output()).getFileName() + " is wrong", findings);

    l.message("decoding " + Path.of(job.output()).getFileName() + " to check it");
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    List<String> argv = List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-i", probe.path().toString(),
        "-map", "0:v:0", "-map", "0:a?", "-enc_time_base", "-1", "-f", "null", "-"); // see MasterVerifier: the null muxer's time base
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).onStderrLine(line -> {
      if (!line.isBlank() && errors.size() < 20) errors.add(line.strip());
    }).run();
    if (!errors.isEmpty()) throw new VerificationException("the spliced " + Path.of(job.output()).getFileName() + " does not decode cleanly", errors);
  }

  /** The output's sidecar (named after the final file, not the temporary one it was built from). */
  private Sidecar sidecar(MediaProbe probe, Path out, PatchListener l) {
    Sidecar s = new FfmpegAdopter(prober).describe(probe, l).sidecar();
    MasterInfo m = s.master();
    MasterInfo named = new MasterInfo(out.getFileName().toString(), m.size(), m.sha256(), m.container(), m.frameCount(), m.frameRate(),
        m.startTimecode());
    return new Sidecar(named, s.video(), s.audio(), s.encoder(), s.origin(), s.content(), s.history());
  }

  /**
   * The ffconcat list: every video chunk in order with its exact duration in microseconds, rounded cumulatively from
   * frame 0 so the error never grows past half a microsecond.
   */
  static String concatList(ChunkJob job) {
    FrameRate rate = job.rate();
    ConcatScript script = new ConcatScript();
    for (ChunkTask t : job.videoTasks()) {
      long from = micros(t.firstFrame(), rate);
      long to = micros(t.firstFrame() + t.frameCount(), rate);
      script.add(Path.of(t.output()), null, null, to - from);
    }
    return script.text();
  }

  /** The start of {@code frame} in whole microseconds, halves rounded up. */
  static long micros(long frame, FrameRate rate) {
    BigInteger n = BigInteger.valueOf(frame).multiply(BigInteger.valueOf(rate.denominator())).multiply(BigInteger.valueOf(2_000_000L))
        .add(BigInteger.valueOf(rate.numerator()));
    return n.divide(BigInteger.valueOf(rate.numerator()).multiply(BigInteger.TWO)).longValueExact();
  }


  private void removeWorkDirectory(ChunkJob job) {
    Path dir = Path.of(job.workDirectory());
    if (!Files.isDirectory(dir)) return;
    IOException e = FileTrees.delete(dir);
    if (e != null) log.warn("cannot remove the chunk directory {}: {}", dir, e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------------------
  // Files

  /**
   * A fresh temporary name beside {@code out} (the file is not created here: ffmpeg creates it with the process's usual
   * permissions, where a temporary file would be readable by its owner only).
   */
  private static Path tempBeside(Path out) {
    Path dir = out.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new PatchworkException("cannot create the directory " + dir + ": " + e.getMessage(), e);
    }
    return dir.resolve("." + out.getFileName() + "." + UUID.randomUUID() + ".part");
  }

  /** Renames {@code temp} to {@code out} atomically; a chunk replaces an equal one a late duplicate left. */
  private static void move(Path temp, Path out, boolean replace) {
    try {
      try {
        if (replace) Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        else Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        if (replace) Files.move(temp, out, StandardCopyOption.REPLACE_EXISTING);
        else Files.move(temp, out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + temp + " to " + out, e);
    }
  }

  /**
   * Moves the verified output into place, never over an existing file: a hard link (which fails if the name exists) then
   * the temporary name removed; where links are not supported, a rename after a check.
   */
  private static void publish(Path temp, Path out) {
    try {
      Files.createLink(out, temp);
      deleteQuietly(temp);
      return;
    } catch (FileAlreadyExistsException e) {
      throw new ValidationException("-o", out + " appeared while it was rendered; it was not replaced");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      log.debug("cannot link {} to {} ({}); renaming", temp, out, e.toString());
    }
    if (Files.exists(out)) throw new ValidationException("-o", out + " appeared while it was rendered; it was not replaced");
    move(temp, out, false);
  }

  private static void writeAtomically(Path target, String text) {
    Path temp = tempBeside(target);
    boolean done = false;
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      move(temp, target, true);
      done = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } finally {
      if (!done) deleteQuietly(temp);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete the temporary file {}", p, e);
    }
  }

  private static String abbreviate(List<Long> frames) {
    if (frames.size() <= 8) return frames.toString();
    return "[" + frames.get(0) + ", " + frames.get(1) + ", " + frames.get(2) + ", …, " + frames.get(frames.size() - 1) + "] ("
        + frames.size() + ")";
  }
}
