package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.ParameterSets;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.Segment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A RENDER segment as the renderer delivered it, checked against the master and re-wrapped for the splice: its
 * video alone in the master's container with the master's video time base (the concat demuxer does not convert time
 * bases), and whether it carries audio for the splice.
 *
 * @param segment  the plan segment
 * @param rendered the renderer's file (video stream 0, optional PCM audio)
 * @param video    the re-wrapped video, ready for the concat script
 * @param audio    the rendered file's audio stream, or null if it has none
 * @param packets  video packets in {@code video}
 * @param bytes    video bytes in {@code video}
 * @param videoSha256 SHA-256 of the video packets' payloads in {@code video}, in decode order (read from the file), or
 *                 null where the container does not let them be located
 * @param firstFrame the master frame shown by {@code video}'s first packet: the segment's first frame, or, for a
 *                 segment put into the master's picture slots before an open GOP ({@link OpenGopSeam}), the frame of
 *                 the random-access point its leading pictures are decoded after
 */
record RenderedSegment(Segment segment, Path rendered, Path video, AudioStream audio, int packets, long bytes, String videoSha256,
    long firstFrame) {

  RenderedSegment {
    Objects.requireNonNull(segment, "segment");
    Objects.requireNonNull(rendered, "rendered");
    Objects.requireNonNull(video, "video");
  }

  boolean hasAudio() {
    return audio != null;
  }

  /** The same segment, its audio left out of the splice. */
  RenderedSegment withoutAudio() {
    return new RenderedSegment(segment, rendered, video, null, packets, bytes, videoSha256, firstFrame);
  }

  /**
   * Probes {@code rendered}, checks it can stand in for the master's frames, and re-wraps its video as {@code video}.
   *
   * @throws UnsupportedMasterException if the segment does not match the master's stream closely enough to splice
   *                                    (codec, picture size, pixel format, rate, parameter sets, audio format)
   */
  static RenderedSegment prepare(FfmpegTools tools, FfprobeProber.Probed probed, SpliceContainer container, Segment segment,
      Path rendered, Path video) {
    MediaProbe master = probed.media();
    FfprobeProber prober = new FfprobeProber(tools);
    MediaProbe r;
    try {
      r = prober.probeMedia(rendered);
    } catch (ValidationException | UnsupportedMasterException e) {
      throw new UnsupportedMasterException("the rendered segment " + segment + " is not usable: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>();
    VideoStream mv = master.video();
    VideoStream rv = r.video();
    if (r.frameCount() != segment.frames()) problems.add("it has " + r.frameCount() + " frames, not " + segment.frames());
    if (!rv.codecName().equals(mv.codecName())) problems.add("its video is " + rv.codecName() + ", the master's " + mv.codecName());
    if (rv.width() != mv.width() || rv.height() != mv.height()) {
      problems.add("its pictures are " + rv.width() + "x" + rv.height() + ", the master's " + mv.width() + "x" + mv.height());
    }
    if (!rv.pixFmt().equals(mv.pixFmt())) problems.add("its pixel format is " + rv.pixFmt() + ", the master's " + mv.pixFmt());
    if (!r.frameRate().equals(master.frameRate())) problems.add("its frame rate is " + r.frameRate() + ", the master's " + master.frameRate());
    if (!r.intraOnly() && !r.accessPoints().get(0).isClosed()) problems.add("it does not start with a closed random-access point");
    AudioStream audio = r.audioStreams().isEmpty() ? null : r.audioStreams().get(0);
    if (audio != null) {
      if (master.audioStreams().isEmpty()) {
        audio = null; // nothing to splice it into
      } else {
        AudioStream ma = master.audioStreams().get(0);
        if (audio.sampleRate() != ma.sampleRate()) problems.add("its audio has " + audio.sampleRate() + " Hz, the master's " + ma.sampleRate());
        if (audio.channels() != ma.channels()) problems.add("its audio has " + audio.channels() + " channels, the master's " + ma.channels());
        if (!audio.codecName().startsWith("pcm_")) problems.add("its audio is " + audio.codecName() + ", not PCM");
      }
    }
    if (!problems.isEmpty()) {
      throw new UnsupportedMasterException("the rendered segment " + segment + " does not match the master: " + String.join("; ", problems));
    }

    rewrap(tools, master, container, rendered, video);
    StreamFacts facts = streamFacts(tools, video);
    if (mv.codecName().equals("h264") || mv.codecName().equals("hevc")) {
      // compared in the master's container: the same parameter sets are stored alike there (hvcC array_completeness…);
      // x265's info SEI beside them holds its option string, which a faithful re-encode need not repeat to the letter
      boolean hevc = mv.codecName().equals("hevc");
      byte[] me = probed.videoExtradata() != null ? probed.videoExtradata() : FfprobeProber.extradata(tools, master.path(), mv.index());
      byte[] re = facts.extradata();
      if (!Arrays.equals(ParameterSets.configuration(me, hevc), ParameterSets.configuration(re, hevc))) {
        throw new UnsupportedMasterException("the rendered segment " + segment + " does not match the master: its parameter sets ("
            + mv.codecName() + " extradata, " + re.length + " bytes) differ from the master's (" + me.length + " bytes), and "
            + container.muxer() + " keeps one set per track; it must be encoded with exactly the master's settings");
      }
    }
    PacketTable t = FfprobeProber.packets(tools, video, 0);
    PacketIndex vi = t.toIndex(facts.timeBase(), new java.util.BitSet());
    if (!vi.timeBase().equals(master.packets().timeBase())) {
      throw new UnsupportedMasterException("the rendered segment " + segment + " cannot be given the master's video time base "
          + master.packets().timeBase() + " in " + container.muxer() + " (it got " + vi.timeBase() + ")");
    }
    if (vi.frameCount() != segment.frames()) {
      throw new UnsupportedMasterException("the rendered segment " + segment + " has " + vi.frameCount() + " frames after re-wrapping, not "
          + segment.frames());
    }
    long bytes = 0;
    for (int i = 0; i < vi.packetCount(); i++) bytes += vi.byteSize(i);
    String sha;
    try {
      sha = Hashing.payloadSha256(video, container.muxer(), vi, 0, vi.packetCount()).orElse(null);
    } catch (java.io.IOException e) {
      throw new dev.patchwork.PatchworkException("cannot read " + video + ": " + e, e);
    }
    return new RenderedSegment(segment, rendered, video, audio, vi.packetCount(), bytes, sha, segment.start());
  }

  /** The first stream's time base and codec extradata. */
  private record StreamFacts(TimeBase timeBase, byte[] extradata) {}

  /** One ffprobe call for the re-wrapped video's time base and extradata. */
  private static StreamFacts streamFacts(FfmpegTools tools, Path media) {
    String out = ProcessRunner.command(List.of(tools.ffprobe().toString(), "-v", "error", "-hide_banner", "-select_streams", "0",
        "-show_entries", "stream=time_base,extradata", "-show_data", "-of", "json", media.toString()))
        .environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    try {
      com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).path("streams").path(0);
      return new StreamFacts(TimeBase.parse(s.path("time_base").asText("")), FfprobeProber.hexDump(s.path("extradata").asText("")));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new dev.patchwork.PatchworkException("ffprobe wrote an unreadable description of " + media + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies the video of {@code rendered} into {@code out}, in the master's container and video time base. Every
   * timestamp is put back on the master's frame grid: a renderer's Matroska file holds milliseconds, which at 24 or
   * 23.976 fps are not whole frames and would otherwise make the patched master's frame rate uneven.
   */
  private static void rewrap(FfmpegTools tools, MediaProbe master, SpliceContainer container, Path rendered, Path out) {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
        "-i", rendered.toString(), "-map", "0:v:0", "-c", "copy", "-bsf:v", gridTimestamps(master)));
    argv.addAll(containerVideoArgs(master, container));
    argv.addAll(List.of("-f", container.muxer(), out.toString()));
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).run();
  }

  /**
   * A {@code setts} filter that moves each timestamp (and duration) to the nearest frame of the master's grid, in the
   * master's time base: frame {@code i = round(t · rate)}, then {@code round(i / rate / timeBase)} time-base units.
   */
  static String gridTimestamps(MediaProbe master) {
    TimeBase tb = master.packets().timeBase();
    var rate = master.frameRate();
    String toFrame = "*TB*" + rate.numerator() + "/" + rate.denominator() + ")";
    String toTicks = "*" + Math.multiplyExact(rate.denominator(), tb.denominator()) + "/" + Math.multiplyExact(rate.numerator(), tb.numerator());
    return "setts=time_base=" + tb + ":pts=" + snap("PTS", toFrame, toTicks) + ":dts=" + snap("DTS", toFrame, toTicks)
        + ":duration=round(round(DURATION" + toFrame + toTicks + ")";
  }

  private static String snap(String ts, String toFrame, String toTicks) {
    // commas escaped: -bsf separates filters with them
    return "if(eq(" + ts + "\\,NOPTS)\\,NOPTS\\,round(round(" + ts + toFrame + toTicks + "))";
  }

  /**
   * Muxer arguments that give a video stream the master's time base and codec tag, and in Matroska the master's frame
   * rate: the track's default duration is written from the stream's frame rate, which a stream copy otherwise takes
   * from its input, and for a rendered segment's millisecond timestamps at 24 or 23.976 fps ffmpeg guesses a wrong one
   * (24.417 fps), which a patched master starting with that segment would then declare and fail verification on.
   */
  static List<String> containerVideoArgs(MediaProbe master, SpliceContainer container) {
    List<String> args = new ArrayList<>();
    if (container == SpliceContainer.MATROSKA) args.addAll(List.of("-r:v", master.frameRate().toString()));
    TimeBase tb = master.packets().timeBase();
    if (container.isQuickTime()) {
      if (tb.numerator() != 1) {
        throw new UnsupportedMasterException("the master's video time base " + tb + " has no QuickTime time scale");
      }
      args.addAll(List.of("-video_track_timescale", Long.toString(tb.denominator())));
      String tag = master.video().codecTag();
      if (!tag.isEmpty()) args.addAll(List.of("-tag:v", tag));
    }
    return args;
  }

  static TimeBase timeBaseOf(FfmpegTools tools, Path media) {
    String out = ProcessRunner.command(List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "v:0",
        "-show_entries", "stream=time_base", "-of", "default=nw=1:nk=1", media.toString()))
        .environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout();
    return TimeBase.parse(out.strip().lines().findFirst().orElse(""));
  }
}
