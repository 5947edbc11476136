package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code plan} command's contract: exit codes, stdout only JSON with --json, one-line errors on stderr. */
class PlanCommandTest {

  @TempDir Path tmp;
  Path master;

  static Run run(String... args) {
    return Run.of(args);
  }

  @BeforeEach
  void masterWithSidecar() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("Dailies – été 2026"));
    master = Files.write(dir.resolve("Feature Master v3.mov"), new byte[] {0});
    try (InputStream in = getClass().getResourceAsStream("/example.patchwork.toml")) {
      Files.copy(in, dir.resolve("Feature Master v3.mov.patchwork.toml"));
    }
  }

  @Test
  void jsonCoversTheWholeMasterInOrder() throws IOException {
    // Fixture: 240 frames at 23.976 from 01:00:00:00; points 0, 48, 96, 144, 192 (2 leading pictures after 0).
    Run r = run("plan", master.toString(), "--change", "100+24", "--change", "01:00:08:00-01:00:08:02", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode segments = new ObjectMapper().readTree(r.out()).get("segments");
    long next = 0;
    StringBuilder kinds = new StringBuilder();
    for (JsonNode s : segments) {
      assertThat(s.get("start").asLong()).isEqualTo(next);
      next += s.get("frames").asLong();
      kinds.append(s.get("kind").asText().charAt(0));
    }
    assertThat(next).isEqualTo(240);
    assertThat(kinds).hasToString("krkr");
    // 01:00:08:00 is frame 192, a point whose leading pictures are 190-191: render from 190 to the end.
    assertThat(segments.get(1).toString()).isEqualTo("{\"kind\":\"render\",\"start\":94,\"frames\":50}");
    assertThat(segments.get(3).toString()).isEqualTo("{\"kind\":\"render\",\"start\":190,\"frames\":50}");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void rangesOutsideTheMasterAreInvalidInput() {
    Run r = run("plan", master.toString(), "--change", "230+20");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).hasSize(1).first().asString().startsWith("patchwork: --change 230+20");
  }

  @Test
  void garbageAndEmptyRangesAreInvalidInput() {
    assertThat(run("plan", master.toString(), "--change", "ten+five").code()).isEqualTo(3);
    assertThat(run("plan", master.toString(), "--change", "5+0").code()).isEqualTo(3);
    assertThat(run("plan", master.toString(), "--change", "01:00:02:00-01:00:01:00").code()).isEqualTo(3);
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("plan", master.toString()).code()).isEqualTo(2);
    assertThat(run("plan").code()).isEqualTo(2);
    assertThat(run("plan", master.toString(), "--change", "1+1", "--handles", "-1").code()).isEqualTo(2);
    assertThat(run("plan", master.toString(), "--change", "1+1", "--frobnicate").code()).isEqualTo(2);
    assertThat(run("no-such-command").code()).isEqualTo(2);
    Run notANumber = run("plan", master.toString(), "--change", "1+1", "--handles", "ten");
    assertThat(notANumber.code()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--handles").contains("'ten'").doesNotContain("java.").doesNotContain("Exception");
  }

  @Test
  void missingMasterAndCorruptSidecarAreInvalidInput() throws IOException {
    assertThat(run("plan", tmp.resolve("missing.mov").toString(), "--change", "1+1").code()).isEqualTo(3);
    Path bad = Files.writeString(tmp.resolve("bad.toml"), "schema = 1\n[master\n");
    Run r = run("plan", master.toString(), "--sidecar", bad.toString(), "--change", "1+1");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void startTimecodeOverrideShiftsTimecodeRanges() {
    Run r = run("plan", master.toString(), "--start-tc", "00:59:59:00", "--change", "01:00:00:00-01:00:00:01", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    // 01:00:00:00 is frame 24 when the master starts at 00:59:59:00: in the first GOP. The RENDER runs to the
    // next point, 48, whose leading pictures 46-47 are stored after it and so are rendered too.
    assertThat(r.out()).contains("{\"kind\":\"render\",\"start\":0,\"frames\":48}");
    Run without = run("plan", master.toString(), "--change", "01:00:00:00-01:00:00:01", "--json");
    assertThat(without.out()).contains("{\"kind\":\"render\",\"start\":0,\"frames\":48}");
    Run shifted = run("plan", master.toString(), "--start-tc", "00:59:57:00", "--change", "01:00:01:00-01:00:01:01", "--json");
    // now frame 96: a point whose leading pictures are 94-95, so the RENDER starts at 94.
    assertThat(shifted.out()).contains("{\"kind\":\"render\",\"start\":94,\"frames\":50}");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Run r = run("plan", tmp.resolve("missing.mov").toString(), "--change", "1+1", "--verbose");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("\tat ");
  }
}
