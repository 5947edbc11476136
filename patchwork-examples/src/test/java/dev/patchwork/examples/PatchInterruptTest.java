package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C during {@code patch}: ffmpeg stops, no output and no temporary file remain, the master is untouched, exit 130. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class PatchInterruptTest {

  @TempDir Path tmp;

  @Test
  void sigintWhileRenderingLeavesNothingAndExits130() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("interrupt ü"));
    Path master = dir.resolve("m.mp4");
    Path source = dir.resolve("src.mkv");
    FfmpegTools tools = FfmpegTools.locate();
    ffmpeg(tools, "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "8", "-c:v", "libx264", "-preset", "slow",
        "-x264-params", "keyint=25:min-keyint=25:scenecut=0", "-pix_fmt", "yuv420p", master.toString());
    ffmpeg(tools, "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25", "-t", "8", "-c:v", "libx264", "-preset", "ultrafast",
        "-qp", "0", source.toString());
    assertThat(PatchCommandTest.run("adopt", master.toString()).code()).isZero();
    byte[] before = Files.readAllBytes(master);

    List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "patch", master.toString(), "--source", source.toString(), "--change", "10+170", "-o", dir.resolve("out.mp4").toString());
    Process p = new ProcessBuilder(SigintDefault.argv(argv)).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    boolean sent = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        if (!sent && line.startsWith("rendering frames")) {
          Thread.sleep(400);
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
          sent = true;
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(sent).as(String.join("\n", lines)).isTrue();
    assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(130);
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(f -> f.getFileName().toString()))
          .containsExactlyInAnyOrder("m.mp4", "m.mp4.patchwork.toml", "src.mkv");
    }
    assertThat(Files.readAllBytes(master)).isEqualTo(before);
    assertThat(p.descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }

  private static void ffmpeg(FfmpegTools tools, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
