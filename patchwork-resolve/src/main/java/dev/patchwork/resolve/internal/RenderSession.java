package dev.patchwork.resolve.internal;

import dev.patchwork.CancelledException;
import dev.patchwork.resolve.MarkInOut;
import dev.patchwork.resolve.RenderFormat;
import dev.patchwork.resolve.RenderJob;
import dev.patchwork.resolve.RenderJobStatus;
import dev.patchwork.resolve.Resolve;
import dev.patchwork.resolve.ResolveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One render job in Resolve, from settings to file, leaving Resolve as it was found:
 *
 * <ol>
 *   <li>refuses if Resolve is already rendering;
 *   <li>snapshots the user's render settings: the current format and codec, render mode and the timeline's In/Out
 *       marks are read, and everything else is saved as a temporary render preset ({@code SetRenderSettings} has no
 *       getter, so a preset is the only documented snapshot);
 *   <li>loads the preset, sets single-clip mode, the format and codec, and {@code MarkIn}/{@code MarkOut} (or
 *       {@code SelectAllFrames}), {@code TargetDir}, {@code CustomName}, {@code ExportVideo}, {@code ExportAudio};
 *   <li>{@code AddRenderJob()}; when it returns an empty id (a known quirk) the new job is found in
 *       {@code GetRenderJobList()} instead of adding another, which would queue a duplicate;
 *   <li>{@code StartRendering([id])} and polls {@code GetRenderJobStatus(id)}, passing {@code CompletionPercentage}
 *       on; {@code Failed}/{@code Cancelled} end it with Resolve's {@code Error} text; a status without
 *       {@code JobStatus} is judged by {@code IsRenderingInProgress()} and the percentage;
 *   <li>always deletes the job it created and restores the snapshot (preset, format and codec, mode, marks), then
 *       deletes the temporary preset. An interrupt stops the render ({@code StopRendering()}) first.
 * </ol>
 */
public final class RenderSession {

  private static final Logger log = LoggerFactory.getLogger(RenderSession.class);

  /**
   * What to render.
   *
   * @param preset       a render preset to load first, or empty
   * @param format       the format and codec, or empty to keep what is current (after the preset)
   * @param markIn       first absolute timeline frame; ignored with {@code selectAll}
   * @param markOut      the {@code MarkOut} value as Resolve takes it; ignored with {@code selectAll}
   * @param selectAll    render the whole timeline ({@code SelectAllFrames})
   * @param targetDir    {@code TargetDir}
   * @param customName   {@code CustomName}: the file name without extension
   * @param exportAudio  {@code ExportAudio}
   * @param checkFormat  called with the format and codec about to be used, before the job is added; may throw to refuse
   * @param pollInterval time between status polls
   * @param timeout      how long the render may take
   */
  public record Spec(Optional<String> preset, Optional<RenderFormat> format, long markIn, long markOut, boolean selectAll,
      Path targetDir, String customName, boolean exportAudio, Consumer<RenderFormat> checkFormat, Duration pollInterval,
      Duration timeout) {
    public Spec {
      Objects.requireNonNull(preset, "preset");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(targetDir, "targetDir");
      Objects.requireNonNull(customName, "customName");
      Objects.requireNonNull(checkFormat, "checkFormat");
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(timeout, "timeout");
      if (!selectAll && markOut < markIn) throw new IllegalArgumentException("markOut " + markOut + " < markIn " + markIn);
    }
  }

  /**
   * The finished render.
   *
   * @param file    the file Resolve wrote
   * @param format  the format and codec it was rendered with
   * @param jobId   the job's id (deleted by now)
   * @param elapsed how long the job took
   */
  public record Result(Path file, RenderFormat format, String jobId, Duration elapsed) {}

  private RenderSession() {}

