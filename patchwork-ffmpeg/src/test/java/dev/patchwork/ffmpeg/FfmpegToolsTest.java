package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.ToolNotFoundException;
import dev.patchwork.ffmpeg.internal.BundledFfmpeg;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Precedence, verification and extraction, mostly with fake executables and a fake bundle jar. */
@DisabledOnOs(OS.WINDOWS)
class FfmpegToolsTest {

  private static final Optional<String> LINUX = Optional.of("linux-x86_64");

  @TempDir Path tmp;
  Path dir;
  /** A class loader that sees no org.bytedeco jar. */
  ClassLoader noBundle = new URLClassLoader(new URL[0], null);

  @BeforeEach
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @Test
  void explicitToolsAreVerifiedAndDescribed() throws IOException {
    Path bin = fakeTools(dir.resolve("explicit bin"), "explicit");

    FfmpegTools tools = FfmpegTools.of(bin.resolve("ffmpeg"), bin.resolve("ffprobe"));

    assertThat(tools.source()).isEqualTo(FfmpegTools.Source.EXPLICIT);
    assertThat(tools.ffmpeg()).isEqualTo(bin.resolve("ffmpeg"));
    assertThat(tools.versionLine()).isEqualTo("ffmpeg version explicit-1 Copyright (c) fake");
    assertThat(tools.ffprobeVersionLine()).isEqualTo("ffprobe version explicit-1");
    assertThat(tools.description()).contains("explicit").contains(bin.toString());
  }

  @Test
  void somethingThatIsNotFfmpegIsRejected() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    TestPaths.script(bin, "ffmpeg", "echo 'hello, I am not ffmpeg'");
    TestPaths.script(bin, "ffprobe", "echo 'ffprobe version x'");

