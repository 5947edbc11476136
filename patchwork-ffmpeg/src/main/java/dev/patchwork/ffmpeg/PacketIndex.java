package dev.patchwork.ffmpeg;

import java.util.Objects;

/**
 * The packets of a master's video stream in decode (file) order, with their timestamps and byte positions, and
 * the mapping between packets and frames in display order. Immutable; held in primitive arrays (about 45 bytes
 * per packet: a two-hour 24 fps master of 172,800 packets takes under 8 MB).
 *
 * <p>Frame {@code i} is the packet with the {@code i}-th smallest presentation timestamp among the packets that
 * are displayed. A packet is not displayed when the container marks it to be discarded (an edit list trimming
 * it away) or when decoders must skip it (HEVC RASL pictures of a BLA, or of the CRA a stream starts with).
 * Timestamps are in {@link #timeBase()} units; {@link #ABSENT} marks a value ffprobe reported as {@code N/A}.
 */
public final class PacketIndex {

  /** A timestamp, duration or position that is not known. */
  public static final long ABSENT = Long.MIN_VALUE;

  static final byte KEY = 1;
  static final byte DISCARD = 2;
  static final byte CORRUPT = 4;
  static final byte SKIPPED = 8;

  private final TimeBase timeBase;
  private final int count;
  private final long[] pts;
  private final long[] dts;
  private final long[] duration;
  private final long[] position;
  private final int[] size;
  private final byte[] flags;
  private final int[] frameOfPacket;
  private final int[] packetOfFrame;

  /**
   * Takes ownership of the arrays (callers in this package build them and let go); only the first {@code count}
   * entries of the per-packet arrays are used, so a builder's spare capacity need not be copied away.
   */
  PacketIndex(TimeBase timeBase, int count, long[] pts, long[] dts, long[] duration, long[] position, int[] size, byte[] flags,
      int[] frameOfPacket, int[] packetOfFrame) {
    this.timeBase = Objects.requireNonNull(timeBase, "timeBase");
    if (count < 0 || pts.length < count || dts.length < count || duration.length < count || position.length < count
        || size.length < count || flags.length < count || frameOfPacket.length < count) {
      throw new IllegalArgumentException("packet arrays shorter than " + count);
    }
    this.count = count;
    this.pts = pts;
    this.dts = dts;
    this.duration = duration;
    this.position = position;
    this.size = size;
    this.flags = flags;
    this.frameOfPacket = frameOfPacket;
    this.packetOfFrame = packetOfFrame;
  }

  public TimeBase timeBase() {
    return timeBase;
  }

  /** Packets in the video stream, displayed or not. */
  public int packetCount() {
    return count;
  }

  /** Frames the stream displays. */
  public int frameCount() {
    return packetOfFrame.length;
  }

  /** Presentation timestamp of a packet, or {@link #ABSENT}. */
  public long pts(int packet) {
    return pts[Objects.checkIndex(packet, count)];
  }

  /** Decoding timestamp of a packet, or {@link #ABSENT} (Matroska does not store it). */
  public long dts(int packet) {
    return dts[Objects.checkIndex(packet, count)];
  }

  /** Duration of a packet, or {@link #ABSENT}. */
  public long duration(int packet) {
    return duration[Objects.checkIndex(packet, count)];
  }

  /**
   * Byte position ffprobe reports for a packet, or {@link #ABSENT}. This is where the container's record of the
   * packet starts: the sample itself in MOV/MP4, the Matroska block header (track number, timecode, flags) before
   * the frame, the MXF KLV key before the essence.
   */
  public long position(int packet) {
    return position[Objects.checkIndex(packet, count)];
  }

  /** Size of a packet's payload in bytes. */
  public int byteSize(int packet) {
    return size[Objects.checkIndex(packet, count)];
  }

  /** True if the container flags the packet as a keyframe (not proof of a clean random-access point). */
  public boolean isKeyFlagged(int packet) {
    return (flags[Objects.checkIndex(packet, count)] & KEY) != 0;
  }

  /** True if the packet produces a frame. */
  public boolean isDisplayed(int packet) {
    return frameOfPacket[Objects.checkIndex(packet, count)] >= 0;
  }

  /** The display-order frame of a packet, or -1 if it is not displayed. */
  public int frameOf(int packet) {
    return frameOfPacket[Objects.checkIndex(packet, count)];
  }

  /** The packet holding display-order frame {@code frame}. */
  public int packetOf(long frame) {
    Objects.checkIndex(frame, packetOfFrame.length);
    return packetOfFrame[(int) frame];
  }

  @Override
  public String toString() {
    return "PacketIndex[" + count + " packets, " + packetOfFrame.length + " frames, time base " + timeBase + "]";
  }
}
