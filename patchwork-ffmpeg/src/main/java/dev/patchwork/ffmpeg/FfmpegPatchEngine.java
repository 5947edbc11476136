package dev.patchwork.ffmpeg;

import dev.patchwork.PatchResult;
import dev.patchwork.spi.PatchEngine;
import dev.patchwork.spi.PatchJob;
import java.util.Objects;

/**
 * The ffmpeg {@link PatchEngine}: renders each RENDER segment with the job's renderer, splices them into a copy of
 * the master in one ffmpeg pass (kept GOPs byte for byte), verifies the result independently, and only then moves the
 * output and its sidecar into place.
 *
 * <h2>How a patch runs</h2>
 * <ol>
 *   <li><b>Checks</b>: the master's size and the regions around every cut against its sidecar (skipped with
 *       {@code force}); the master is probed (packets and random-access points, no decoding; its audio lengths in the
 *       same pass, or from the sample table for PCM in MOV/MP4) and the plan's cuts are checked against it; free disk
 *       space for a copy of the master beside the output.
 *   <li><b>Render</b>: one segment after the other into a temporary directory beside the output. Each is checked
 *       against the master (frame count, codec, picture size, pixel format, rate, a closed start, identical H.264/HEVC
 *       parameter sets, PCM audio at the master's rate and channels) and its video re-wrapped in the master's
 *       container and time base. Meanwhile the SHA-256 of the master's PCM samples over each segment (and a second
 *       either side) is taken. Rendered audio that is the master's own (a picture-only change) is left out, so that
 *       the master's audio is copied rather than assembled again.
 *   <li><b>Splice</b>: a MOV/MP4 master whose seams are closed GOPs and whose new sound (if any) is PCM keeps its own
 *       file, the re-rendered samples put in place and its sample tables rewritten ({@code QuickTimeSplice});
 *       otherwise one ffmpeg run over an ffconcat script (see {@code Splicer}), where open-GOP seams get a bridge
 *       (leading pictures dropped; HEVC CRA retyped to BLA; MPEG-2 GOP header and temporal references fixed). The
 *       master's decode of every seam runs meanwhile.
 *   <li><b>Verify</b>: frame count, frame rate, start timecode, audio lengths and starts; the re-rendered segments'
 *       packets against the rendered files; every re-rendered segment and a GOP either side decoded without errors and
 *       their kept frames compared with the master's decode; for PCM sound, the samples over each segment and a second
 *       either side against the rendered and the master's; every kept GOP's packets hashed against the sidecar. The
 *       output is probed once; its seams decode while it is probed and hashed, and while it is forced to disk. A
 *       failure throws {@link dev.patchwork.VerificationException}.
 *   <li><b>Publish</b>: the output's content index comes from the same pass that hashed its kept GOPs (each region
 *       and each region's video payloads, SHA-256 digests on threads of their own; the whole file's hash is read as an
 *       output written front to back is written); once the output is on disk it is renamed into place; then its
 *       sidecar (the master's, with the new content index and a history entry) is written atomically. If the sidecar
 *       cannot be written the output is removed again.
 * </ol>
 * Temporary files are removed on every exit path and nothing started in the background outlives the patch. An
 * interrupt stops ffmpeg and ends in a {@link dev.patchwork.CancelledException}. {@link PatchResult#phases()} gives
 * the wall time of each step.
 *
 * <h2>Codecs and containers</h2>
 * H.264 (closed GOPs: IDR key frames), HEVC (IDR or CRA with RASL pictures, x265's default), MPEG-2 (open or closed
 * GOPs) and intra-only codecs (ProRes, DNxHD/DNxHR, …) in MOV, MP4, Matroska and MXF (MPEG-2 and intra codecs).
 * H.264 with open GOPs (x264 {@code open-gop}: I pictures with a recovery point): a RENDER followed by such a point is
 * rendered as intra pictures and put into the master's own picture slots ({@link OpenGopSeam}).
 *
 * <p>Thread-safe; each {@link #patch} call runs on the calling thread.
 */
public final class FfmpegPatchEngine implements PatchEngine {

  private final LazyTools tools;

  /** Locates ffmpeg with {@link FfmpegTools#locate()} when first needed (the {@link java.util.ServiceLoader} entry). */
  public FfmpegPatchEngine() {
    this.tools = new LazyTools();
  }

  public FfmpegPatchEngine(FfmpegTools tools) {
    this.tools = new LazyTools(tools);
  }

  @Override
  public String name() {
    return "ffmpeg";
  }

  /** The tools this engine runs (locating them if not done yet). */
  public FfmpegTools tools() {
    return tools.get();
  }

  @Override
  public PatchResult patch(PatchJob job) {
    Objects.requireNonNull(job, "job");
    return new PatchRun(tools(), job).run();
  }
}
