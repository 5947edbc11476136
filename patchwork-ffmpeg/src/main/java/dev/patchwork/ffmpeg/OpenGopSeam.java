package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.H264Mirror;
import dev.patchwork.ffmpeg.internal.Mp4SampleSwap;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A re-rendered H.264 segment followed by a kept open GOP (x264 {@code open-gop}: an I picture with a recovery
 * point, not an IDR picture), spliced picture slot by picture slot.
 *
 * <p>The kept GOP carries on the {@code frame_num} and picture order count of the pictures decoded before it, and its
 * pictures remove those from the decoded picture buffer by number; a freshly encoded segment (starting at an IDR
 * picture, with its own reference structure) cannot give it what it expects. So the segment is rendered as intra
 * pictures (every frame a key frame, the master's settings otherwise), and each one takes the place of the master's
 * picture of the same frame, in the master's decoding order and with that picture's numbering and reference marking
 * ({@link H264Mirror}): the decoder's state after the segment is exactly the master's. The kept GOP's leading pictures
 * (shown before its I picture, inside the segment) are replaced in their own slots after it; every other packet of
 * the kept GOP is the master's, byte for byte.
 *
 * <p>The file written covers the master's packets from the segment's first one (its random-access point) to the end of
 * the kept GOP (or of the KEEP, if it is shorter): the master's packets are copied with their timestamps by ffmpeg, then
 * the segment's payloads are swapped in ({@link Mp4SampleSwap}). The cost of this form: intra pictures take more bits
 * than the master's P and B pictures over the re-rendered frames.
 */
final class OpenGopSeam {

  private OpenGopSeam() {}

  /** True if the KEEP starting at {@code point} after a RENDER is spliced this way. */
  static boolean applies(MediaProbe master, AccessPoint point) {
    return point != null && point.kind() == AccessPoint.Kind.RECOVERY_POINT && master.video().codecName().equals("h264");
  }

  /** Refuses containers this cannot write (before anything is rendered). */
  static void check(SpliceContainer container, AccessPoint point) {
    if (container == SpliceContainer.MXF) {
      throw new UnsupportedMasterException("cannot splice before the H.264 open GOP at frame " + point.frame() + " in MXF");
    }
  }

  /**
   * The file as spliced.
   *
   * @param segment        the segment: its file, packet count, bytes and video hash cover the kept packets too
   * @param inpointMicros  the concat script's {@code inpoint} for the file: its earliest presentation time (the first
   *                       packet, the random-access point, is shown after its leading pictures)
   */
  record Slotted(RenderedSegment segment, long inpointMicros) {}

  /**
   * Builds the file for {@code intra} (the RENDER before {@code point}, rendered as intra pictures) and the kept packets
   * of {@code point}'s GOP up to {@code endPacket}.
   *
   * @param avcC the master's video extradata (its parameter sets)
   */
  static Slotted build(FfmpegTools tools, MasterTimeline timeline, SpliceContainer container, byte[] avcC, RenderedSegment intra,
      AccessPoint point, int endPacket, Path dir) {
    MediaProbe master = timeline.probe();
    Segment s = intra.segment();
    if (s.endExclusive() != point.frame()) throw new IllegalArgumentException(s + " does not end at " + point.frame());
    int startPacket = s.start() == 0 ? 0 : timeline.endPacket(s.start());
    String tag = "open-gop-" + point.frame();
    Path list = dir.resolve(tag + ".ffconcat");
    Path base = dir.resolve(tag + "-master." + extension(container));
    Path out = dir.resolve(tag + "." + extension(container));
    PacketIndex mi = master.packets();

    ConcatScript script = new ConcatScript();
    long inpoint = timeline.micros(mi.frameOf(startPacket));
    Long outpoint = endPacket < mi.packetCount() ? timeline.outpointMicros(endPacket) : null;
    script.add(master.path(), inpoint, outpoint, null);
    script.write(list);
    TimeBase tb = mi.timeBase();
    if (tb.numerator() != 1) throw new UnsupportedMasterException("the master's video time base " + tb + " has no MP4 time scale");
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
        "-copyts", "-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", list.toString(), "-map", "0:v:0", "-c", "copy",
        "-video_track_timescale", Long.toString(tb.denominator()), "-use_editlist", "0"));
    // without an edit list the muxer keeps the leading pictures, which are shown before the first packet; the file then
    // starts (decoding time 0) at the random-access point and its earliest presentation time is the leading pictures'.
    String codecTag = master.video().codecTag();
    if (container.isQuickTime() && !codecTag.isEmpty()) argv.addAll(List.of("-tag:v", codecTag));
    argv.addAll(List.of("-map_metadata", "-1", "-map_metadata:s:v:0", "-1", "-write_tmcd", "0")); // one track: the video
    argv.addAll(List.of("-f", container.isQuickTime() ? container.muxer() : "mp4", base.toString()));
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).run();

    try {
      int count = endPacket - startPacket;
      H264Mirror mirror;
      try {
        mirror = H264Mirror.of(avcC);
      } catch (IOException e) {
        throw new UnsupportedMasterException("cannot splice before the open GOP at frame " + point.frame() + ": " + e.getMessage());
      }
      Path video = intra.video();
      PacketIndex ii = FfprobeProber.packets(tools, video, 0).toIndex(RenderedSegment.timeBaseOf(tools, video), new BitSet());
      if (ii.packetCount() != s.frames()) {
        throw new UnsupportedMasterException("the segment rendered for " + s + " has " + ii.packetCount() + " packets, not one per frame");
      }
      // the intra pictures in their slots go to a work file first (a long change holds far more than the heap)
      Path slotFile = dir.resolve(tag + ".slots");
      long[] slotStart = new long[count];
      long[] slotSize = new long[count];
      java.util.Arrays.fill(slotSize, -1);
      int replaced = 0;
      try (FilePackets mp = new FilePackets(master.path(), master.formatName()); FilePackets ip = new FilePackets(video, FilePackets.formatOf(video));
          FileChannel slots = FileChannel.open(slotFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        for (int i = startPacket; i < endPacket; i++) {
          long f = mi.frameOf(i);
          if (f < s.start() || f >= s.endExclusive()) continue;
          byte[] slot = mp.payload(mi, i);
          byte[] picture = ip.payload(ii, ii.packetOf(f - s.start()));
          byte[] mirrored;
          try {
            mirrored = mirror.mirror(picture, slot);
          } catch (IOException e) {
            throw new UnsupportedMasterException("cannot put the re-rendered frame " + f + " into the master's picture slot: "
                + e.getMessage() + " (the renderer must render every frame as an intra picture with the master's settings)");
          }
          slotStart[i - startPacket] = slots.position();
          slotSize[i - startPacket] = mirrored.length;
          ByteBuffer b = ByteBuffer.wrap(mirrored);
          while (b.hasRemaining()) slots.write(b);
          replaced++;
        }
      }
      if (replaced != s.frames()) {
        throw new PatchworkException("found " + replaced + " of the master's pictures for the " + s.frames() + " frames of " + s);
      }
      try (FileChannel slots = FileChannel.open(slotFile)) {
        int written = Mp4SampleSwap.write(base, out, new Mp4SampleSwap.Replacements() {
          @Override
          public long size(int sample) {
            return slotSize[sample];
          }

          @Override
          public void transferTo(int sample, FileChannel dst) throws IOException {
            long pos = slotStart[sample];
            long left = slotSize[sample];
            while (left > 0) {
              long moved = slots.transferTo(pos, left, dst);
              if (moved <= 0) throw new IOException("the slot file ends early");
              pos += moved;
              left -= moved;
            }
          }
        });
        if (written != count) {
          throw new PatchworkException("the master's packets " + startPacket + "-" + (endPacket - 1) + " came out as " + written
              + " samples, not " + count);
        }
      }
      Files.deleteIfExists(base);
      Files.deleteIfExists(slotFile);
      PacketIndex oi = FfprobeProber.packets(tools, out, 0).toIndex(RenderedSegment.timeBaseOf(tools, out), new BitSet());
      if (oi.packetCount() != count) throw new PatchworkException("the spliced open GOP at frame " + point.frame() + " lost packets");
      String sha = Hashing.payloadSha256(out, FilePackets.formatOf(out), oi, 0, count).orElse(null);
      long earliest = Long.MAX_VALUE;
      long bytes = 0;
      for (int i = 0; i < count; i++) {
        earliest = Math.min(earliest, oi.pts(i));
        bytes += oi.byteSize(i);
      }
      if (!oi.timeBase().equals(tb)) throw new PatchworkException("the spliced open GOP at frame " + point.frame() + " has time base " + oi.timeBase());
      RenderedSegment slotted = new RenderedSegment(s, intra.rendered(), out, intra.audio(), count, bytes, sha, mi.frameOf(startPacket));
      return new Slotted(slotted, SpliceTime.ceilMicros(earliest, tb));
    } catch (IOException e) {
      throw new PatchworkException("cannot splice before the open GOP at frame " + point.frame() + ": " + e.getMessage(), e);
    }
  }

  private static String extension(SpliceContainer c) {
    return c == SpliceContainer.MOV ? "mov" : "mp4";
  }
}
