package dev.patchwork.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark on a tiny master: every measurement and target is printed, and it leaves only its media behind. */
class PatchBenchmarkTest {

  @TempDir Path tmp;

  @Test
  void aTrialRunPrintsEveryMeasurementAndTargetAndCleansUp() throws Exception {
    Path dir = tmp.resolve("bänch dir");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PatchBenchmark.run(new String[] {"--minutes", "0.1", "--size", "160x120", "--preset", "ultrafast", "--repeat", "2",
        "--skip-cli", "--dir", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as(err.toString()).isIn(0, 1);
    String report = out.toString();
    for (String m : List.of("(a) full re-encode", "(b) encode of the changed GOP", "(c) plain copy", "(d) patch through the API",
        "(e) splice alone", "(g) ffmpeg -c copy remux")) {
      assertThat(report).containsPattern(Pattern.quote(m) + ".*\\d+\\.\\d\\d s");
    }
    assertThat(report).contains("(f) patch through bin/patchwork (child JVM, cold start)     not measured (--skip-cli)");
    assertThat(report).containsPattern("its phases: check [\\d.]+ s, probe [\\d.]+ s");
    assertThat(report).containsPattern("patch <= 2 % of a full re-encode +[\\d.]+ % +(PASS|FAIL)");
    assertThat(report).containsPattern("patch <= 1.3 x \\(GOP encode \\+ copy\\) +[\\d.]+ x +(PASS|FAIL)");
    assertThat(report).containsPattern("splice <= 2 x a plain copy +[\\d.]+ x +(PASS|FAIL)");
    assertThat(code == 0).isEqualTo(!report.contains("FAIL"));
    // one GOP of 48 frames in the middle of the master's 144 (6 s at 23.976 fps)
    Matcher plan = Pattern.compile("plan: KEEP 0-(\\d+), RENDER (\\d+)-(\\d+), KEEP (\\d+)-(\\d+)").matcher(report);
    assertThat(plan.find()).as(report).isTrue();
    assertThat(Long.parseLong(plan.group(3)) - Long.parseLong(plan.group(2)) + 1).isEqualTo(48);
    assertThat(plan.group(5)).isEqualTo("143");

    Path master = dir.resolve("bench master.mov");
    assertThat(frames(master)).isEqualTo(144);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("bench edited timeline.mov", "bench master.mov",
          "bench master.mov.patchwork.toml", "bench settings.properties");
    }
  }

  @Test
  void peakResidentSetIsReadFromProcStatus() throws Exception {
    Path status = Files.writeString(tmp.resolve("status"), "Name:\tjava\nVmPeak:\t 4000000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100000 kB\n");
    assertThat(PatchBenchmark.vmHwm(status)).isEqualTo(123456L * 1024);
    assertThat(PatchBenchmark.vmHwm(tmp.resolve("gone"))).isEqualTo(-1);
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(PatchBenchmark.vmHwm(Path.of("/proc/self/status"))).isPositive();
    }
  }

  @Test
  void mediansOfOddAndEvenCounts() {
    assertThat(PatchBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(PatchBenchmark.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(PatchBenchmark.indexOfMedian(List.of(3.0, 1.0, 2.0))).isEqualTo(2);
    assertThat(PatchBenchmark.indexOfMedian(List.of(5.0, 9.0))).isZero();
  }

  private static long frames(Path media) throws Exception {
    FfmpegTools tools = FfmpegTools.locate();
    ProcessBuilder pb = new ProcessBuilder(tools.ffprobe().toString(), "-v", "error", "-select_streams", "v:0", "-count_packets",
        "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", media.toString()).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return Long.parseLong(text);
  }
}
