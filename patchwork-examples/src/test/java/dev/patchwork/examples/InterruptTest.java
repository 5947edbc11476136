package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

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

/** Ctrl-C (a real SIGINT) stops ffmpeg, leaves no partial files and exits 130. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InterruptTest {

  @TempDir Path tmp;

  @Test
  void sigintDuringARenderExits130AndLeavesNothingBehind() throws Exception {
    Path dir = tmp.resolve("ctrl c");
    List<String> argv = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "demo", "--dir", dir.toString());
    Process p = new ProcessBuilder(SigintDefault.argv(argv)).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        lines.add(line);
        if (line.contains("rendering the master")) {
          Thread.sleep(300); // ffmpeg is running now
          assertThat(p.descendants().count()).as("ffmpeg child").isPositive();
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join("\n", lines)).isEqualTo(130);
    assertThat(lines).contains("patchwork: interrupted");
    assertThat(lines).as("one line for Ctrl-C, not the stopped tool's exit code too").noneMatch(l -> l.contains("exited with code"));
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).as("files left in " + dir).isEmpty();
    }
    assertThat(p.descendants().filter(ProcessHandle::isAlive)).isEmpty();
  }
}
