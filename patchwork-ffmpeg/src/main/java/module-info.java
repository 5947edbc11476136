/**
 * The ffmpeg engine of Patchwork: finding ffmpeg/ffprobe, running them safely, probing and adopting masters,
 * re-rendering segments, and splicing, verifying and publishing patches ({@link dev.patchwork.ffmpeg.FfmpegPatchEngine}).
 * See {@link dev.patchwork.ffmpeg} for where ffmpeg comes from.
 */
module dev.patchwork.ffmpeg {
  requires transitive dev.patchwork.core;
  requires org.apache.commons.exec;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;

  exports dev.patchwork.ffmpeg;
  // the process runner, for the Resolve module's ffmpeg steps (remux, concat)
  exports dev.patchwork.ffmpeg.internal to dev.patchwork.resolve;

  provides dev.patchwork.spi.MediaProber with dev.patchwork.ffmpeg.FfprobeProber;
  provides dev.patchwork.spi.PatchEngine with dev.patchwork.ffmpeg.FfmpegPatchEngine;
}