    assertThatThrownBy(() -> FfmpegTools.of(bin.resolve("ffmpeg"), bin.resolve("ffprobe")))
        .isInstanceOf(ToolNotFoundException.class).hasMessageContaining("does not look like ffmpeg");
  }

  @Test
  void environmentComesBeforeBundleAndPath_ffprobeBesideFfmpeg() throws IOException {
    Path envBin = fakeTools(dir.resolve("env bin"), "env");
    Path pathBin = fakeTools(dir.resolve("path bin"), "path");
    Map<String, String> env = Map.of(FfmpegTools.ENV_FFMPEG, envBin.resolve("ffmpeg").toString(), "PATH", pathBin.toString(),
        "XDG_CACHE_HOME", tmp.resolve("cache").toString());

    FfmpegTools tools = FfmpegTools.locate(env, loaderWith(fakeBundleJar("9.9-bundle", "ffmpeg version bundle-1")), LINUX);

    assertThat(tools.source()).isEqualTo(FfmpegTools.Source.ENVIRONMENT);
    assertThat(tools.ffprobe()).isEqualTo(envBin.resolve("ffprobe"));
    assertThat(tools.versionLine()).contains("env-1");
    assertThat(tools.description()).contains(FfmpegTools.ENV_FFMPEG).contains("beside");
  }

  @Test
  void environmentCanNameFfprobeSeparately() throws IOException {
    Path a = fakeTools(dir.resolve("a"), "a");
    Path b = fakeTools(dir.resolve("b"), "b");
    Map<String, String> env = Map.of(FfmpegTools.ENV_FFMPEG, a.resolve("ffmpeg").toString(),
        FfmpegTools.ENV_FFPROBE, b.resolve("ffprobe").toString());

    FfmpegTools tools = FfmpegTools.locate(env, noBundle, LINUX);

    assertThat(tools.ffmpeg()).isEqualTo(a.resolve("ffmpeg"));
    assertThat(tools.ffprobe()).isEqualTo(b.resolve("ffprobe"));
    assertThat(tools.ffprobeVersionLine()).isEqualTo("ffprobe version b-1");
  }

  @Test
  void aBrokenEnvironmentSettingFailsInsteadOfFallingBack() throws IOException {
    Path pathBin = fakeTools(dir.resolve("path bin"), "path");
    Map<String, String> env = Map.of(FfmpegTools.ENV_FFMPEG, dir.resolve("missing/ffmpeg").toString(), "PATH", pathBin.toString());

    assertThatThrownBy(() -> FfmpegTools.locate(env, noBundle, LINUX))
        .isInstanceOf(ToolNotFoundException.class)
        .hasMessageContaining(FfmpegTools.ENV_FFMPEG).hasMessageContaining("does not exist");
  }

  @Test
  void bundleComesBeforePath_andIsExtractedOnceIntoTheCache() throws IOException {
    Path pathBin = fakeTools(dir.resolve("path bin"), "path");
    Path cache = dir.resolve("cache");
    Map<String, String> env = Map.of("PATH", pathBin.toString(), "XDG_CACHE_HOME", cache.toString());
    ClassLoader loader = loaderWith(fakeBundleJar("9.9-bundle", "ffmpeg version bundle-1"));

    FfmpegTools tools = FfmpegTools.locate(env, loader, LINUX);

    Path extracted = cache.resolve("patchwork/ffmpeg-9.9-bundle-linux-x86_64-gpl");
    assertThat(tools.source()).isEqualTo(FfmpegTools.Source.BUNDLED);
    assertThat(tools.ffmpeg()).isEqualTo(extracted.resolve("ffmpeg"));
    assertThat(tools.versionLine()).isEqualTo("ffmpeg version bundle-1");
    assertThat(tools.description()).contains("org.bytedeco:ffmpeg:9.9-bundle:linux-x86_64-gpl").contains(extracted.toString());
    assertThat(extracted.resolve("libavfake.so.61")).hasContent("not really a library");
    assertThat(extracted.resolve("libjniavfake.so")).doesNotExist();

    var before = Files.getLastModifiedTime(extracted.resolve("ffmpeg"));
    FfmpegTools.locate(env, loader, LINUX);
    assertThat(Files.getLastModifiedTime(extracted.resolve("ffmpeg"))).isEqualTo(before);
  }

  @Test
  void theRealBundleOnTheTestClassPathRunsWithNothingElseInstalled() throws IOException {
    // the org.bytedeco:ffmpeg jar for this platform is a test dependency of this module
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path cache = dir.resolve("real cache");
    Map<String, String> env = Map.of("PATH", empty.toString(), "XDG_CACHE_HOME", cache.toString());

    FfmpegTools tools = FfmpegTools.locate(env);

    assertThat(tools.source()).isEqualTo(FfmpegTools.Source.BUNDLED);
    assertThat(tools.versionLine()).startsWith("ffmpeg version 7.1");
    assertThat(tools.ffprobeVersionLine()).startsWith("ffprobe version 7.1");
    assertThat(tools.description()).contains("org.bytedeco:ffmpeg:7.1-1.5.11:").contains(cache.toString());
    assertThat(tools.ffmpeg()).startsWith(cache.resolve("patchwork"));
    assertThat(tools.toString()).contains(tools.versionLine()).contains(tools.description());
  }

  @Test
  void pathIsTheLastResort() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path pathBin = fakeTools(dir.resolve("path bin"), "path");
    Map<String, String> env = Map.of("PATH", empty + java.io.File.pathSeparator + pathBin);

    FfmpegTools tools = FfmpegTools.locate(env, noBundle, LINUX);

    assertThat(tools.source()).isEqualTo(FfmpegTools.Source.PATH);
    assertThat(tools.ffmpeg()).isEqualTo(pathBin.resolve("ffmpeg"));
    assertThat(tools.ffprobe()).isEqualTo(pathBin.resolve("ffprobe"));
  }

  @Test
  void nothingFoundListsEverythingTried() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));

    assertThatThrownBy(() -> FfmpegTools.locate(Map.of("PATH", empty.toString()), noBundle, LINUX))
        .isInstanceOf(ToolNotFoundException.class)
        .hasMessageContaining(FfmpegTools.ENV_FFMPEG + " is not set")
        .hasMessageContaining("no org.bytedeco:ffmpeg")
        .hasMessageContaining("no ffmpeg on PATH=" + empty)
        .hasMessageContaining("linux-x86_64-gpl");
  }

  @Test
  void aBundleThatCannotLoadItsLibrariesSaysWhichPackageToInstall() throws IOException {
    String failing = "echo \"$0: error while loading shared libraries: libpulse.so.0: cannot open shared object file: "
        + "No such file or directory\" >&2; exit 127";
    Path jar = fakeBundleJarWithScript("9.9-broken", failing);
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Map<String, String> env = Map.of("PATH", empty.toString(), "XDG_CACHE_HOME", dir.resolve("cache").toString());

    assertThatThrownBy(() -> FfmpegTools.locate(env, loaderWith(jar), LINUX))
        .isInstanceOf(ToolNotFoundException.class)
        .hasMessageContaining("libpulse.so.0 is missing")
        .hasMessageContaining("apt-get install libpulse0")
        .hasMessageContaining(FfmpegTools.ENV_FFMPEG);
  }

  @Test
  void concurrentExtractionsAgreeOnOneCompleteDirectory() throws Exception {
    Path jar = fakeBundleJar("9.9-race", "ffmpeg version race-1");
    Path cacheRoot = dir.resolve("race cache");
    ClassLoader loader = loaderWith(jar);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<BundledFfmpeg.Extracted>> results = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        Callable<BundledFfmpeg.Extracted> c = () -> BundledFfmpeg.extract(loader, "linux-x86_64", cacheRoot).orElseThrow();
        results.add(pool.submit(c));
      }
      for (Future<BundledFfmpeg.Extracted> f : results) {
        BundledFfmpeg.Extracted e = f.get();
        assertThat(e.directory()).isEqualTo(cacheRoot.resolve("ffmpeg-9.9-race-linux-x86_64-gpl"));
        assertThat(Files.readString(e.ffmpeg())).contains("race-1");
      }
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> left = Files.list(cacheRoot)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("ffmpeg-9.9-race-linux-x86_64-gpl");
    }
  }

  @Test
  void anIncompleteCacheDirectoryIsReplaced() throws IOException {
    Path jar = fakeBundleJar("9.9-stale", "ffmpeg version stale-1");
    Path cacheRoot = dir.resolve("cache");
    Path target = Files.createDirectories(cacheRoot.resolve("ffmpeg-9.9-stale-linux-x86_64-gpl"));
    Files.writeString(target.resolve("ffmpeg"), "#!/bin/sh\n# truncated by a crash"); // no completeness marker

    BundledFfmpeg.Extracted e = BundledFfmpeg.extract(loaderWith(jar), "linux-x86_64", cacheRoot).orElseThrow();

    assertThat(Files.readString(e.ffmpeg())).contains("stale-1");
  }

  @Test
  void platformNamesFollowBytedeco() {
    assertThat(BundledFfmpeg.platform("Linux", "amd64")).contains("linux-x86_64");
    assertThat(BundledFfmpeg.platform("Linux", "aarch64")).contains("linux-arm64");
    assertThat(BundledFfmpeg.platform("Mac OS X", "x86_64")).contains("macosx-x86_64");
    assertThat(BundledFfmpeg.platform("Mac OS X", "aarch64")).contains("macosx-arm64");
    assertThat(BundledFfmpeg.platform("Windows 11", "amd64")).contains("windows-x86_64");
    assertThat(BundledFfmpeg.platform("Linux", "ppc64le")).isEmpty();
    assertThat(BundledFfmpeg.platform("SunOS", "amd64")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------

  /** A directory with fake ffmpeg/ffprobe printing "<tool> version <tag>-1". */
  private static Path fakeTools(Path bin, String tag) throws IOException {
    Files.createDirectories(bin);
    TestPaths.script(bin, "ffmpeg", "echo 'ffmpeg version " + tag + "-1 Copyright (c) fake'; echo 'built with a shell'");
    TestPaths.script(bin, "ffprobe", "echo 'ffprobe version " + tag + "-1'");
    return bin;
  }

  private Path fakeBundleJar(String version, String versionLine) throws IOException {
    return fakeBundleJarWithScript(version, "echo '" + versionLine + "'");
  }

  /** A jar laid out like org.bytedeco:ffmpeg:<version>:linux-x86_64-gpl, with shell scripts as executables. */
  private Path fakeBundleJarWithScript(String version, String ffmpegBody) throws IOException {
    Path jar = dir.resolve("ffmpeg-" + version + "-linux-x86_64-gpl.jar");
    String base = "org/bytedeco/ffmpeg/linux-x86_64-gpl/";
    Map<String, String> entries = new HashMap<>();
    entries.put("META-INF/maven/org.bytedeco/ffmpeg/pom.properties", "artifactId=ffmpeg\ngroupId=org.bytedeco\nversion=" + version + "\n");
    entries.put(base + "ffmpeg", "#!/bin/sh\n" + ffmpegBody + "\n");
    entries.put(base + "ffprobe", "#!/bin/sh\necho 'ffprobe version " + version + "'\n");
    entries.put(base + "libavfake.so.61", "not really a library");
    entries.put(base + "libjniavfake.so", "JNI bridge, not needed");
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        jos.putNextEntry(new JarEntry(e.getKey()));
        jos.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        jos.closeEntry();
      }
    }
    return jar;
  }

  private static ClassLoader loaderWith(Path jar) throws IOException {
    return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
  }
}
