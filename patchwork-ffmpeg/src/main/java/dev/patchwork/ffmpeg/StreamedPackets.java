package dev.patchwork.ffmpeg;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.PictureClassifier;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Picture;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads packet payloads through ffmpeg when the file cannot be read at ffprobe's positions (MPEG-TS splits a
 * packet over many transport packets): {@code ffmpeg -i master -map 0:<v> -c copy -f data pipe:1} writes every
 * packet's payload back to back, in the same order and sizes as ffprobe lists them; each needed packet's first
 * bytes are classified as they pass and nothing else is kept. One sequential read of the stream.
 */
final class StreamedPackets {

  private static final int HEAD = 64 * 1024;

  private StreamedPackets() {}

  static Map<Integer, Picture> classify(FfmpegTools tools, Path media, int streamIndex, PacketTable table, BitSet needed,
      Codec codec, int lengthSize) {
    Map<Integer, Picture> out = new HashMap<>();
    List<String> argv = List.of(tools.ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(),
        "-map", "0:" + streamIndex, "-c", "copy", "-copyinkf", "-f", "data", "pipe:1");
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).onStdout(in -> {
      byte[] head = new byte[HEAD];
      byte[] skip = new byte[64 * 1024];
      for (int i = 0; i < table.count(); i++) {
        int size = table.size(i);
        int kept = 0;
        if (needed.get(i)) {
          kept = Math.min(size, HEAD);
          readFully(in, head, kept, i);
          out.put(i, PictureClassifier.classify(codec, new Head(head, kept, size), lengthSize));
        }
        long left = size - kept;
        while (left > 0) {
          int r = in.read(skip, 0, (int) Math.min(skip.length, left));
          if (r < 0) throw mismatch(i, "the stream ended early");
          left -= r;
        }
      }
      if (in.read() >= 0) throw mismatch(table.count(), "ffmpeg wrote more bytes than ffprobe's packets hold");
    }).run();
    return out;
  }

  private static void readFully(InputStream in, byte[] b, int n, int packet) throws IOException {
    int got = 0;
    while (got < n) {
      int r = in.read(b, got, n - got);
      if (r < 0) throw mismatch(packet, "the stream ended early");
      got += r;
    }
  }

  private static UnsupportedMasterException mismatch(int packet, String why) {
    return new UnsupportedMasterException("cannot read the video packets exactly (at packet " + packet + ": " + why
        + "); ffmpeg's and ffprobe's views of this file differ");
  }

  /** The first bytes of a packet, as far as they were kept. */
  private record Head(byte[] bytes, int kept, int size) implements PacketBytes {
    @Override
    public int read(long offset, byte[] dst, int dstOffset, int len) {
      if (offset >= kept) return 0;
      int n = (int) Math.min(len, kept - offset);
      System.arraycopy(bytes, (int) offset, dst, dstOffset, n);
      return n;
    }
  }
}
