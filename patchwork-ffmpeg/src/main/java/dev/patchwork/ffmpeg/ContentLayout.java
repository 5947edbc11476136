package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.ContentHasher;
import java.util.List;

/**
 * How a probed master's bytes split into the sidecar's content regions (see {@code docs/sidecar.md}): the header,
 * one region per GOP (for intra-only masters, per run of about a second of frames) and the trailer.
 *
 * <p>A GOP region starts at the container record of its random-access point's packet ({@link PacketIndex#position})
 * and runs to the next point's; the last one ends where the last video packet's payload ends, and the trailer
 * holds the rest. Its frames are the display frames of the video packets in it: for a long-GOP master the point's
 * leading pictures and the frames up to the next point's leading pictures. Both are checked against the packet
 * index, so a master whose packets do not fit this picture is refused rather than described wrongly.
 *
 * <p>Held in primitive arrays: a few longs per region.
 */
final class ContentLayout {

  /** Span boundaries for {@link ContentHasher}: header, regions…, trailer; {@code regions + 3} entries. */
  final long[] bounds;
  /** Per region, its first packet in decode order; one more entry: the packet count. */
  final int[] firstPacket;
  /** Per region, its first display frame; one more entry: the frame count. */
  final long[] startFrame;
  /** Per region, its random-access point's leading pictures. */
  final long[] leading;

  private ContentLayout(long[] bounds, int[] firstPacket, long[] startFrame, long[] leading) {
    this.bounds = bounds;
    this.firstPacket = firstPacket;
    this.startFrame = startFrame;
    this.leading = leading;
  }

  int regionCount() {
    return leading.length;
  }

  /** The span index of region {@code r} (span 0 is the header). */
  static int spanOf(int region) {
    return region + 1;
  }

  /**
   * @param lastPayloadEnd where the last video packet's payload ends in the file
   * @throws UnsupportedMasterException if the video packets are not stored in decode order, or their display frames
   *                                    do not fall into the regions the random-access points imply
   */
  static ContentLayout of(MediaProbe probe, long fileSize, long lastPayloadEnd) {
    PacketIndex index = probe.packets();
    String where = probe.path().toString();
    int packets = index.packetCount();
    long frames = probe.frameCount();
    int regions;
    int[] first;
    long[] start;
    long[] lead;
    if (probe.intraOnly()) {
      long run = framesPerRegion(probe);
      regions = (int) ((frames + run - 1) / run);
      first = new int[regions + 1];
      start = new long[regions + 1];
      lead = new long[regions];
      for (int r = 0; r < regions; r++) {
        start[r] = r * run;
        first[r] = index.packetOf(start[r]);
      }
    } else {
      List<AccessPoint> points = probe.accessPoints();
      regions = points.size();
      first = new int[regions + 1];
      start = new long[regions + 1];
      lead = new long[regions];
      for (int r = 0; r < regions; r++) {
        AccessPoint p = points.get(r);
        first[r] = p.packet();
        start[r] = p.leading().start();
        lead[r] = p.lead();
      }
    }
    first[regions] = packets;
    start[regions] = frames;
    if (start[0] != 0 || lead[0] != 0) throw new IllegalStateException("the first region must start at a closed frame 0");

    // decode order must be file order from the first region on, and nothing before it may be shown
    for (int i = 0; i < first[0]; i++) {
      if (index.isDisplayed(i)) {
        throw new UnsupportedMasterException(where + ": video packet " + i + " is stored before the first random-access "
            + "point yet displayed; Patchwork cannot index this master");
      }
    }
    long previous = -1;
    for (int i = first[0]; i < packets; i++) {
      long pos = index.position(i);
      if (pos == PacketIndex.ABSENT || pos < 0) {
        throw new UnsupportedMasterException(where + ": the container does not say where video packet " + i
            + " lies in the file; Patchwork cannot hash this master by region");
      }
      if (pos <= previous) {
        throw new UnsupportedMasterException(where + ": video packet " + i + " lies at byte " + pos + ", before the packet "
            + "decoded ahead of it (byte " + previous + "); Patchwork needs the video stored in decode order");
      }
      previous = pos;
    }
    for (int r = 0; r < regions; r++) {
      if (first[r + 1] <= first[r] || start[r + 1] <= start[r]) {
        throw new UnsupportedMasterException(where + ": the random-access points do not follow each other in decode and "
            + "display order (region " + r + "); Patchwork cannot index this master");
      }
      for (int i = first[r]; i < first[r + 1]; i++) {
        if (!index.isDisplayed(i)) continue;
        long f = index.frameOf(i);
        if (f < start[r] || f >= start[r + 1]) {
          throw new UnsupportedMasterException(where + ": video packet " + i + " (frame " + f + ") is stored in the GOP of "
              + "frames " + start[r] + "-" + (start[r + 1] - 1) + " but displayed outside it; Patchwork cannot index this master");
        }
      }
    }

    long[] bounds = new long[regions + 3];
    bounds[0] = 0;
    for (int r = 0; r < regions; r++) bounds[r + 1] = index.position(first[r]);
    long end = Math.max(lastPayloadEnd, bounds[regions] + 1);
    if (end > fileSize) {
      throw new ValidationException(where, "the last video packet ends at byte " + end + " but the file has only " + fileSize
          + " bytes; the file is truncated");
    }
    bounds[regions + 1] = end;
    bounds[regions + 2] = fileSize;
    return new ContentLayout(bounds, first, start, lead);
  }

  /** About one second of frames: the timecode's frames per second (24 at 23.976), at least 1. */
  static long framesPerRegion(MediaProbe probe) {
    return Math.max(1, probe.frameRate().timecodeBase());
  }
}
