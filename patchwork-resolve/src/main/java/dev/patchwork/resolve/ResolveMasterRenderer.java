package dev.patchwork.resolve;

import dev.patchwork.PatchListener;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.resolve.internal.FfmpegSteps;
import dev.patchwork.resolve.internal.Formats;
import dev.patchwork.resolve.internal.MasterSidecar;
import dev.patchwork.resolve.internal.RenderSession;
import dev.patchwork.resolve.internal.WorkFiles;
import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders the timeline open in Resolve as a master and writes its sidecar ({@code patchwork resolve master}).
 *
 * <p>The whole timeline is rendered ({@code SelectAllFrames}) with the current render settings, or a render preset,
 * or a given format and codec, into a hidden folder beside the output; the output's extension must be the one Resolve
 * writes for the format ({@code GetRenderFormats()}), which is checked before rendering. Only after the render
 * completed and the file has the timeline's frame count and rate is it probed, hashed, moved into place and given its
 * sidecar: origin Resolve (project, timeline, preset, format, codec), encoder DaVinci Resolve with its version, start
 * timecode the file's (the timeline's when the file has none). On any failure nothing is left behind, and Resolve's
 * render settings are restored either way.
 *
 * <p>Immutable and thread-safe; renders on one connection are made one at a time.
 */
public final class ResolveMasterRenderer {

  private final Resolve resolve;
  private final FfmpegTools tools;
  private final String preset; // null: none
  private final RenderFormat format; // null: the current one (after the preset)
  private final Duration pollInterval;
  private final Duration renderTimeout;

  private ResolveMasterRenderer(Resolve resolve, FfmpegTools tools, String preset, RenderFormat format, Duration pollInterval,
      Duration renderTimeout) {
    this.resolve = resolve;
    this.tools = tools;
    this.preset = preset;
    this.format = format;
    this.pollInterval = pollInterval;
    this.renderTimeout = renderTimeout;
  }

  /** Renders with {@code resolve}'s current timeline and render settings; probes and hashes with {@code tools}. */
  public static ResolveMasterRenderer of(Resolve resolve, FfmpegTools tools) {
    return new ResolveMasterRenderer(Objects.requireNonNull(resolve, "resolve"), Objects.requireNonNull(tools, "tools"), null, null,
        ResolveRenderer.DEFAULT_POLL_INTERVAL, Duration.ofHours(24));
  }

  /** Loads the render preset {@code name} first; it is recorded in the sidecar, and patches load it again. */
  public ResolveMasterRenderer withPreset(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) throw new IllegalArgumentException("preset name is blank");
    return new ResolveMasterRenderer(resolve, tools, name, format, pollInterval, renderTimeout);
  }

  /** Renders in {@code newFormat} (after the preset, if any) instead of the current format and codec. */
  public ResolveMasterRenderer withFormat(RenderFormat newFormat) {
    return new ResolveMasterRenderer(resolve, tools, preset, Objects.requireNonNull(newFormat, "format"), pollInterval, renderTimeout);
  }

  /** Time between status polls. */
  public ResolveMasterRenderer withPollInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("pollInterval must be positive: " + interval);
    return new ResolveMasterRenderer(resolve, tools, preset, format, interval, renderTimeout);
  }

  /** The longest the render may take. */
  public ResolveMasterRenderer withRenderTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("renderTimeout must be positive: " + timeout);
    return new ResolveMasterRenderer(resolve, tools, preset, format, pollInterval, timeout);
  }

  /**
   * Renders the current timeline to {@code output} and writes {@code output.patchwork.toml} beside it.
   *
   * @throws ValidationException if the output or its sidecar exists, its folder does not, or its extension is not the
   *                             render format's
   * @throws ResolveException    if Resolve refuses a setting, the render fails, or the file is not the whole timeline
   * @throws dev.patchwork.CancelledException if interrupted; the render is stopped and nothing remains
   */
  public ResolveMaster render(Path output, PatchListener listener) {
    Objects.requireNonNull(output, "output");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    Path out = output.toAbsolutePath().normalize();
    MasterSidecar.checkOutput(out);
    try (WorkFiles work = WorkFiles.beside(out, ".resolve-master-")) {
      TimelineInfo timeline;
      String project;
      RenderSession.Result rendered;
      synchronized (resolve) {
        timeline = resolve.timeline();
        timeline.changeContext(); // a readable rate and start timecode, frames to render
        project = resolve.projectName();
        var formats = resolve.renderFormats();
        l.message("rendering the timeline '" + timeline.name() + "' (" + timeline.frameCount() + " frames) in Resolve");
        RenderSession.Spec spec = new RenderSession.Spec(Optional.ofNullable(preset), Optional.ofNullable(format), 0, 0, true,
            work.dir(), Formats.stemOf(out), true, f -> checkExtension(out, f, formats), pollInterval, renderTimeout);
        rendered = RenderSession.render(resolve, spec, percent -> l.progress(null, percent * timeline.frameCount() / 100,
            timeline.frameCount()));
      }
      long frames = FfmpegSteps.videoFrames(tools, rendered.file());
      if (frames != timeline.frameCount()) {
        throw new ResolveException(ResolveException.RENDER, "Resolve rendered " + frames + " frames of the timeline '" + timeline.name()
            + "', which has " + timeline.frameCount());
      }
      Sidecar sidecar = MasterSidecar.describe(tools, rendered.file(), out, timeline, project, preset, rendered.format(),
          resolve.version(), l);
      Path sidecarPath = MasterSidecar.publish(work, rendered.file(), out, sidecar);
      return new ResolveMaster(out, sidecarPath, sidecar, rendered.format(), rendered.elapsed());
    }
  }

  private static void checkExtension(Path out, RenderFormat f, java.util.Map<String, String> formats) {
    String want = Formats.extension(formats, f.format()).orElse(null);
    String have = Formats.extensionOf(out);
    if (want == null) {
      throw new ValidationException(out.toString(), "Resolve does not list the render format '" + f.format()
          + "' in GetRenderFormats(), so its file extension is unknown");
    }
    if (!want.equalsIgnoreCase(have)) {
      throw new ValidationException(out.toString(), "Resolve renders " + f + " as ." + want.toLowerCase(Locale.ROOT)
          + " files; name the output ." + want.toLowerCase(Locale.ROOT) + " or choose another render format");
    }
  }
}
