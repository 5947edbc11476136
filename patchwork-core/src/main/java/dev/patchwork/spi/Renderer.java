package dev.patchwork.spi;

import dev.patchwork.PatchListener;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Renders master frames again with the master's exact settings: from a new source (ffmpeg), from insert clips,
 * or in DaVinci Resolve. One call renders one RENDER segment of a plan into a file the splicer can use.
 *
 * <p>Implementations must be thread-safe; Patchwork may render several segments at once.
 */
public interface Renderer {

  /** A short name for messages ("ffmpeg", "resolve"). */
  String name();

  /**
   * What renders, with its version, for the sidecar's history: e.g.
   * {@code "ffmpeg version 7.1 (bundled org.bytedeco:ffmpeg:7.1-1.5.11:linux-x86_64-gpl)"}. Defaults to {@link #name()}.
   */
  default String description() {
    return name();
  }

  /**
   * Renders {@code request.segment()} into {@code request.output()}.
   *
   * @throws dev.patchwork.ToolFailedException   if the rendering tool failed
   * @throws dev.patchwork.CancelledException    if the calling thread was interrupted
   * @throws dev.patchwork.ValidationException   if the source cannot provide those frames
   */
  void render(Request request);

  /**
   * What to render.
   *
   * @param master   the master being patched (read-only)
   * @param sidecar  the master's sidecar: its stream parameters and encoder settings, which the render must match
   * @param segment  the RENDER segment, in master frames
   * @param output   where to write the rendered segment (a temporary file beside the final output)
   * @param listener progress for this segment
   * @param intra    render every frame as an intra picture (a key frame each), still with the master's settings. The
   *                 splicer asks for this where it puts the pictures into the master's own picture slots (before an
   *                 H.264 open-GOP I picture, whose GOP carries on the numbering of the pictures decoded before it);
   *                 a renderer that cannot must throw {@link dev.patchwork.UnsupportedMasterException}
   */
  record Request(Path master, Sidecar sidecar, Segment segment, Path output, PatchListener listener, boolean intra) {
    public Request {
      Objects.requireNonNull(master, "master");
      Objects.requireNonNull(sidecar, "sidecar");
      Objects.requireNonNull(segment, "segment");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(listener, "listener");
      if (!segment.isRender()) throw new IllegalArgumentException("not a RENDER segment: " + segment);
    }

    /** A request for the master's own GOP structure. */
    public Request(Path master, Sidecar sidecar, Segment segment, Path output, PatchListener listener) {
      this(master, sidecar, segment, output, listener, false);
    }
  }
}
