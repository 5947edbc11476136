package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code adopt} and {@code verify} commands through {@link Main#run}, on an H.264 MOV with a timecode track made
 * by the bundled ffmpeg in a directory whose name has spaces and non-ASCII letters: exit codes, what goes to stdout
 * and stderr, and the refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdoptVerifyCommandTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  FfmpegTools tools;

  static Run run(String... args) {
    return Run.of(args);
  }

  @BeforeAll
  void makeMaster() throws IOException, InterruptedException {
    tools = FfmpegTools.locate();
    dir = Files.createDirectories(tmp.resolve("Dailies – été 2026"));
    master = dir.resolve("Feature Master v3.mov");
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24000/1001", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-frames:v", "96", "-shortest", "-c:v", "libx264", "-preset", "veryfast",
        "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=2:open-gop=1", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00",
        master.toString());
  }

  @Test
  void adoptWritesTheSidecarBesideTheMasterAndVerifyAcceptsIt() throws IOException {
    Path sidecar = dir.resolve("Feature Master v3.mov.patchwork.toml");
    Files.deleteIfExists(sidecar);

    Run adopt = run("adopt", master.toString());
    assertThat(adopt.code()).as(adopt.err()).isZero();
    assertThat(adopt.out().lines().findFirst()).contains(sidecar.toString());
    assertThat(adopt.out()).contains("96 frames at 23.976 fps from 01:00:00:00").contains("libx264");
    assertThat(adopt.err()).containsPattern("hashed [0-9.]+ [KMG]B in [0-9]+\\.[0-9]{2} s \\([0-9.]+ [KMG]B/s\\)");
    Sidecar s = Sidecars.read(sidecar);
    assertThat(s.encoder().options()).contains("keyint=24").contains("open_gop=1");

    Run verify = run("verify", master.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out().strip()).startsWith("OK: Feature Master v3.mov matches its sidecar");

    Run deep = run("verify", master.toString(), "--deep");
    assertThat(deep.code()).as(deep.err()).isZero();
    assertThat(deep.out()).contains("all 96 frames decode cleanly");
  }

  @Test
  void aChangedByteIsAMismatchNamedByItsRegion() throws IOException {
    Path sidecar = tmp.resolve("flip.patchwork.toml");
    assertThat(run("adopt", master.toString(), "--sidecar", sidecar.toString()).code()).isZero();
    Sidecar s = Sidecars.read(sidecar);
    // a byte in the middle of the third GOP region's span, and the region holding it found by a plain scan
    Region third = s.content().regions().get(2);
    long pos = third.offset() + third.length() / 2;
    int index = -1;
    for (int i = 0; i < s.content().regions().size(); i++) {
      Region r = s.content().regions().get(i);
      if (pos >= r.offset() && pos < r.offset() + r.length()) index = i;
    }
    flip(master, pos);
    try {
      Run r = run("verify", master.toString(), "--sidecar", sidecar.toString());
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out().strip().lines()).singleElement().asString()
          .startsWith("content.regions[" + index + "]: frames " + third.start() + "-" + (third.start() + third.frames() - 1) + " (")
          .contains(s.timecodeAt(third.start()).toString());
      List<String> errLines = r.err().strip().lines().toList();
      assertThat(errLines.get(errLines.size() - 1)).startsWith("patchwork: Feature Master v3.mov does not match its sidecar");
      assertThat(r.err()).doesNotContain("\tat ");
    } finally {
      flip(master, pos);
    }
    assertThat(run("verify", master.toString(), "--sidecar", sidecar.toString()).code()).isZero();
  }

  @Test
  void adoptRefusesToReplaceASidecarWithoutForce() throws IOException {
    Path sidecar = tmp.resolve("twice.patchwork.toml");
    assertThat(run("adopt", master.toString(), "--sidecar", sidecar.toString()).code()).isZero();
    String before = Files.readString(sidecar);
    Files.writeString(sidecar, before + "\n# a note by hand\n");

    Run again = run("adopt", master.toString(), "--sidecar", sidecar.toString());
    assertThat(again.code()).isEqualTo(3);
    assertThat(again.err().strip().lines()).singleElement().asString().startsWith("patchwork: ").contains("--force").contains("erase its history");
    assertThat(again.out()).isEmpty();
    assertThat(Files.readString(sidecar)).endsWith("# a note by hand\n");

    Run forced = run("adopt", master.toString(), "--sidecar", sidecar.toString(), "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(Files.readString(sidecar)).isEqualTo(before);
  }

  @Test
  void truncatedMastersFailVerifyAndCannotBeAdopted() throws IOException {
    Path sidecar = tmp.resolve("cut.patchwork.toml");
    assertThat(run("adopt", master.toString(), "--sidecar", sidecar.toString()).code()).isZero();
    byte[] bytes = Files.readAllBytes(master);
    Path truncated = Files.write(dir.resolve("Feature Master v3 – truncated.mov"), Arrays.copyOf(bytes, bytes.length * 2 / 3));

    Run verify = run("verify", truncated.toString(), "--sidecar", sidecar.toString());
    assertThat(verify.code()).isEqualTo(1);
    assertThat(verify.out()).contains("truncated");

    Run adopt = run("adopt", truncated.toString());
    assertThat(adopt.code()).isEqualTo(3);
    assertThat(adopt.err().strip().lines()).singleElement().asString().startsWith("patchwork: ");
    assertThat(dir.resolve(truncated.getFileName() + ".patchwork.toml")).doesNotExist();
  }

  @Test
  void deepVerifyFindsAPictureThatDoesNotDecode() throws IOException, InterruptedException {
    // garbage inside the largest video packet past the first GOP (an I picture of one slice), keeping its first and
    // last bytes: the packet structure holds, so the copy probes and is adopted, but its picture does not decode
    byte[] bytes = Files.readAllBytes(master);
    long[] largest = {0, 0};
    int index = 0;
    for (String line : ffprobe("-select_streams", "v:0", "-show_entries", "packet=pos,size", "-of", "csv=p=0:nk=0", master.toString())) {
      java.util.Map<String, Long> f = new java.util.HashMap<>();
      for (String kv : line.split(",")) f.put(kv.substring(0, kv.indexOf('=')), Long.parseLong(kv.substring(kv.indexOf('=') + 1)));
      long size = f.get("size");
      long pos = f.get("pos");
      if (index++ >= 30 && size > largest[1]) largest = new long[] {pos, size};
    }
    byte[] noise = new byte[(int) largest[1] - 64];
    new Random(3).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, (int) largest[0] + 32, noise.length);
    Path damaged = Files.write(dir.resolve("Feature Master v3 – damaged.mov"), bytes);
    Run adopt = run("adopt", damaged.toString());
    assertThat(adopt.code()).as(adopt.err()).isZero();

    assertThat(run("verify", damaged.toString()).code()).isZero();
    Run deep = run("verify", damaged.toString(), "--deep");
    assertThat(deep.code()).isEqualTo(1);
    assertThat(deep.out()).contains("decode: ");
  }

  @Test
  void badInputIsExitThreeAndUsageIsExitTwo() throws IOException {
    Path missing = dir.resolve("no such master.mov");
    assertThat(run("adopt", missing.toString()).code()).isEqualTo(3);
    assertThat(run("verify", missing.toString()).code()).isEqualTo(3);

    Path notMedia = Files.writeString(dir.resolve("notes.mov"), "not a movie\n");
    Run adopt = run("adopt", notMedia.toString());
    assertThat(adopt.code()).isEqualTo(3);
    assertThat(adopt.err().strip().lines()).singleElement().asString().startsWith("patchwork: ");
    assertThat(dir.resolve("notes.mov.patchwork.toml")).doesNotExist();

    Path corrupt = Files.writeString(tmp.resolve("corrupt.patchwork.toml"), "schema = 1\n[master\n");
    Run verify = run("verify", master.toString(), "--sidecar", corrupt.toString());
    assertThat(verify.code()).isEqualTo(3);
    assertThat(verify.err()).doesNotContain("\tat ");
    Run noSidecar = run("verify", master.toString(), "--sidecar", tmp.resolve("absent.toml").toString());
    assertThat(noSidecar.code()).isEqualTo(3);
    assertThat(noSidecar.err()).contains("adopt");

    assertThat(run("adopt").code()).isEqualTo(2);
    assertThat(run("verify").code()).isEqualTo(2);
    assertThat(run("verify", master.toString(), "--deeep").code()).isEqualTo(2);
    assertThat(run("adopt", master.toString(), "extra").code()).isEqualTo(2);
  }

  // --- helpers --------------------------------------------------------------------------------------------

  private void ffmpeg(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-v", "error", "-y", "-nostdin"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isZero();
  }

  private List<String> ffprobe(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(tools.ffprobe().toString(), "-v", "error"));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(tools.environment());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    return output.lines().filter(l -> !l.isBlank()).toList();
  }

  private static void flip(Path file, long pos) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (b.get(0) ^ 0xFF)}), pos);
    }
  }
}
