package dev.patchwork.spi;

import dev.patchwork.plan.MasterFacts;
import java.nio.file.Path;

/**
 * Reads what the planner needs from a media file without decoding its pictures. Implemented by the ffmpeg
 * module ({@code ffprobe}); found with {@link java.util.ServiceLoader} unless one is set on the builder.
 */
public interface MediaProber {

  /**
   * Probes {@code media}.
   *
   * @throws dev.patchwork.ValidationException if the file is missing or not usable media
   * @throws dev.patchwork.ToolFailedException if the probing tool failed
   */
  MasterFacts probe(Path media);
}
