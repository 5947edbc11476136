package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.AudioStream;
import dev.patchwork.sidecar.ColorInfo;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.spi.Renderer;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Masters, sidecars and evidence for renderer tests. The sidecar is built here from the prober's view of the master
 * and the encoder option string read straight out of the master's bytes (what {@code adopt} records), with stand-in
 * hashes: the renderer reads the stream description, the encoder and the random-access index, never the hashes.
 */
final class RenderFixtures {

  private static final String STAND_IN = "0".repeat(64);

  private RenderFixtures() {}

  /** A sidecar for {@code master} with {@code gop} as its GOP description. */
  static Sidecar sidecar(Path master, String container, GopStructure gop) {
    MediaProbe p = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);
    VideoStream v = p.video();
    long size;
    try {
      size = Files.size(master);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    MasterInfo info = new MasterInfo(master.getFileName().toString(), size, STAND_IN, container, p.frameCount(), p.frameRate(),
        p.startTimecode());
    String level = switch (v.codecName()) {
      case "h264" -> v.level() < 0 ? null : (v.level() / 10) + "." + (v.level() % 10);
      case "hevc" -> v.level() < 0 ? null : String.format(Locale.ROOT, "%.1f", v.level() / 30.0);
      default -> null;
    };
    dev.patchwork.sidecar.VideoStream video = new dev.patchwork.sidecar.VideoStream(v.codecName(), blank(v.profile()), level,
        v.pixFmt(), v.width(), v.height(), blank(v.sampleAspectRatio()), blank(v.fieldOrder()), v.bitRate() > 0 ? v.bitRate() : null,
        new ColorInfo(blank(v.colorPrimaries()), blank(v.colorTransfer()), blank(v.colorSpace()), blank(v.colorRange())), gop);
    List<AudioStream> audio = new ArrayList<>();
    for (dev.patchwork.ffmpeg.AudioStream a : p.audioStreams()) {
      audio.add(new AudioStream(a.codecName(), a.sampleRate(), a.channels(), blank(a.channelLayout()),
          a.bitsPerSample() > 0 ? a.bitsPerSample() : null, a.bitRate() > 0 ? a.bitRate() : null));
    }
    String options = encoderOptions(master);
    String library = switch (v.codecName()) {
      case "h264" -> options != null ? "libx264" : null;
      case "hevc" -> options != null ? "libx265" : null;
      case "prores" -> "prores_ks";
      default -> v.codecName();
    };
    Encoder encoder = new Encoder("ffmpeg", "7.1", library, options);
    List<Region> regions = new ArrayList<>();
    if (p.intraOnly()) {
      regions.add(Region.gop(0, p.frameCount(), 0, 0, 1, STAND_IN, STAND_IN));
    } else {
      List<AccessPoint> points = p.accessPoints();
      for (int i = 0; i < points.size(); i++) {
        AccessPoint a = points.get(i);
        long start = a.leading().start();
        long end = i + 1 < points.size() ? points.get(i + 1).leading().start() : p.frameCount();
        regions.add(Region.gop(start, end - start, a.lead(), i, 1, STAND_IN, STAND_IN));
      }
    }
    ContentIndex content = new ContentIndex(Region.header(0, STAND_IN), regions,
        Region.trailer(regions.size(), size - regions.size(), STAND_IN));
    return new Sidecar(info, video, audio, encoder, RenderOrigin.ffmpeg(), content, List.of());
  }

  /** The x264/x265 option string in the master's first SEI, or {@code null}. */
  static String encoderOptions(Path master) {
    byte[] b;
    try {
      b = Files.readAllBytes(master);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = new String(b, StandardCharsets.ISO_8859_1);
    int at = Math.max(text.indexOf("x264 - core"), text.indexOf("x265 (build"));
    if (at < 0) return null;
    int options = text.indexOf("options: ", at);
    int end = text.indexOf('\0', options);
    return text.substring(options + "options: ".length(), end).strip();
  }

  static Renderer.Request request(Path master, Sidecar sidecar, Segment segment, Path output) {
    return new Renderer.Request(master, sidecar, segment, output, PatchListener.NONE);
  }

  /** Per-frame MD5s of the decoded video of {@code media} in {@code pixFmt} ({@code -f framemd5}), in display order. */
  static List<String> frameHashes(Path media, String pixFmt, String... inputOptions) {
    List<String> argv = new ArrayList<>(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin"));
    argv.addAll(List.of(inputOptions));
    argv.addAll(List.of("-i", media.toString(), "-map", "0:v:0", "-pix_fmt", pixFmt, "-f", "framemd5", "-"));
    String out = ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).collectStdout().quitOnCancel(false).run().stdout();
    List<String> hashes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      String[] f = line.split(",");
      hashes.add(f[f.length - 1].strip());
    }
    return hashes;
  }

