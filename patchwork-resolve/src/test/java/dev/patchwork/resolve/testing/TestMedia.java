package dev.patchwork.resolve.testing;

import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Media for the tests, made and measured with the bundled ffmpeg: independent evidence, not the code's own report. */
public final class TestMedia {

  private TestMedia() {}

  /** Runs ffmpeg with {@code args} (after {@code -v error -y -nostdin}) writing {@code output}. */
  public static Path ffmpeg(Path output, String... args) {
    List<String> argv = new ArrayList<>(List.of(FakeResolve.tools().ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    argv.add(output.toString());
    ProcessRunner.command(argv).environment(FakeResolve.tools().environment()).quitOnCancel(false).run();
    if (!Files.isRegularFile(output)) throw new AssertionError("ffmpeg made no " + output);
    return output;
  }

  /** ffprobe {@code args} on {@code media}; stdout. */
  public static String ffprobe(Path media, String... args) {
    List<String> argv = new ArrayList<>(List.of(FakeResolve.tools().ffprobe().toString(), "-v", "error"));
    argv.addAll(List.of(args));
    argv.add(media.toString());
    return ProcessRunner.command(argv).environment(FakeResolve.tools().environment()).collectStdout().quitOnCancel(false).run().stdout();
  }

  /**
   * A timeline stand-in: {@code frames} frames of testsrc2 at 320x240 and {@code rate}, with a 440 Hz tone, stored
   * losslessly (FFV1, PCM in Matroska); {@code edit} is an extra video filter ({@code drawbox=…:enable=…}) or null.
   */
  public static Path timeline(Path output, String rate, int frames, String edit) {
    String vf = "format=yuv420p" + (edit == null ? "" : "," + edit);
    return ffmpeg(output, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + rate, "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-frames:v", Integer.toString(frames), "-shortest", "-vf", vf, "-c:v", "ffv1",
        "-c:a", "pcm_s16le", "-ac", "2");
  }

  /** An x264 master (closed GOPs of {@code gop} frames, B-frames) with PCM audio and a start timecode, in MOV. */
  public static Path x264Master(Path output, String rate, int frames, int gop, String timecode) {
    return ffmpeg(output, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=" + rate, "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-frames:v", Integer.toString(frames), "-shortest", "-c:v", "libx264", "-preset",
        "veryfast", "-pix_fmt", "yuv420p", "-x264-params", "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0:bframes=2",
        "-c:a", "pcm_s24le", "-ac", "2", "-timecode", timecode);
  }

  /** Frames in the first video stream, from a full decode. */
  public static long decodedFrames(Path media) {
    String out = ffprobe(media, "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0");
    return Long.parseLong(out.strip().lines().findFirst().orElseThrow().split(",")[0].strip());
  }

  /** The first video stream's packets' key flags in decode order ({@code "K__K__"}). */
  public static String keyFlags(Path media) {
    StringBuilder sb = new StringBuilder();
    for (String line : ffprobe(media, "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0").split("\n")) {
      if (!line.isBlank()) sb.append(line.strip().startsWith("K") ? 'K' : '_');
    }
    return sb.toString();
  }

  /** Per-packet MD5s of the first video stream, copied (not decoded): equal lists mean byte-identical video. */
  public static List<String> videoPacketMd5s(Path media, long first, long count) {
    List<String> argv = List.of(FakeResolve.tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map",
        "0:v:0", "-c", "copy", "-f", "framemd5", "-");
    String out = ProcessRunner.command(argv).environment(FakeResolve.tools().environment()).collectStdout().quitOnCancel(false).run()
        .stdout();
    List<String> md5 = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      String[] f = line.split(",");
      md5.add(f[f.length - 1].strip());
    }
    return md5.subList((int) first, (int) Math.min(md5.size(), first + count));
  }

  /** Audio samples per channel of the first audio stream of {@code media}, counted from decoded frames. */
  public static long audioSamples(Path media) {
    long n = 0;
    for (String line : ffprobe(media, "-select_streams", "a:0", "-show_entries", "frame=nb_samples", "-of", "csv=p=0").split("\n")) {
      if (!line.isBlank()) n += Long.parseLong(line.strip().split(",")[0]);
    }
    return n;
  }

  private static final Pattern AVERAGE = Pattern.compile("average:([0-9.]+|inf)");

  /** The average PSNR (dB) between {@code count} frames of {@code a} from {@code aFirst} and of {@code b} from {@code bFirst}. */
  public static double psnr(Path a, long aFirst, Path b, long bFirst, long count) {
    String graph = String.format(java.util.Locale.ROOT,
        // the same timestamps on both sides: psnr pairs frames by time, and containers round them differently
        "[0:v]trim=start_frame=%d:end_frame=%d,settb=1/100,setpts=N,format=yuv420p[a];"
            + "[1:v]trim=start_frame=%d:end_frame=%d,settb=1/100,setpts=N,format=yuv420p[b];[a][b]psnr",
        aFirst, aFirst + count, bFirst, bFirst + count);
    List<String> argv = List.of(FakeResolve.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", a.toString(), "-i",
        b.toString(), "-filter_complex", graph, "-f", "null", "-");
    List<String> lines = new ArrayList<>();
    ProcessRunner.command(argv).environment(FakeResolve.tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    for (String line : lines) {
      Matcher m = AVERAGE.matcher(line);
      if (line.contains("PSNR") && m.find()) return m.group(1).equals("inf") ? 1000 : new BigDecimal(m.group(1)).doubleValue();
    }
    throw new AssertionError("no PSNR in ffmpeg's output: " + lines);
  }
}
