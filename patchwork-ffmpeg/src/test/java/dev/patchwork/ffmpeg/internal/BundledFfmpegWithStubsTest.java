package dev.patchwork.ffmpeg.internal;

import static dev.patchwork.ffmpeg.internal.NativeDepsTest.FOUR;
import static dev.patchwork.ffmpeg.internal.NativeDepsTest.without;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.patchwork.ffmpeg.internal.NativeDeps.LoadPlan;
import dev.patchwork.ffmpeg.internal.TestBundle.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real bundled ffmpeg/ffprobe with generated stubs: the loader must pick the stubs from the
 * bundle directory, and ffmpeg must encode and decode with them, lazily bound or with LD_BIND_NOW.
 * Directories hold spaces and non-ASCII characters.
 */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class BundledFfmpegWithStubsTest {
  @TempDir static Path temp;
  static Path bundle;
  static SystemLibraries system;

  @BeforeAll
  static void extract() throws IOException {
    bundle = TestBundle.extractTo(temp.resolve("bytedeco bündel"));
    system = SystemLibraries.ofThisMachine();
  }

  @Test
  void withOnlyLibpulseStubbedFfmpegLoadsTheStubAndEncodes() throws Exception {
    Path dir = TestBundle.linkCopy(bundle, temp.resolve("nur Pulse – ohne Ton"));
    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, List.of("libpulse.so.0")));
    Map<String, String> env = env(plan);

    Map<String, String> loaded = loadedObjects(dir.resolve("ffmpeg"), env);

    assertThat(loaded).containsEntry("libpulse.so.0", dir.resolve("libpulse.so.0").toString());
    assertThat(loaded.keySet()).as("the real libpulse would pull in libpulsecommon").noneMatch(n -> n.startsWith("libpulsecommon"));
    if (system.apply("libasound.so.2").isPresent()) { // not stubbed: still the system's
      assertThat(loaded.get("libasound.so.2")).doesNotStartWith(dir.toString());
    }
    assertVersionRuns(dir, env);
    assertEncodesAndDecodes(dir, env);
  }

  @Test
  void withAllFourDeviceLibrariesStubbedFfmpegEncodesEvenWithBindNow() throws Exception {
    Path dir = TestBundle.linkCopy(bundle, temp.resolve("alle vier Stubs ✓"));
    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, FOUR));
    Map<String, String> env = env(plan);

    Map<String, String> loaded = loadedObjects(dir.resolve("ffmpeg"), env);

    for (String lib : FOUR) {
      assertThat(loaded).containsEntry(lib, dir.resolve(lib).toString());
    }
    assertVersionRuns(dir, env);
    assertEncodesAndDecodes(dir, env);
    // LD_BIND_NOW resolves every PLT slot of libavdevice at start: each imported symbol must exist,
    // in the right version, in the stubs' hash tables.
    Map<String, String> bindNow = new HashMap<>(env);
    bindNow.put("LD_BIND_NOW", "1");
    assertVersionRuns(dir, bindNow);
    assertEncodesAndDecodes(dir, bindNow);
  }

  @Test
  void readelfFindsNothingToWarnAboutInTheGeneratedStubs() throws Exception {
    assumeThat(TestBundle.readelfAvailable()).isTrue();
    Path dir = TestBundle.linkCopy(bundle, temp.resolve("readelf prüft"));
    NativeDeps.ensureLoadable(dir, without(system, FOUR));

    for (String lib : FOUR) {
      Run run = TestBundle.run(List.of("readelf", "-a", "--wide", "--enable-checks", dir.resolve(lib).toString()), dir,
          Map.of("LC_ALL", "C"));
      assertThat(run.exitCode()).as(lib).isZero();
      assertThat(run.output()).as(lib).doesNotContain("readelf:").doesNotContain("Warning")
          .contains("Library soname: [" + lib + "]");
    }
  }

  /**
   * The real thing: in a private mount namespace (unshare, no root needed where user namespaces are
   * allowed) the system library directories are replaced by views without the four libraries. The
   * bundle without stubs then fails exactly as on a fresh machine; with the stubs it runs.
   */
  @Test
  void runsWhereTheLibrariesAreReallyAbsent() throws Exception {
    assumeThat(canUnshare()).as("unshare -rm works here").isTrue();
    Path dir = TestBundle.linkCopy(bundle, temp.resolve("frische Maschine"));
    List<String> hide = new ArrayList<>();
    Set<Path> libDirs = new TreeSet<>();
    for (String lib : FOUR) {
      system.apply(lib).ifPresent(p -> libDirs.add(realParent(p)));
    }
    int n = 0;
    for (Path libDir : libDirs) { // a symlink farm of libDir without the four, bound over libDir
      Path orig = Files.createDirectories(temp.resolve("orig" + n));
      Path farm = Files.createDirectories(temp.resolve("farm" + n++));
      try (Stream<Path> entries = Files.list(libDir)) {
        for (Path e : entries.toList()) {
          String name = e.getFileName().toString();
          if (!FOUR.contains(name)) {
            Files.createSymbolicLink(farm.resolve(name), orig.resolve(name));
          }
        }
      }
      hide.addAll(List.of(libDir.toString(), orig.toString(), farm.toString()));
    }
    Path ffprobe = dir.resolve("ffprobe");
    String libraryPath = "LD_LIBRARY_PATH=" + dir;

    Run before = inNamespace(hide, List.of("env", libraryPath, ffprobe.toString(), "-version"), dir);
    assertThat(before.exitCode()).isNotZero();
    assertThat(before.output()).contains("error while loading shared libraries").contains("cannot open shared object file");

    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, FOUR));
    assertThat(plan.stubbed()).hasSize(4);
    Run after = inNamespace(hide, List.of("env", libraryPath, "LD_BIND_NOW=1", ffprobe.toString(), "-version"), dir);
    assertThat(after.exitCode()).as(after.output()).isZero();
    assertThat(after.output()).startsWith("ffprobe version 7.1");
    Run encode = inNamespace(hide, List.of("env", libraryPath, dir.resolve("ffmpeg").toString(), "-nostdin", "-v", "error",
        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        dir.resolve("im Namensraum.mp4").toString()), dir);
    assertThat(encode.exitCode()).as(encode.output()).isZero();
    assertThat(probeVideo(dir, env(plan), dir.resolve("im Namensraum.mp4"))).containsEntry("nb_read_frames", "25");
  }

  private static Map<String, String> env(LoadPlan plan) {
    Map<String, String> env = new HashMap<>();
    String inherited = System.getenv("LD_LIBRARY_PATH");
    if (inherited != null) {
      env.put("LD_LIBRARY_PATH", inherited);
    }
    plan.applyTo(env);
    return env;
  }

  /** soname -> path, as ld.so resolves them: LD_TRACE_LOADED_OBJECTS=1 makes it list and exit (what ldd does). */
  private static Map<String, String> loadedObjects(Path executable, Map<String, String> env) throws Exception {
    Map<String, String> trace = new HashMap<>(env);
    trace.put("LD_TRACE_LOADED_OBJECTS", "1");
    Run run = TestBundle.run(List.of(executable.toString()), executable.getParent(), trace);
    assertThat(run.exitCode()).as(run.output()).isZero();
    Map<String, String> loaded = new LinkedHashMap<>();
    Matcher m = Pattern.compile("(?m)^\\s+(\\S+) => (.+) \\(0x\\p{XDigit}+\\)$").matcher(run.output());
    while (m.find()) {
      loaded.put(m.group(1), m.group(2));
    }
    assertThat(loaded).as(run.output()).containsKey("libavdevice.so.61");
    return loaded;
  }

  private static void assertVersionRuns(Path dir, Map<String, String> env) throws Exception {
    Run run = TestBundle.run(List.of(dir.resolve("ffprobe").toString(), "-version"), dir, env);
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).startsWith("ffprobe version 7.1").contains("--enable-libpulse");
  }

  /** Encodes one second of testsrc2 with libx264, then decodes it twice: ffprobe frame count, ffmpeg framemd5. */
  private static void assertEncodesAndDecodes(Path dir, Map<String, String> env) throws Exception {
    Path out = dir.resolve("Test – " + env.containsKey("LD_BIND_NOW") + ".mp4");
    Run encode = TestBundle.run(List.of(dir.resolve("ffmpeg").toString(), "-nostdin", "-y", "-v", "error",
        "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        out.toString()), dir, env);
    assertThat(encode.exitCode()).as(encode.output()).isZero();

    assertThat(probeVideo(dir, env, out)).containsEntry("codec_name", "h264").containsEntry("width", "160")
        .containsEntry("height", "120").containsEntry("nb_read_frames", "25");
    Run md5 = TestBundle.run(List.of(dir.resolve("ffmpeg").toString(), "-nostdin", "-v", "error", "-i", out.toString(),
        "-f", "framemd5", "-"), dir, env);
    assertThat(md5.exitCode()).as(md5.output()).isZero();
    assertThat(md5.output().lines().filter(l -> !l.startsWith("#") && !l.isBlank())).hasSize(25);
  }

  private static Map<String, String> probeVideo(Path dir, Map<String, String> env, Path file) throws Exception {
    Run probe = TestBundle.run(List.of(dir.resolve("ffprobe").toString(), "-v", "error", "-count_frames",
        "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height,nb_read_frames",
        "-of", "default=noprint_wrappers=1", file.toString()), dir, env);
    assertThat(probe.exitCode()).as(probe.output()).isZero();
    Map<String, String> values = new HashMap<>();
    probe.output().lines().map(l -> l.split("=", 2)).filter(kv -> kv.length == 2).forEach(kv -> values.put(kv[0], kv[1]));
    return values;
  }

  private static Path realParent(Path lib) {
    try {
      return lib.getParent().toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean canUnshare() {
    try {
      return TestBundle.run(List.of("unshare", "-rm", "true"), temp, Map.of()).exitCode() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs argv in a new user+mount namespace after bind-mounting each (dir, orig, farm) triple of {@code hide}. */
  private static Run inNamespace(List<String> hide, List<String> argv, Path workDir) throws Exception {
    String script = "set -e; while [ \"$1\" != -- ]; do mount --bind \"$1\" \"$2\"; mount --bind \"$3\" \"$1\"; shift 3;"
        + " done; shift; exec \"$@\"";
    List<String> cmd = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c", script, "sh"));
    cmd.addAll(hide);
    cmd.add("--");
    cmd.addAll(argv);
    return TestBundle.run(cmd, workDir, Map.of());
  }
}
