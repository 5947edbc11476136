package dev.patchwork.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, {@code patchwork demo}, on a short master — its claims checked with ffmpeg/ffprobe. */
class DemoCommandTest {

  @TempDir Path tmp;

  @Test
  void demoPatchesTheBlueMarkersAndKeepsEverythingElseByteForByte() throws Exception {
    Path dir = tmp.resolve("démo dir");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new String[] {"demo", "--dir", dir.toString(), "--seconds", "8", "--size", "320x240", "--preset", "ultrafast"},
        new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isZero();
    Path master = dir.resolve("Demo Master – v1.mov");
    Path patched = dir.resolve("Demo Master – v2.mov");
    assertThat(out.toString()).contains("speed-up:").contains("2 blue markers");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }

    FfmpegTools tools = FfmpegTools.locate();
    long masterFrames = frames(tools, master);
    assertThat(masterFrames).isEqualTo(192); // 8 s at 23.976
    assertThat(frames(tools, patched)).isEqualTo(masterFrames);

    // Every KEEP segment the demo printed: the patched master's packets there are the master's, byte for byte.
    List<String> masterPackets = packetMd5s(tools, master);
    List<String> patchedPackets = packetMd5s(tools, patched);
    assertThat(patchedPackets).hasSameSizeAs(masterPackets);
    Matcher keep = Pattern.compile("KEEP +(\\d+)-(\\d+)").matcher(out.toString());
    Matcher render = Pattern.compile("RENDER +(\\d+)-(\\d+)").matcher(out.toString());
    long kept = 0;
    List<long[]> keeps = new ArrayList<>();
    while (keep.find()) keeps.add(new long[] {Long.parseLong(keep.group(1)), Long.parseLong(keep.group(2))});
    assertThat(keeps).isNotEmpty();
    List<String> masterDecoded = decodedMd5s(tools, master);
    List<String> patchedDecoded = decodedMd5s(tools, patched);
    for (long[] k : keeps) {
      for (long f = k[0]; f <= k[1]; f++) {
        assertThat(patchedDecoded.get((int) f)).as("decoded frame %d", f).isEqualTo(masterDecoded.get((int) f));
        kept++;
      }
    }
    // closed GOPs without reordering across GOPs: decode-order packets of kept GOPs sit at the same indexes
    for (long[] k : keeps) {
      assertThat(patchedPackets.subList((int) k[0], (int) k[1] + 1)).isEqualTo(masterPackets.subList((int) k[0], (int) k[1] + 1));
    }
    boolean changedSomewhere = false;
    while (render.find()) {
      for (long f = Long.parseLong(render.group(1)); f <= Long.parseLong(render.group(2)); f++) {
        changedSomewhere |= !patchedDecoded.get((int) f).equals(masterDecoded.get((int) f));
      }
    }
    assertThat(changedSomewhere).as("the blue shots were re-rendered with the orange box").isTrue();
    assertThat(kept).isPositive();

    // The new sidecar's history names the master by its real SHA-256.
    Sidecar sidecar = Sidecars.read(dir.resolve("Demo Master – v2.mov.patchwork.toml"));
    assertThat(sidecar.history()).hasSize(1);
    assertThat(sidecar.history().get(0).parentSha256()).isEqualTo(sha256(master));
    assertThat(sidecar.history().get(0).outputSha256()).isEqualTo(sha256(patched));
    // ...and records which ffmpeg rendered the patch.
    assertThat(sidecar.history().get(0).renderer()).startsWith(tools.versionLine()).contains(tools.description());
    assertThat(sidecar.history().get(0).toolVersion()).isNotBlank();
  }

  private static long frames(FfmpegTools tools, Path media) throws Exception {
    String s = run(tools, List.of(tools.ffprobe().toString(), "-v", "error", "-count_frames", "-select_streams", "v:0",
        "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", media.toString()));
    return Long.parseLong(s.strip());
  }

  private static List<String> packetMd5s(FfmpegTools tools, Path media) throws Exception {
    return md5s(run(tools, List.of(tools.ffmpeg().toString(), "-v", "error", "-i", media.toString(), "-map", "0:v", "-c", "copy",
        "-f", "framemd5", "-")));
  }

  private static List<String> decodedMd5s(FfmpegTools tools, Path media) throws Exception {
    return md5s(run(tools, List.of(tools.ffmpeg().toString(), "-v", "error", "-i", media.toString(), "-map", "0:v",
        "-f", "framemd5", "-")));
  }

  private static List<String> md5s(String framemd5) {
    return framemd5.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.substring(l.lastIndexOf(',') + 1).strip()).toList();
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static String run(FfmpegTools tools, List<String> argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(tools.environment());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    return text;
  }
}
