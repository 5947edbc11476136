package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Collects ffprobe's packet lines ({@code -show_entries packet=pts,dts,duration,size,pos,flags -of compact=p=0:nk=0},
 * e.g. {@code pts=0|dts=-1024|duration=512|size=8719|pos=48|flags=K__}) into growing primitive arrays, one line at a
 * time, and then, once, into a {@link PacketIndex} that takes over the arrays. Fields are found by name, so their
 * order does not matter.
 */
final class PacketTable {

  private final String source;
  private int n;
  private long[] pts = new long[1024];
  private long[] dts = new long[1024];
  private long[] duration = new long[1024];
  private long[] position = new long[1024];
  private int[] size = new int[1024];
  private byte[] flags = new byte[1024];
  private boolean built;

  /** @param source names the input in error messages (the media file) */
  PacketTable(String source) {
    this.source = source;
  }

  int count() {
    return n;
  }

  long pts(int i) {
    return pts[i];
  }

  int size(int i) {
    return size[i];
  }

  long position(int i) {
    return position[i];
  }

  boolean isKey(int i) {
    return (flags[i] & PacketIndex.KEY) != 0;
  }

  boolean isDiscarded(int i) {
    return (flags[i] & PacketIndex.DISCARD) != 0;
  }

  /** Adds one line of ffprobe output. */
  void accept(String line) {
    if (built) throw new IllegalStateException("already turned into an index");
    if (line.isBlank()) return;
    if (n == pts.length) grow();
    long p = PacketIndex.ABSENT;
    long d = PacketIndex.ABSENT;
    long dur = PacketIndex.ABSENT;
    long pos = PacketIndex.ABSENT;
    long sz = PacketIndex.ABSENT;
    byte f = 0;
    int i = 0;
    int len = line.length();
    while (i < len) {
      int bar = line.indexOf('|', i);
      if (bar < 0) bar = len;
      int eq = line.indexOf('=', i);
      if (eq > i && eq < bar) {
        String key = line.substring(i, eq);
        switch (key) {
          case "pts" -> p = number(line, eq + 1, bar, key);
          case "dts" -> d = number(line, eq + 1, bar, key);
          case "duration" -> dur = number(line, eq + 1, bar, key);
          case "pos" -> pos = number(line, eq + 1, bar, key);
          case "size" -> sz = number(line, eq + 1, bar, key);
          case "flags" -> {
            for (int c = eq + 1; c < bar; c++) {
              switch (line.charAt(c)) {
                case 'K' -> f |= PacketIndex.KEY;
                case 'D' -> f |= PacketIndex.DISCARD;
                case 'C' -> f |= PacketIndex.CORRUPT;
                default -> { }
              }
            }
          }
          default -> { }
        }
      }
      i = bar + 1;
    }
    if (sz == PacketIndex.ABSENT || sz < 0 || sz > Integer.MAX_VALUE) {
      throw new ValidationException(where(), "ffprobe reported a packet without a valid size: '" + line + "'");
    }
    pts[n] = p;
    dts[n] = d;
    duration[n] = dur;
    position[n] = pos;
    size[n] = (int) sz;
    flags[n] = f;
    n++;
  }

  private long number(String line, int from, int to, String key) {
    if (to - from == 3 && line.startsWith("N/A", from)) return PacketIndex.ABSENT;
    try {
      return Long.parseLong(line, from, to, 10);
    } catch (NumberFormatException e) {
      throw new ValidationException(where(), "ffprobe reported a packet " + key + " that is not a number: '" + line + "'");
    }
  }

  private String where() {
    return source + " (video packet " + n + ")";
  }

  private void grow() {
    int cap = pts.length * 2;
    pts = Arrays.copyOf(pts, cap);
    dts = Arrays.copyOf(dts, cap);
    duration = Arrays.copyOf(duration, cap);
    position = Arrays.copyOf(position, cap);
    size = Arrays.copyOf(size, cap);
    flags = Arrays.copyOf(flags, cap);
  }

  /**
   * Orders the displayed packets by presentation time.
   *
   * @param skipped packets decoders must skip (not displayed even though the container keeps them)
   * @throws UnsupportedMasterException if a displayed packet has no presentation timestamp, or two share one
   */
  PacketIndex toIndex(TimeBase timeBase, BitSet skipped) {
    if (built) throw new IllegalStateException("already turned into an index");
    built = true;
    long[] p = pts;
    byte[] f = flags;
    int displayed = 0;
    for (int i = 0; i < n; i++) {
      if (skipped.get(i)) f[i] |= PacketIndex.SKIPPED;
      if (!shown(f[i])) continue;
      if (p[i] == PacketIndex.ABSENT) {
        throw new UnsupportedMasterException(source + ": video packet " + i + " has no presentation timestamp; "
            + "Patchwork needs a container that stores them (MOV, MP4, MKV, MXF)");
      }
      displayed++;
    }
    long[] sorted = new long[displayed];
    int k = 0;
    for (int i = 0; i < n; i++) if (shown(f[i])) sorted[k++] = p[i];
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new UnsupportedMasterException(source + ": two video packets share the presentation timestamp " + sorted[i]
            + " (" + timeBase + " s units); the master's timing is broken");
      }
    }
    int[] frameOf = new int[n];
    int[] packetOf = new int[displayed];
    for (int i = 0; i < n; i++) {
      if (!shown(f[i])) {
        frameOf[i] = -1;
        continue;
      }
      int frame = Arrays.binarySearch(sorted, p[i]);
      frameOf[i] = frame;
      packetOf[frame] = i;
    }
    // the arrays pass to the index as they are (spare capacity and all): no copies of a long master's packets
    return new PacketIndex(timeBase, n, p, dts, duration, position, size, f, frameOf, packetOf);
  }

  private static boolean shown(byte f) {
    return (f & (PacketIndex.DISCARD | PacketIndex.SKIPPED)) == 0;
  }
}
