package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job: {@code bin/patchwork demo} on built-in defaults, checked against ffprobe. */
class DemoCommandTest {

  @TempDir Path tmp;

  @Test
  void demoRendersAMasterProbesItAndPlansTheBlueMarkers() throws Exception {
    Path dir = tmp.resolve("démo dir");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"demo", "--dir", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();

    Path master = dir.resolve("Demo Master – v1.mov");
    assertThat(master).isRegularFile();
    assertThat(dir.resolve("Demo Master – markers.edl")).isRegularFile();

    // Independent evidence: ffprobe counts the decoded frames and reads the timecode.
    FfmpegTools tools = FfmpegTools.locate();
    String probe = run(tools, List.of(tools.ffprobe().toString(), "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=nb_read_frames:stream_tags=timecode", "-of", "default=nw=1", master.toString()));
    assertThat(probe).contains("nb_read_frames=480").contains("TAG:timecode=01:00:00:00");
    assertThat(out.toString()).contains("480 frames at 23.976 fps from 01:00:00:00");

    // The key frames ffprobe sees are the random-access points the demo printed.
    String keys = run(tools, List.of(tools.ffprobe().toString(), "-v", "error", "-select_streams", "v:0",
        "-show_entries", "packet=pts,flags", "-of", "csv=p=0", master.toString()));
    List<Long> pts = new ArrayList<>();
    List<Long> keyPts = new ArrayList<>();
    for (String line : keys.strip().split("\n")) {
      String[] f = line.split(",");
      pts.add(Long.parseLong(f[0]));
      if (f[1].contains("K")) keyPts.add(Long.parseLong(f[0]));
    }
    List<Long> sorted = pts.stream().sorted().toList();
    List<Long> keyFrames = keyPts.stream().map(p -> (long) sorted.indexOf(p)).sorted().toList();
    Matcher m = Pattern.compile("random-access points \\(.*?\\): (.*)").matcher(out.toString());
    assertThat(m.find()).isTrue();
    List<Long> printed = new ArrayList<>();
    for (String p : m.group(1).split(", ")) printed.add(Long.parseLong(p.replaceAll("\\(.*", "").strip()));
    assertThat(printed).isEqualTo(keyFrames);

    // The blue markers (VFX 12 at 01:00:06:10 for 30 frames, Title at 01:00:15:00 for 24) lie inside RENDER segments.
    assertThat(out.toString()).contains("VFX 12 frames 154-183").contains("Title  frames 360-383").doesNotContain("Grade");
    Matcher seg = Pattern.compile("RENDER +(\\d+)-(\\d+)").matcher(out.toString());
    List<long[]> renders = new ArrayList<>();
    while (seg.find()) renders.add(new long[] {Long.parseLong(seg.group(1)), Long.parseLong(seg.group(2))});
    assertThat(renders).anySatisfy(r -> assertThat(r[0] <= 154 && r[1] >= 183).isTrue());
    assertThat(renders).anySatisfy(r -> assertThat(r[0] <= 360 && r[1] >= 383).isTrue());
  }

  private static String run(FfmpegTools tools, List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }
}
