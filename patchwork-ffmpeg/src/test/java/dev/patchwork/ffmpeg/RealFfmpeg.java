package dev.patchwork.ffmpeg;

import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The real ffmpeg for integration tests (normally the org.bytedeco bundle on the test class path, extracted once into
 * {@code target/patchwork-test-cache}), media generation from lavfi sources, and independent evidence from ffprobe and
 * ffmpeg's own bitstream parser ({@code trace_headers}).
 */
public final class RealFfmpeg {

  private static FfmpegTools tools;

  private RealFfmpeg() {}

  /** Located once per test JVM. */
  public static synchronized FfmpegTools tools() {
    if (tools == null) {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("XDG_CACHE_HOME", Path.of("target", "patchwork-test-cache").toAbsolutePath().toString());
      tools = FfmpegTools.locate(env);
    }
    return tools;
  }

  /** Runs ffmpeg with {@code args} (after {@code -v error -y -nostdin}) and returns {@code output}. */
  public static Path ffmpeg(Path output, String... args) {
    List<String> argv = new ArrayList<>(List.of(tools().ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    argv.add(output.toString());
    ProcessRunner.command(argv).environment(tools().environment()).quitOnCancel(false).run();
    if (!Files.isRegularFile(output)) throw new AssertionError("ffmpeg made no " + output);
    return output;
  }

  /** {@code frames} frames of testsrc2 at {@code rate}, 320x240, plus a sine tone, encoded with {@code codecArgs}. */
  public static Path testClip(Path output, String rate, int frames, String... codecArgs) {
    List<String> args = new ArrayList<>(List.of(
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + rate,
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-frames:v", Integer.toString(frames), "-shortest"));
    args.addAll(List.of(codecArgs));
    return ffmpeg(output, args.toArray(String[]::new));
  }

  /**
   * A new source for a {@link #testClip} master: the same picture with its hue turned and an 880 Hz tone, 25 fps,
   * lossless video (FFV1) and {@code audioCodec}, in Matroska.
   */
  public static Path newSource(Path output, int frames, String audioCodec) {
    return ffmpeg(output, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90", "-f", "lavfi", "-i",
        "sine=frequency=880:sample_rate=48000", "-frames:v", Integer.toString(frames), "-shortest", "-c:v", "ffv1", "-c:a", audioCodec);
  }

  /** Runs ffprobe with {@code args} (after {@code -v error}) on {@code media} and returns stdout. */
  public static String ffprobe(Path media, String... args) {
    List<String> argv = new ArrayList<>(List.of(tools().ffprobe().toString(), "-v", "error"));
    argv.addAll(List.of(args));
    argv.add(media.toString());
    return ProcessRunner.command(argv).environment(tools().environment()).collectStdout().quitOnCancel(false).run().stdout();
  }

  /** Frames a full decode of the first video stream yields ({@code ffprobe -count_frames}). */
  public static long decodedFrameCount(Path media) {
    // MPEG-TS lists the stream once more under its program: take the first line
    String out = ffprobe(media, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0");
    return Long.parseLong(out.strip().lines().findFirst().orElseThrow().split(",")[0].strip());
  }

  /** A decoded frame: its pts and picture type ({@code I}, {@code P}, {@code B}). */
  public record DecodedFrame(long pts, char type) {}

  /** The frames a full decode of the first video stream yields, in display order. */
  public static List<DecodedFrame> decodedFrames(Path media) {
    List<DecodedFrame> out = new ArrayList<>();
    for (String line : ffprobe(media, "-select_streams", "v:0", "-show_entries", "frame=pts,pict_type", "-of", "csv=p=0").split("\n")) {
      String[] f = line.strip().split(",");
      if (f.length < 2) continue;
      out.add(new DecodedFrame(f[0].equals("N/A") ? Long.MIN_VALUE : Long.parseLong(f[0]), f[1].charAt(0)));
    }
    return out;
  }

  /** Picture types of the decoded frames in display order ({@code "IPBB…"}), from a full decode. */
  public static String decodedPictTypes(Path media) {
    StringBuilder sb = new StringBuilder();
    for (DecodedFrame f : decodedFrames(media)) sb.append(f.type());
    return sb.toString();
  }

  /**
   * One video packet as ffmpeg's bitstream tracer ({@code -bsf:v trace_headers}) sees it, in decode order.
   *
   * @param pts        its pts as printed
   * @param key        the container's key flag
   * @param syntax     the syntax elements traced for the packet, as {@code name=value} in order
   */
  public record TracedPacket(long pts, boolean key, List<String> syntax) {
    /** Values of one syntax element, in order. */
    public List<Long> values(String name) {
      List<Long> out = new ArrayList<>();
      for (String s : syntax) {
        int eq = s.indexOf('=');
        if (s.substring(0, eq).equals(name)) out.add(Long.parseLong(s.substring(eq + 1)));
      }
      return out;
    }
  }

  /** The video packets of {@code media} traced by ffmpeg's CBS parsers (independent of Patchwork's parser). */
  public static List<TracedPacket> trace(Path media) {
    List<String> argv = List.of(tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", media.toString(), "-map", "0:v:0",
        "-c:v", "copy", "-bsf:v", "trace_headers", "-f", "null", "-");
    List<TracedPacket> packets = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(tools().environment()).quitOnCancel(false).stderrTailLines(5).onStderrLine(lines::add).run();
    Long pts = null;
    boolean key = false;
    List<String> syntax = new ArrayList<>();
    for (String line : lines) {
      int tag = line.indexOf("[trace_headers");
      if (tag < 0) continue;
      String body = line.substring(line.indexOf(']', tag) + 1).strip();
      if (body.startsWith("Packet:")) {
        if (pts != null) packets.add(new TracedPacket(pts, key, syntax));
        key = body.contains("key frame");
        int p = body.indexOf("pts ");
        String v = body.substring(p + 4, body.indexOf(',', p));
        pts = v.equals("N/A") ? Long.MIN_VALUE : Long.parseLong(v);
        syntax = new ArrayList<>();
      } else if (pts != null) {
        // "<bit position> <name> <bits> = <value>"
        String[] parts = body.split("\\s+");
        int eq = body.lastIndexOf(" = ");
        if (parts.length >= 4 && eq > 0) {
          syntax.add(parts[1].replaceAll("\\[.*", "").toLowerCase(Locale.ROOT) + "=" + body.substring(eq + 3).strip());
        }
      }
    }
    if (pts != null) packets.add(new TracedPacket(pts, key, syntax));
    return packets;
  }

  /** A packet as ffprobe lists it ({@code -show_entries packet=pts,size,pos,flags}), in file order; pts {@code Long.MIN_VALUE} and pos -1 when N/A. */
  public record ProbedPacket(long pts, long pos, int size, boolean key) {}

  /** The packets of the streams {@code select} names ({@code v:0}, {@code a:0}), as ffprobe lists them. */
  public static List<ProbedPacket> packets(Path media, String select) {
    List<ProbedPacket> out = new ArrayList<>();
    for (String line : ffprobe(media, "-select_streams", select, "-show_entries", "packet=pts,pos,size,flags", "-of", "compact=p=0")
        .split("\n")) {
      Map<String, String> f = new HashMap<>();
      for (String kv : line.strip().split("\\|")) {
        int eq = kv.indexOf('=');
        if (eq > 0) f.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      if (!f.containsKey("size")) continue;
      String pts = f.get("pts");
      String pos = f.get("pos");
      out.add(new ProbedPacket(pts.equals("N/A") ? Long.MIN_VALUE : Long.parseLong(pts), pos.equals("N/A") ? -1 : Long.parseLong(pos),
          Integer.parseInt(f.get("size")), f.get("flags").contains("K")));
    }
    return out;
  }

  /** One line of {@code -f framemd5}: the stream's timestamp of the frame or packet, and its MD5. */
  public record Md5(long pts, String md5) {}

  /** Per-packet MD5s of the first video stream in decode order ({@code -c copy -f framemd5}): the packets' bytes. */
  public static List<Md5> packetMd5s(Path media) {
    return framemd5(media, "-map", "0:v:0", "-c", "copy");
  }

  /** Per-packet MD5s of the first audio stream ({@code -c copy -f framemd5}): the packets' bytes. */
  public static List<Md5> audioPacketMd5s(Path media) {
    return framemd5(media, "-map", "0:a:0", "-c", "copy");
  }

  /** MD5s of the decoded pictures of the first video stream, in display order. */
  public static List<Md5> decodedMd5s(Path media) {
    return framemd5(media, "-map", "0:v:0");
  }

  private static List<Md5> framemd5(Path media, String... args) {
    List<String> argv = new ArrayList<>(List.of(tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("-f", "framemd5", "-"));
    String out = ProcessRunner.command(argv).environment(tools().environment()).collectStdout().quitOnCancel(false).run().stdout();
    List<Md5> md5s = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      String[] f = line.split(",");
      md5s.add(new Md5(Long.parseLong(f[2].strip()), f[f.length - 1].strip()));
    }
    return md5s;
  }

  /** What {@code ffmpeg -v error -i media -f null -} prints: empty when every stream decodes cleanly. */
  public static String decodeErrors(Path media) {
    List<String> argv = List.of(tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-f", "null", "-");
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    return String.join("\n", lines).strip();
  }

  /** A video packet as ffprobe lists it, in decode order. */
  public record Packet(long pts, long dts, long duration, int size, boolean key) {}

  /** The first video stream's packets in decode order. */
  public static List<Packet> videoPackets(Path media) {
    List<Packet> out = new ArrayList<>();
    String text = ffprobe(media, "-select_streams", "v:0", "-show_entries", "packet=pts,dts,duration,size,flags", "-of", "csv=p=0");
    for (String line : text.split("\n")) {
      String[] f = line.strip().split(",");
      if (f.length < 5) continue;
      out.add(new Packet(num(f[0]), num(f[1]), num(f[2]), Integer.parseInt(f[3]), f[4].contains("K")));
    }
    return out;
  }

  /** The first video stream's packets as ffmpeg's demuxer hands them out ({@code -c copy -f data}), back to back. */
  public static byte[] videoPayloads(Path media) {
    List<String> argv = List.of(tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map", "0:v:0",
        "-c", "copy", "-copyinkf", "-f", "data", "pipe:1");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ProcessRunner.command(argv).environment(tools().environment()).quitOnCancel(false).onStdout(in -> in.transferTo(out)).run();
    return out.toByteArray();
  }

  private static long num(String s) {
    return s.equals("N/A") ? Long.MIN_VALUE : Long.parseLong(s);
  }

  /** The {@code timecode} tag ffprobe finds first: a stream's, else the container's; empty if none. */
  public static String timecode(Path media) {
    String streams = ffprobe(media, "-show_entries", "stream_tags=timecode:format_tags=timecode", "-of", "default=nw=1:nk=1");
    return streams.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
  }

  /** The decoded samples of audio stream {@code index} as signed 32-bit integers, interleaved. */
  public static int[] audioSamples(Path media, int index) {
    List<String> argv = List.of(tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map", "0:a:" + index,
        "-c:a", "pcm_s32le", "-f", "s32le", "-");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    ProcessRunner.command(argv).environment(tools().environment()).quitOnCancel(false).onStdout(in -> in.transferTo(bytes)).run();
    java.nio.IntBuffer ints = java.nio.ByteBuffer.wrap(bytes.toByteArray()).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer();
    int[] out = new int[ints.remaining()];
    ints.get(out);
    return out;
  }
}
