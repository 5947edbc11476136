package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.PictureClassifier;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.StringJoiner;

/**
 * The first kept GOP after a re-rendered segment, when it cannot be copied as it is: its random-access point has
 * leading pictures (shown before it, inside the re-rendered range, and referencing the GOP that was replaced), or,
 * for HEVC, it is a CRA whose picture order count would continue from the replaced pictures.
 *
 * <p>The GOP (up to the next random-access point) is copied out of the master into a small file of its own with the
 * leading pictures dropped and the point's decoding time moved to just before the next packet, so the decoding
 * times stay evenly spaced across the seam. Then, in that copy only:
 * <ul>
 *   <li>HEVC: the CRA's NAL unit type becomes BLA_W_LP (one byte per slice): decoders then start a new coded video
 *       sequence there, reset the picture order count and output every re-rendered picture before it. (ffmpeg's
 *       decoder copes without the retype, but a CRA after foreign pictures is not a conforming splice.)
 *   <li>MPEG-2: {@code closed_gop} is set in the GOP header (no picture of the GOP references the previous one any
 *       more) and each picture's {@code temporal_reference} is lowered by the number of dropped pictures, so it again
 *       counts display order from the GOP start. MXF derives its index (display order) from these fields, so for an
 *       MXF master the copy is an elementary stream that is edited and then wrapped in MXF.
 * </ul>
 * Every other packet of the GOP keeps its bytes. x264's open GOPs (an I picture with a recovery point, not an IDR)
 * cannot be bridged like this: the kept pictures carry on the {@code frame_num} and picture order count of the
 * pictures decoded before them and name those in their reference marking. The planner therefore never starts a
 * KEEP there after a RENDER ({@link dev.patchwork.plan.RandomAccessPoint#keepStart()}); the render runs on to the
 * next IDR picture, which x264 in open-GOP mode writes only at the start, so to the end of the master.
 *
 * @param file    the bridge, in a container the concat script can read with the master's time base
 * @param packets video packets in it
 * @param bytes   video bytes in it
 */
record SeamBridge(Path file, int packets, long bytes) {

  /**
   * True if the KEEP starting at {@code point} after a RENDER needs a bridge.
   *
   * @throws UnsupportedMasterException if no kept GOP can start at {@code point} after re-rendered pictures
   */
  static boolean needed(MediaProbe master, SpliceContainer container, AccessPoint point) {
    boolean needed = point.lead() > 0 || point.kind() == AccessPoint.Kind.CRA;
    if (needed) {
      String codec = master.video().codecName();
      boolean mpeg2 = codec.equals("mpeg2video") || codec.equals("mpeg1video");
      boolean supported = container == SpliceContainer.MXF ? mpeg2
          : mpeg2 || codec.equals("hevc") || (codec.equals("h264") && point.kind() == AccessPoint.Kind.IDR);
      if (!supported) {
        throw new UnsupportedMasterException("cannot splice before the open random-access point at frame " + point.frame() + " of this "
            + codec + " master in " + container.muxer());
      }
    }
    return needed;
  }