  /**
   * Renders {@code spec} on {@code resolve}; {@code percent} receives the job's completion percentage.
   *
   * @throws ResolveException   if Resolve refuses a setting, the job fails or is cancelled, or the file is missing
   * @throws CancelledException if the calling thread is interrupted (the render is stopped)
   */
  public static Result render(Resolve resolve, Spec spec, IntConsumer percent) {
    Objects.requireNonNull(resolve, "resolve");
    Objects.requireNonNull(spec, "spec");
    String where = resolve.host().map(h -> " on " + h).orElse("");
    if (resolve.isRenderingInProgress()) {
      throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " is already rendering; wait until its render "
          + "queue is done, then try again");
    }
    Snapshot snapshot = Snapshot.take(resolve);
    List<String> created = new ArrayList<>();
    boolean stopOnExit = false;
    try {
      if (spec.preset().isPresent() && !resolve.loadRenderPreset(spec.preset().get())) {
        throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " has no render preset '" + spec.preset().get()
            + "' (it has: " + String.join(", ", resolve.renderPresets()) + ")");
      }
      if (!resolve.setRenderMode(1)) log.warn("Resolve{} refused single-clip render mode", where);
      RenderFormat format;
      if (spec.format().isPresent()) {
        format = spec.format().get();
        if (!resolve.setCurrentRenderFormat(format)) {
          throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " refused the render format " + format
              + " (SetCurrentRenderFormatAndCodec returned False; GetRenderCodecs(\"" + format.format() + "\") offers: "
              + String.join(", ", resolve.renderCodecs(format.format()).values()) + ")");
        }
      } else {
        format = resolve.currentRenderFormat();
      }
      spec.checkFormat().accept(format);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("SelectAllFrames", spec.selectAll());
      if (!spec.selectAll()) {
        settings.put("MarkIn", spec.markIn());
        settings.put("MarkOut", spec.markOut());
      }
      settings.put("TargetDir", spec.targetDir().toAbsolutePath().toString());
      settings.put("CustomName", spec.customName());
      settings.put("ExportVideo", true);
      settings.put("ExportAudio", spec.exportAudio());
      if (!resolve.setRenderSettings(settings)) {
        throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " refused the render settings " + settings
            + " (SetRenderSettings returned False; are MarkIn/MarkOut inside the timeline?)");
      }
      String id = addJob(resolve, where);
      created.add(id);
      long t0 = System.nanoTime();
      if (!resolve.startRendering(List.of(id))) {
        throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " did not start rendering (StartRendering returned False)");
      }
      stopOnExit = true;
      await(resolve, id, spec, percent, where);
      stopOnExit = false;
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      Path file = outputFile(resolve, id, spec, format, where);
      return new Result(file, format, id, elapsed);
    } finally {
      boolean interrupted = Thread.interrupted(); // clean up even when cancelled; restore the flag after
      try {
        if (stopOnExit) quietly("StopRendering", resolve::stopRendering);
        for (String id : created) quietly("DeleteRenderJob(" + id + ")", () -> resolve.deleteRenderJob(id));
        snapshot.restore(resolve);
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
    }
  }

  /** {@code AddRenderJob()}, finding the job in the queue when the id comes back empty. */
  static String addJob(Resolve resolve, String where) {
    Set<String> before = ids(resolve.renderJobs());
    for (int attempt = 0; attempt < 2; attempt++) {
      String id = resolve.addRenderJob();
      if (!id.isBlank()) return id;
      Set<String> added = ids(resolve.renderJobs());
      added.removeAll(before);
      if (added.size() == 1) {
        String found = added.iterator().next();
        log.debug("AddRenderJob() returned an empty id{}; the queue shows the new job {}", where, found);
        return found;
      }
      if (added.size() > 1) {
        throw new ResolveException(ResolveException.RENDER, "AddRenderJob() returned an empty id" + where + " and " + added.size()
            + " new jobs appeared in the render queue; not knowing which is Patchwork's, nothing was rendered");
      }
      log.debug("AddRenderJob() returned an empty id{} and queued nothing; trying once more", where);
    }
    throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " did not add a render job (AddRenderJob() returned an "
        + "empty id twice and queued nothing; is a target folder set and writable, and the Deliver page usable?)");
  }

  private static Set<String> ids(List<RenderJob> jobs) {
    Set<String> out = new HashSet<>();
    for (RenderJob j : jobs) out.add(j.id());
    return out;
  }

  private static void await(Resolve resolve, String id, Spec spec, IntConsumer percent, String where) {
    long deadline = System.nanoTime() + spec.timeout().toNanos();
    int idleWithoutStatus = 0;
    int lastPercent = -1;
    while (true) {
      RenderJobStatus s = resolve.renderJobStatus(id);
      if (s.percent().isPresent() && s.percent().getAsInt() != lastPercent) {
        lastPercent = s.percent().getAsInt();
        percent.accept(lastPercent);
      }
      switch (s.state()) {
        case COMPLETE -> {
          return;
        }
        case FAILED -> throw new ResolveException(ResolveException.RENDER, "Resolve's render job failed" + where + ": "
            + s.error().orElse("Resolve gave no error text"));
        case CANCELLED -> throw new ResolveException(ResolveException.RENDER, "the render job was cancelled in Resolve" + where
            + s.error().map(e -> ": " + e).orElse(""));
        case UNKNOWN -> {
          // no JobStatus: judge by whether Resolve is still rendering
          if (!resolve.isRenderingInProgress()) {
            if (s.percent().orElse(-1) == 100) return;
            if (++idleWithoutStatus >= 3) {
              throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " stopped rendering without reporting the "
                  + "job's status (GetRenderJobStatus gave " + describe(s) + ")");
            }
          }
        }
        default -> idleWithoutStatus = 0;
      }
      if (System.nanoTime() > deadline) {
        throw new ResolveException(ResolveException.TIMEOUT, "the render" + where + " did not finish within "
            + BridgeProcess.seconds(spec.timeout()) + "; it was stopped");
      }
      try {
        Thread.sleep(spec.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while Resolve was rendering" + where + "; the render was stopped");
      }
    }
  }

  private static String describe(RenderJobStatus s) {
    List<String> parts = new ArrayList<>();
    s.rawStatus().ifPresent(v -> parts.add("JobStatus=" + v));
    s.percent().ifPresent(v -> parts.add("CompletionPercentage=" + v));
    s.error().ifPresent(v -> parts.add("Error=" + v));
    return parts.isEmpty() ? "no keys" : String.join(", ", parts);
  }

  /** The file the job wrote: from the job list's TargetDir/OutputFilename, else CustomName.* in the target folder. */
  private static Path outputFile(Resolve resolve, String id, Spec spec, RenderFormat format, String where) {
    for (RenderJob j : resolve.renderJobs()) {
      if (!j.id().equals(id) || j.outputFilename().isEmpty()) continue;
      Path dir = j.targetDir().map(Path::of).orElse(spec.targetDir());
      Path file = dir.resolve(j.outputFilename().get());
      if (Files.isRegularFile(file)) return file;
    }
    try (Stream<Path> files = Files.list(spec.targetDir())) {
      List<Path> matches = files.filter(p -> p.getFileName().toString().startsWith(spec.customName() + "."))
          .filter(Files::isRegularFile).toList();
      if (matches.size() == 1) return matches.get(0);
      throw new ResolveException(ResolveException.RENDER, "Resolve" + where + " reported the job complete, but "
          + (matches.isEmpty() ? "no file " + spec.customName() + ".* is" : matches.size() + " files " + spec.customName()
              + ".* are") + " in " + spec.targetDir() + " (format " + format + ")");
    } catch (IOException e) {
      throw new ResolveException(ResolveException.RENDER, "cannot list " + spec.targetDir() + ": " + e.getMessage(), e);
    }
  }

  private static void quietly(String what, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("could not {} in Resolve: {}", what, e.getMessage());
    }
  }

  /** The user's render settings before Patchwork changed them. */
  private record Snapshot(String preset, RenderFormat format, Integer mode, Optional<MarkInOut> marks) {

    static Snapshot take(Resolve resolve) {
      RenderFormat format = resolve.currentRenderFormat();
      int mode = resolve.renderMode();
      Optional<MarkInOut> marks = resolve.markInOut();
      String name = "patchwork-restore-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
      String preset = resolve.saveRenderPreset(name) ? name : null;
      if (preset == null) log.warn("Resolve did not save the current render settings as a preset; only the format, codec, mode "
          + "and marks will be restored");
      return new Snapshot(preset, format, mode, marks);
    }

    void restore(Resolve resolve) {
      if (preset != null) {
        quietly("load the render preset " + preset, () -> {
          if (!resolve.loadRenderPreset(preset)) log.warn("Resolve could not load the preset {} holding the user's settings", preset);
        });
      }
      quietly("restore the render format " + format, () -> resolve.setCurrentRenderFormat(format));
      quietly("restore the render mode", () -> resolve.setRenderMode(mode));
      marks.ifPresent(m -> quietly("restore the timeline's In/Out marks", () -> {
        if (m.isSet()) resolve.setMarkInOut(m.in().getAsLong(), m.out().getAsLong());
        else resolve.clearMarkInOut();
      }));
      if (preset != null) quietly("delete the render preset " + preset, () -> resolve.deleteRenderPreset(preset));
    }
  }
}
