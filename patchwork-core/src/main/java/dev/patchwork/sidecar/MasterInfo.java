package dev.patchwork.sidecar;

import static dev.patchwork.internal.sidecar.FieldChecks.require;
import static dev.patchwork.internal.sidecar.FieldChecks.requireText;

import dev.patchwork.internal.sidecar.FieldChecks;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.Objects;

/**
 * The master file as a whole: the sidecar's {@code [master]} table. Every field is required.
 *
 * @param fileName      the master's file name, without a directory ({@code file_name})
 * @param size          its size in bytes
 * @param sha256        SHA-256 of the whole file, 64 lowercase hex digits
 * @param container     its container format as ffmpeg names it: {@code mov}, {@code mp4}, {@code mxf}, {@code matroska}, …
 * @param frameCount    frames in its video stream ({@code frame_count}); positive
 * @param frameRate     its constant frame rate ({@code frame_rate}, written {@code "24000/1001"})
 * @param startTimecode the timecode of frame 0 ({@code start_timecode}, written {@code "01:00:00:00"}, or with
 *                      {@code ;} before the frames for drop-frame); {@code 00:00:00:00} when the master has no
 *                      timecode. Its rate is {@code frameRate}.
 */
public record MasterInfo(
    String fileName, long size, String sha256, String container, long frameCount, FrameRate frameRate, Timecode startTimecode) {

  public MasterInfo {
    requireText("fileName", fileName);
    require("fileName", FieldChecks.fileName(fileName));
    Objects.requireNonNull(sha256, "sha256");
    require("sha256", FieldChecks.sha256(sha256));
    requireText("container", container);
    Objects.requireNonNull(frameRate, "frameRate");
    Objects.requireNonNull(startTimecode, "startTimecode");
    if (size < 0) throw new IllegalArgumentException("size < 0: " + size);
    if (frameCount <= 0) throw new IllegalArgumentException("frameCount must be positive: " + frameCount);
    if (!startTimecode.rate().equals(frameRate)) {
      throw new IllegalArgumentException("startTimecode is at " + startTimecode.rate() + " fps but frameRate is " + frameRate);
    }
  }
}