  /**
   * Builds the bridge for the GOP of {@code point}, up to packet {@code endPacket} (the next point's, or the end).
   *
   * @param dir where to put the bridge and its work files
   * @param extradata the master's video extradata (its {@code hvcC} tells how long the NAL unit lengths are)
   */
  static SeamBridge build(FfmpegTools tools, MasterTimeline timeline, SpliceContainer container, AccessPoint point, int endPacket,
      Path dir, java.util.function.Supplier<byte[]> extradata) {
    MediaProbe master = timeline.probe();
    String codec = master.video().codecName();
    boolean mpeg2 = codec.equals("mpeg2video") || codec.equals("mpeg1video");
    boolean hevc = codec.equals("hevc");
    boolean elementary = container == SpliceContainer.MXF;
    String tag = "bridge-" + point.frame();
    Path list = dir.resolve(tag + ".ffconcat");
    Path out = dir.resolve(tag + (elementary ? ".m2v" : "." + extension(container)));

    List<Integer> leading = timeline.leadingPackets(point, endPacket);
    ConcatScript script = new ConcatScript();
    Long outpoint = endPacket < master.packets().packetCount() ? timeline.outpointMicros(endPacket) : null;
    script.add(master.path(), timeline.micros(point.frame()), outpoint, null);
    script.write(list);

    List<String> bsf = new ArrayList<>();
    if (!leading.isEmpty()) {
      StringJoiner drop = new StringJoiner("+", "noise=drop=", "");
      for (int p : leading) drop.add("eq(n\\," + (p - point.packet()) + ")");
      bsf.add(drop.toString());
      if (!elementary) {
        long t = SpliceTime.frameTicks(master.frameRate(), master.packets().timeBase());
        bsf.add("setts=pts=PTS:dts=if(eq(N\\,0)*not(eq(NEXT_DTS\\,NOPTS))\\,NEXT_DTS-" + t + "\\,DTS)");
      }
    }
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
        "-copyts", "-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", list.toString(), "-map", "0:v:0", "-c", "copy"));
    if (!bsf.isEmpty()) argv.addAll(List.of("-bsf:v", String.join(",", bsf)));
    if (elementary) {
      argv.addAll(List.of("-f", "mpeg2video", out.toString()));
    } else {
      argv.addAll(RenderedSegment.containerVideoArgs(master, container));
      argv.addAll(List.of("-f", container.muxer(), out.toString()));
    }
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).run();

    int expected = endPacket - point.packet() - leading.size();
    int lead = leading.size();
    try {
      if (elementary) {
        editElementary(out, lead, expected);
        Path mxf = dir.resolve(tag + ".mxf");
        ProcessRunner.command(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
            "-f", "mpegvideo", "-framerate", master.frameRate().toString(), "-i", out.toString(), "-c", "copy", "-f", "mxf",
            mxf.toString())).environment(tools.environment()).quitOnCancel(false).run();
        out = mxf;
      }
      PacketTable t = FfprobeProber.packets(tools, out, 0);
      PacketIndex index = t.toIndex(RenderedSegment.timeBaseOf(tools, out), new BitSet());
      if (index.packetCount() != expected) {
        throw new PatchworkException("the bridge for frame " + point.frame() + " has " + index.packetCount() + " packets, expected " + expected);
      }
      if (!elementary) {
        if (hevc && point.kind() == AccessPoint.Kind.CRA) retypeCra(extradata.get(), out, index);
        if (mpeg2) editPackets(out, index, lead);
      }
      long bytes = 0;
      for (int i = 0; i < index.packetCount(); i++) bytes += index.byteSize(i);
      return new SeamBridge(out, index.packetCount(), bytes);
    } catch (IOException e) {
      throw new PatchworkException("cannot edit the bridge " + out + ": " + e, e);
    }
  }

  private static String extension(SpliceContainer c) {
    return switch (c) {
      case MOV -> "mov";
      case MP4 -> "mp4";
      case MATROSKA -> "mkv";
      case MXF -> "mxf";
    };
  }

  // --- HEVC ----------------------------------------------------------------------------------------------

  static final int HEVC_CRA = 21;
  static final int HEVC_BLA_W_LP = 16;

  /** Rewrites the NAL unit type of every CRA slice in the bridge's first packet to BLA_W_LP. */
  private static void retypeCra(byte[] extradata, Path bridge, PacketIndex index) throws IOException {
    int lengthSize = PictureClassifier.nalLengthSize(PictureClassifier.Codec.HEVC, extradata);
    if (lengthSize == 0) throw new UnsupportedMasterException("cannot find the NAL units of this HEVC master (no hvcC length size)");
    try (FilePackets packets = new FilePackets(bridge, FilePackets.formatOf(bridge));
        FileChannel ch = FileChannel.open(bridge, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long start = packets.payloadStart(index.position(0), index.byteSize(0));
      if (start < 0) throw new IOException("the bridge's first packet is not where ffprobe says");
      byte[] data = read(ch, start, index.byteSize(0));
      int retyped = retypeCraSlices(data, lengthSize);
      if (retyped == 0) throw new IOException("the bridge's first packet holds no CRA slice");
      ch.write(ByteBuffer.wrap(data), start);
      ch.force(false);
    }
  }

  /** Retypes CRA slices in a length-prefixed HEVC access unit in place; returns how many. */
  static int retypeCraSlices(byte[] au, int lengthSize) throws IOException {
    int retyped = 0;
    int off = 0;
    while (off + lengthSize < au.length) {
      long len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (au[off + i] & 0xFF);
      int nal = off + lengthSize;
      if (len < 2 || nal + len > au.length) throw new IOException("NAL unit lengths do not add up at byte " + off);
      int type = (au[nal] >> 1) & 0x3F;
      if (type == HEVC_CRA) {
        au[nal] = (byte) ((au[nal] & 0x81) | (HEVC_BLA_W_LP << 1));
        retyped++;
      }
      off = (int) (nal + len);
    }
    if (off != au.length) throw new IOException("NAL unit lengths do not end at the packet's end");
    return retyped;
  }

  // --- MPEG-2 --------------------------------------------------------------------------------------------

  private static void editPackets(Path bridge, PacketIndex index, int lead) throws IOException {
    try (FilePackets packets = new FilePackets(bridge, FilePackets.formatOf(bridge));
        FileChannel ch = FileChannel.open(bridge, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      for (int i = 0; i < index.packetCount(); i++) {
        long start = packets.payloadStart(index.position(i), index.byteSize(i));
        if (start < 0) throw new IOException("packet " + i + " of the bridge is not where ffprobe says");
        byte[] data = read(ch, start, index.byteSize(i));
        fixMpeg2(data, lead, i == 0);
        ch.write(ByteBuffer.wrap(data), start);
      }
      ch.force(false);
    }
  }

  private static void editElementary(Path es, int lead, int expectedPictures) throws IOException {
    byte[] data = Files.readAllBytes(es);
    int pictures = fixMpeg2(data, lead, true);
    if (pictures != expectedPictures) {
      throw new IOException("the bridge holds " + pictures + " pictures, expected " + expectedPictures);
    }
    Files.write(es, data);
  }

  /**
   * In MPEG-1/2 video bytes: sets {@code closed_gop} in the first GOP header (if {@code firstGop}) and lowers every
   * picture's {@code temporal_reference} by {@code lead}. Returns the number of pictures.
   */
  static int fixMpeg2(byte[] d, int lead, boolean firstGop) {
    int pictures = 0;
    boolean gopSeen = !firstGop;
    for (int j = 0; j + 5 < d.length; j++) {
      if (d[j] != 0 || d[j + 1] != 0 || d[j + 2] != 1) continue;
      int code = d[j + 3] & 0xFF;
      if (code == 0xB8 && !gopSeen && j + 7 < d.length) {
        // group_start_code, time_code (25 bits), closed_gop, broken_link: closed_gop is bit 6 of the 4th byte
        d[j + 7] = (byte) (d[j + 7] | 0x40);
        gopSeen = true;
      } else if (code == 0x00) {
        int tr = (d[j + 4] & 0xFF) << 2 | (d[j + 5] & 0xFF) >> 6;
        int fixed = Math.floorMod(tr - lead, 1024);
        d[j + 4] = (byte) (fixed >> 2);
        d[j + 5] = (byte) ((d[j + 5] & 0x3F) | (fixed & 3) << 6);
        pictures++;
      }
      j += 2;
    }
    return pictures;
  }

  // --- helpers -------------------------------------------------------------------------------------------

  private static byte[] read(FileChannel ch, long pos, int size) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(size);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) throw new IOException("the file ends inside a packet");
    }
    return buf.array();
  }
}