  /** The first audio stream of {@code media} decoded to interleaved 32-bit samples. */
  static int[] audioSamples(Path media) {
    List<String> argv = List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(),
        "-map", "0:a:0", "-c:a", "pcm_s32le", "-f", "s32le", "-");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStdout(in -> in.transferTo(out)).run();
    ByteBuffer bb = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    int[] s = new int[bb.remaining() / 4];
    for (int i = 0; i < s.length; i++) s[i] = bb.getInt();
    return s;
  }

  /** ffprobe's {@code -show_data} dump of a stream's extradata (empty if it has none). */
  static String extradata(Path media) {
    return RealFfmpeg.ffprobe(media, "-select_streams", "v:0", "-show_entries", "stream=extradata", "-show_data", "-of", "default=nw=1").strip();
  }

  /** One ffprobe field of the first video (or {@code a:0}) stream. */
  static String streamField(Path media, String stream, String field) {
    return RealFfmpeg.ffprobe(media, "-select_streams", stream, "-show_entries", "stream=" + field, "-of", "csv=p=0").strip();
  }

  /**
   * The parameter sets of {@code media}'s codec configuration as ffmpeg's own bitstream parser traces them
   * ({@code trace_headers}): every syntax element of the VPS/SPS/PPS, other NAL units (x265's info SEI) left out.
   */
  static List<String> parameterSetTrace(Path media) {
    List<String> argv = List.of(RealFfmpeg.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", media.toString(), "-map", "0:v:0",
        "-frames:v", "1", "-c:v", "copy", "-bsf:v", "trace_headers", "-f", "null", "-");
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).stderrTailLines(5)
        .onStderrLine(lines::add).run();
    List<String> out = new ArrayList<>();
    boolean keep = false;
    for (String line : lines) {
      int tag = line.indexOf("[trace_headers");
      if (tag < 0) continue;
      String body = line.substring(line.indexOf(']', tag) + 1).strip();
      if (body.startsWith("Packet:")) break;
      if (body.isEmpty()) continue;
      if (!Character.isDigit(body.charAt(0))) {
        keep = body.endsWith("Parameter Set");
        if (keep) out.add(body);
      } else if (keep) {
        out.add(body);
      }
    }
    return out;
  }

  /** Offsets (display order) of the I pictures a full decode of {@code media} yields. */
  static List<Long> iFrames(Path media) {
    String types = RealFfmpeg.decodedPictTypes(media);
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < types.length(); i++) {
      if (types.charAt(i) == 'I') out.add((long) i);
    }
    return out;
  }

  /**
   * The average PSNR (dB, luma and chroma) of {@code segment}'s frames against frames {@code [from, from + count)} of
   * {@code reference}, both decoded and compared in {@code pixFmt}.
   */
  static double psnr(Path segment, Path reference, long from, long count, String pixFmt) {
    return psnr(segment, 0, reference, from, count, pixFmt);
  }

  /**
   * The average PSNR of frames {@code [at, at + count)} of {@code segment} against {@code [from, from + count)} of
   * {@code reference}, frame by frame (both renumbered in one time base, so that the psnr filter pairs them by index).
   */
  static double psnr(Path segment, long at, Path reference, long from, long count, String pixFmt) {
    List<String> argv = List.of(RealFfmpeg.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", segment.toString(),
        "-i", reference.toString(), "-filter_complex",
        "[0:v:0]trim=start_frame=" + at + ":end_frame=" + (at + count) + ",format=" + pixFmt + ",settb=1/1,setpts=N[a];[1:v:0]trim=start_frame="
            + from + ":end_frame=" + (from + count) + ",format=" + pixFmt + ",settb=1/1,setpts=N[b];[a][b]psnr", "-f", "null", "-");
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    for (String line : lines) {
      int avg = line.indexOf("average:");
      if (line.contains("PSNR") && avg >= 0) {
        String v = line.substring(avg + "average:".length()).strip().split("\\s+")[0];
        return v.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
      }
    }
    throw new AssertionError("no PSNR in " + lines);
  }

  /** Master frames that are random-access points inside {@code segment}, as offsets into it, with 0 first. */
  static List<Long> expectedKeyFrames(Sidecar sidecar, Segment segment) {
    List<Long> out = new ArrayList<>(List.of(0L));
    for (var p : sidecar.masterFacts().randomAccessPoints()) {
      if (p.frame() > segment.start() && p.frame() < segment.endExclusive()) out.add(p.frame() - segment.start());
    }
    return out;
  }

  /** The number of audio samples (per channel) a full decode of {@code media}'s first audio stream yields. */
  static long decodedSamples(Path media, int channels) {
    return audioSamples(media).length / channels;
  }

  /** What {@code ffmpeg -v error -i media -f null -} complains about while decoding everything (empty if clean). */
  static List<String> decodeErrors(Path media) {
    List<String> argv = List.of(RealFfmpeg.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-i", media.toString(),
        "-f", "null", "-");
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    lines.removeIf(String::isBlank);
    return lines;
  }

  /** How many audio streams {@code media} has. */
  static long audioStreams(Path media) {
    return RealFfmpeg.ffprobe(media, "-select_streams", "a", "-show_entries", "stream=index", "-of", "csv=p=0").lines()
        .filter(l -> !l.isBlank()).count();
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static String blank(String s) {
    return s == null || s.isBlank() || s.equals("unknown") || s.equals("0:1") ? null : s;
  }
}
