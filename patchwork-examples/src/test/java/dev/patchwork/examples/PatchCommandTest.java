package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchwork patch}'s input contract: bad input is exit 3 (usage 2) with one line, no output, master untouched. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatchCommandTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Path source;
  Path shortSource;
  byte[] masterBytes;

  static Run run(String... args) {
    return Run.of(args);
  }

  static void ffmpeg(String... args) throws IOException, InterruptedException {
    FfmpegTools tools = FfmpegTools.locate();
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(text).isZero();
  }

  @BeforeAll
  void masterWithSidecar() throws Exception {
    dir = Files.createDirectories(tmp.resolve("Patch – test ü"));
    master = dir.resolve("master one.mp4");
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=25:min-keyint=25:scenecut=0",
        "-pix_fmt", "yuv420p", "-c:a", "aac", master.toString());
    source = dir.resolve("new source.mkv");
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "4", "-c:v", "ffv1", source.toString());
    shortSource = dir.resolve("short source.mkv");
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "3", "-c:v", "ffv1", shortSource.toString());
    assertThat(run("adopt", master.toString()).code()).isZero();
    masterBytes = Files.readAllBytes(master);
  }

  private void assertNothingWritten(Run r, int code) throws IOException {
    assertThat(r.code()).as(r.err()).isEqualTo(code);
    assertThat(r.err().strip().lines().count()).as(r.err()).isLessThanOrEqualTo(2);
    assertThat(r.err()).doesNotContain("\tat ");
    assertThat(Files.readAllBytes(master)).isEqualTo(masterBytes);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("master one.mp4", "master one.mp4.patchwork.toml", "new source.mkv", "short source.mkv");
    }
  }

  @Test
  void aSourceWithAnotherFrameCountIsInvalidInput() throws IOException {
    Run r = run("patch", master.toString(), "--source", shortSource.toString(), "--change", "30+10", "-o",
        dir.resolve("out.mp4").toString());
    assertNothingWritten(r, 3);
    assertThat(r.err()).contains("75").contains("100");
  }

  @Test
  void outputRulesAreInvalidInput() throws IOException {
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "30+10", "-o",
        dir.resolve("out.mov").toString()), 3);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "30+10", "-o",
        master.toString()), 3);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "30+10", "-o",
        dir.resolve("sub/../master one.mp4").toString()), 3);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "30+10", "-o",
        source.toString().replace(".mkv", ".mp4").replace("new source", "master one")), 3);
  }

  @Test
  void badRangesAndMissingFilesAreInvalidInput() throws IOException {
    String out = dir.resolve("out.mp4").toString();
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "95+10", "-o", out), 3);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "x", "-o", out), 3);
    assertNothingWritten(run("patch", master.toString(), "--source", dir.resolve("missing.mkv").toString(), "--change", "1+1",
        "-o", out), 3);
    assertNothingWritten(run("patch", master.toString(), "--insert", "abc", "-o", out), 3);
    assertNothingWritten(run("patch", master.toString(), "--insert", "90=" + source, "-o", out), 3);
  }

  @Test
  void usageErrorsExitTwo() throws IOException {
    String out = dir.resolve("out.mp4").toString();
    assertNothingWritten(run("patch", master.toString(), "--change", "1+1", "-o", out), 2);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "-o", out), 2);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--insert", "1=" + source,
        "--change", "1+1", "-o", out), 2);
    assertNothingWritten(run("patch", master.toString(), "--source", source.toString(), "--change", "1+1"), 2);
  }

  @Test
  void aMasterWithoutSidecarIsToldToAdopt() throws IOException {
    Path bare = Files.createDirectories(tmp.resolve("bare")).resolve("m.mp4");
    Files.copy(master, bare);
    Run r = run("patch", bare.toString(), "--source", source.toString(), "--change", "1+1", "-o",
        bare.resolveSibling("o.mp4").toString());
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("adopt");
    assertThat(bare.resolveSibling("o.mp4")).doesNotExist();
  }
}
