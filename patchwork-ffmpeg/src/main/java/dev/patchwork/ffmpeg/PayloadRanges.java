package dev.patchwork.ffmpeg;

import dev.patchwork.ffmpeg.internal.ContentHasher;
import java.io.IOException;

/**
 * The video packets' payloads of a file in file order, for {@link ContentHasher}: each packet's bytes as the demuxer
 * hands them out, assigned to its region's span (region {@code r} is span {@code r + 1}; span 0 is the header). Gives
 * up, with a reason, at the first payload that cannot be located or would not lie in order inside its region; the
 * caller then takes the regions' video hashes another way.
 */
final class PayloadRanges implements ContentHasher.Ranges {

  /** Where packet {@code p}'s payload starts in the file, or a negative number if that cannot be told. */
  @FunctionalInterface
  interface Locator {
    long payloadStart(int packet) throws IOException;
  }

  private final PacketIndex index;
  private final int[] firstPacket;
  private final long[] bounds;
  private final Locator locator;
  private final int end;
  private int packet;
  private int region;
  private long previousEnd;
  private long start;
  private long length;
  private volatile String reason;

  /**
   * @param firstPacket each region's first packet in decode order, then the packet after the last region
   * @param bounds      the spans' byte bounds: span {@code s} is {@code [bounds[s], bounds[s + 1])}
   */
  PayloadRanges(PacketIndex index, int[] firstPacket, long[] bounds, Locator locator) {
    this.index = index;
    this.firstPacket = firstPacket;
    this.bounds = bounds;
    this.locator = locator;
    this.packet = firstPacket[0];
    this.end = firstPacket[firstPacket.length - 1];
  }

  /** For packets that are located by their position in a file of {@code file}'s layout. */
  static PayloadRanges inFile(PacketIndex index, int[] firstPacket, long[] bounds, FilePackets file) {
    PayloadRanges r = new PayloadRanges(index, firstPacket, bounds, p -> file.payloadStart(index.position(p), index.byteSize(p)));
    if (file.layout() == FilePackets.Layout.OTHER) r.reason = "the container scatters packets";
    return r;
  }

  boolean gaveUp() {
    return reason != null;
  }

  /** Why the cursor gave up, or null. */
  String reason() {
    return reason;
  }

  @Override
  public boolean next() throws IOException {
    if (reason != null || packet >= end) return false;
    while (packet >= firstPacket[region + 1]) region++;
    int size = index.byteSize(packet);
    long s = locator.payloadStart(packet);
    int span = region + 1;
    if (s < 0 || s < previousEnd || s < bounds[span] || s + size > bounds[span + 1]) {
      reason = "packet " + packet + " at byte " + index.position(packet) + (s < 0 ? " cannot be located" : " lies out of order");
      return false;
    }
    start = s;
    length = size;
    previousEnd = s + size;
    packet++;
    return true;
  }

  @Override
  public long start() {
    return start;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public int span() {
    return region + 1;
  }
}
