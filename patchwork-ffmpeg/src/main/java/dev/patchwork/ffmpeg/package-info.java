/**
 * The ffmpeg engine: finding ffmpeg/ffprobe, running them safely, probing masters, re-rendering segments (and, later,
 * splicing with ffmpeg).
 *
 * The ffmpeg engine: finding ffmpeg/ffprobe, running them safely, probing masters, and splicing patches.
 *
 * <h2>Which ffmpeg is used</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegTools#locate()} takes the first of these that is present:
 *
 * <ol>
 *   <li><b>Explicit</b> — {@link dev.patchwork.ffmpeg.FfmpegTools#of(java.nio.file.Path, java.nio.file.Path)} in code.
 *   <li><b>Environment</b> — {@code PATCHWORK_FFMPEG} (and {@code PATCHWORK_FFPROBE}; without it, ffprobe is taken
 *       from beside ffmpeg). A setting that does not work is an error, not a reason to fall back.
 *   <li><b>Bundled</b> — the {@code org.bytedeco:ffmpeg:7.1-1.5.11} jar for this platform on the class path
 *       (classifier {@code linux-x86_64-gpl}, {@code linux-arm64-gpl}, {@code macosx-x86_64-gpl},
 *       {@code macosx-arm64-gpl} or {@code windows-x86_64-gpl}; the LGPL classifiers without {@code -gpl} work too but
 *       lack libx264/libx265). Its executables are extracted once per user into
 *       {@code $XDG_CACHE_HOME/patchwork/ffmpeg-<version>-<classifier>/} (default {@code ~/.cache/patchwork/…}) and
 *       reused. This dependency is optional and chosen by the application: the {@code -gpl} build carries x264 and
 *       x265 under the GPL, and an embedder may prefer its own ffmpeg. On Linux the bundle links a few system
 *       libraries for capture devices (ALSA, PulseAudio, XCB); where the machine lacks them, small stand-in
 *       libraries are written beside the extracted executables and every process runs with the bundle directory on
 *       {@code LD_LIBRARY_PATH} ({@link dev.patchwork.ffmpeg.FfmpegTools#environment()}).
 *   <li><b>PATH</b> — {@code ffmpeg} and {@code ffprobe} on the {@code PATH}.
 * </ol>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegTools#description()} and {@link dev.patchwork.ffmpeg.FfmpegTools#versionLine()}
 * say which one is in use.
 *
 * <h2>Probing</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfprobeProber} (the {@link dev.patchwork.spi.MediaProber} of this module) turns a master
 * into a {@link dev.patchwork.ffmpeg.MediaProbe}: streams and codec parameters, constant frame rate, start timecode,
 * frame count, the video {@link dev.patchwork.ffmpeg.PacketIndex} and the {@link dev.patchwork.ffmpeg.AccessPoint
 * random-access points} read from the bitstream — without decoding a picture.
 *
 * <h2>Adopting and verifying</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegAdopter} writes the sidecar of a master Patchwork did not render: the probe's stream
 * facts, the x264/x265 option string from the stream's SEI, and the content index (one region per GOP, or per second of
 * an intra-only master) with every hash computed in one sequential read of the file.
 * {@link dev.patchwork.ffmpeg.MasterVerifier} checks a master against its sidecar in one more read and names every
 * region that differs by its frames and timecodes; {@code deep} also decodes the whole master.
 *
 * <h2>Rendering</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegRenderer} (a {@link dev.patchwork.spi.Renderer}) re-encodes one RENDER segment with
 * the master's exact settings, from a new source ({@code fromSource}) or from {@link dev.patchwork.ffmpeg.Insert insert
 * clips} ({@code fromInserts}, frames between them from the decoded master), into a Matroska intermediate: the video
 * with key frames at the master's random-access points, and PCM audio cut sample-exactly by
 * {@link dev.patchwork.ffmpeg.PcmSamples}. See {@code docs/design/render.md} for the ffmpeg command lines.
 *
 * <h2>Patching</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegPatchEngine} (the {@link dev.patchwork.spi.PatchEngine} of this module) renders the
 * changed segments with the job's renderer, splices them into a byte-for-byte copy of the rest of the master in one
 * ffmpeg pass, verifies the result independently and publishes it with its sidecar; see its documentation and
 * {@code docs/design/splice.md}.
 *
 * <h2>First renders in chunks</h2>
 *
 * {@link dev.patchwork.ffmpeg.MasterRender} encodes a source into a deliverable ({@link dev.patchwork.ffmpeg.MasterSettings}:
 * H.264, HEVC, ProRes, DNxHR or MPEG-2 with deliverable defaults) as a {@link dev.patchwork.spi.ChunkJob}: GOP-aligned
 * chunks with a fixed, closed GOP, the audio encoded once, spliced by stream copy, verified and adopted (sidecar). The
 * chunks run on a {@link dev.patchwork.spi.ChunkExecutor} — {@link dev.patchwork.ffmpeg.LocalChunkExecutor} here, or the
 * distributed one of {@code patchwork-cluster} — with {@link dev.patchwork.ffmpeg.FfmpegChunkRenderer} doing the work.
 * See {@code docs/design/chunks.md}.
 */
package dev.patchwork.ffmpeg;
