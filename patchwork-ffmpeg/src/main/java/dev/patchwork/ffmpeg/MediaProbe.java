package dev.patchwork.ffmpeg;

import dev.patchwork.plan.MasterFacts;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link FfprobeProber} learned about a master, without decoding a picture.
 *
 * @param path            the probed file
 * @param formatName      ffprobe's {@code format_name} ({@code mov,mp4,m4a,3gp,3g2,mj2}, {@code matroska,webm}, {@code mxf})
 * @param formatLongName  ffprobe's {@code format_long_name}
 * @param duration        the container's duration, if it states one
 * @param sizeBytes       file size in bytes
 * @param bitRate         overall bit rate in bits per second, or -1
 * @param formatTags      the container's tags
 * @param streams         every stream, in file order
 * @param video           the master's video stream (the first video stream that is not a cover picture)
 * @param frameRate       its constant frame rate, checked against every frame's timestamp
 * @param frameCount      frames it displays
 * @param startTimecode   the timecode of frame 0: from the video stream's {@code timecode} tag, a timecode track, or
 *                        the container; {@code 00:00:00:00} at {@code frameRate} when there is none
 * @param intraOnly       true if every frame is a closed random-access point (an intra codec, or long-GOP syntax
 *                        that happens to code every picture as IDR / closed I)
 * @param accessPoints    for a long-GOP master, every random-access point in display order, the first at frame 0;
 *                        empty when {@code intraOnly} (every frame is a point)
 * @param packets         the video stream's packets
 */
public record MediaProbe(
    Path path, String formatName, String formatLongName, Optional<Duration> duration, long sizeBytes, long bitRate,
    Map<String, String> formatTags, List<MediaStream> streams, VideoStream video, FrameRate frameRate, long frameCount,
    Timecode startTimecode, boolean intraOnly, List<AccessPoint> accessPoints, PacketIndex packets) {

  public MediaProbe {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(formatName, "formatName");
    Objects.requireNonNull(formatLongName, "formatLongName");
    Objects.requireNonNull(duration, "duration");
    formatTags = Map.copyOf(formatTags);
    streams = List.copyOf(streams);
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(frameRate, "frameRate");
    Objects.requireNonNull(startTimecode, "startTimecode");
    accessPoints = List.copyOf(accessPoints);
    Objects.requireNonNull(packets, "packets");
    if (frameCount != packets.frameCount()) {
      throw new IllegalArgumentException("frameCount " + frameCount + " differs from the packet index's " + packets.frameCount());
    }
  }

  /** The audio streams, in file order. */
  public List<AudioStream> audioStreams() {
    return streams.stream().filter(AudioStream.class::isInstance).map(AudioStream.class::cast).toList();
  }

  /** What the planner needs. */
  public MasterFacts masterFacts() {
    if (intraOnly) return MasterFacts.intra(frameCount, frameRate, startTimecode);
    return new MasterFacts(frameCount, frameRate, startTimecode, false,
        accessPoints.stream().map(AccessPoint::toRandomAccessPoint).toList());
  }
}
