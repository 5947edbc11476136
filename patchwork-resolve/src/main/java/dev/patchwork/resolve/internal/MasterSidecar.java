package dev.patchwork.resolve.internal;

import dev.patchwork.PatchListener;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.ffmpeg.FfmpegAdopter;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.resolve.RenderFormat;
import dev.patchwork.resolve.ResolveException;
import dev.patchwork.resolve.TimelineInfo;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sidecar of a master Resolve rendered: the probed and hashed file, with Resolve as its origin. */
public final class MasterSidecar {

  private static final Logger log = LoggerFactory.getLogger(MasterSidecar.class);

  private MasterSidecar() {}

  /**
   * Checks that {@code output} can be published: it and its sidecar do not exist, its folder does, it has an extension.
   *
   * @throws ValidationException listing every problem
   */
  public static void checkOutput(Path output) {
    List<Problem> problems = new ArrayList<>();
    Path parent = output.toAbsolutePath().getParent();
    if (Formats.extensionOf(output).isEmpty()) {
      problems.add(new Problem(output.toString(), "the output needs an extension matching the render format (.mov, .mxf, …)"));
    }
    if (Files.exists(output)) problems.add(new Problem(output.toString(), "the output already exists; choose another name or remove it"));
    if (Files.exists(SidecarPaths.defaultFor(output))) {
      problems.add(new Problem(SidecarPaths.defaultFor(output).toString(), "the output's sidecar already exists"));
    }
    if (parent == null || !Files.isDirectory(parent)) problems.add(new Problem(output.toString(), "the output's folder does not exist"));
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  /**
   * Probes and hashes {@code rendered} (a complete render of {@code timeline}), and builds the sidecar of the master it
   * becomes under {@code output}'s name: its origin is Resolve ({@code project}, the timeline, {@code preset},
   * {@code format}); its encoder is DaVinci Resolve {@code version} (keeping the codec library and option string the
   * file carries); its start timecode is the timeline's when the file has none.
   *
   * @throws ResolveException if the file's frame count or rate is not the timeline's
   */
  public static Sidecar describe(FfmpegTools tools, Path rendered, Path output, TimelineInfo timeline, String project, String preset,
      RenderFormat format, String version, PatchListener listener) {
    Sidecar s = new FfmpegAdopter(tools).describe(rendered, listener).sidecar();
    MasterInfo m = s.master();
    if (m.frameCount() != timeline.frameCount()) {
      throw new ResolveException(ResolveException.RENDER, "Resolve rendered " + m.frameCount() + " frames of the timeline '"
          + timeline.name() + "', which has " + timeline.frameCount());
    }
    if (!m.frameRate().equals(timeline.rate())) {
      throw new ResolveException(ResolveException.RENDER, "Resolve rendered the timeline '" + timeline.name() + "' at "
          + m.frameRate().toDecimalString() + " fps; the timeline runs at " + timeline.rate().toDecimalString() + " fps");
    }
    Timecode start = m.startTimecode();
    Timecode tlStart = timeline.startTimecode();
    if (!start.equals(tlStart)) {
      if (start.frameOfDay() == 0) {
        log.debug("{} carries no start timecode; using the timeline's {}", rendered.getFileName(), tlStart);
        start = tlStart;
      } else {
        log.warn("{} starts at {} but the timeline '{}' at {}; keeping the file's", rendered.getFileName(), start, timeline.name(), tlStart);
      }
    }
    MasterInfo master = new MasterInfo(output.getFileName().toString(), m.size(), m.sha256(), m.container(), m.frameCount(),
        m.frameRate(), start);
    Encoder encoder = new Encoder("DaVinci Resolve", version.isBlank() ? null : version, s.encoder().library(), s.encoder().options());
    RenderOrigin origin = RenderOrigin.resolve(project, timeline.name(), preset, format.format(), format.codec());
    return new Sidecar(master, s.video(), s.audio(), encoder, origin, s.content(), List.of());
  }

  /** Moves {@code rendered} to {@code output} and writes {@code sidecar} beside it; on failure neither remains. */
  public static Path publish(WorkFiles work, Path rendered, Path output, Sidecar sidecar) {
    Path sidecarPath = SidecarPaths.defaultFor(output);
    checkOutput(output);
    work.moveInto(rendered, output);
    try {
      Sidecars.write(sidecar, sidecarPath);
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(output);
      } catch (IOException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
    return sidecarPath;
  }
}
