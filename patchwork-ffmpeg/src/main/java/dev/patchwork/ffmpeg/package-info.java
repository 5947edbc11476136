/**
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
 *       x265 under the GPL, and an embedder may prefer its own ffmpeg. On Linux the bundle needs a few system
 *       libraries (ALSA, PulseAudio, XCB: Debian/Ubuntu packages {@code libasound2}, {@code libpulse0},
 *       {@code libxcb1}, {@code libxcb-shm0}); if one is missing, the error names it and its package.
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
 * <h2>Patching</h2>
 *
 * {@link dev.patchwork.ffmpeg.FfmpegPatchEngine} (the {@link dev.patchwork.spi.PatchEngine} of this module) renders the
 * changed segments with the job's renderer, splices them into a byte-for-byte copy of the rest of the master in one
 * ffmpeg pass, verifies the result independently and publishes it with its sidecar; see its documentation and
 * {@code docs/design/splice.md}.
 */
package dev.patchwork.ffmpeg;
