package dev.patchwork.ffmpeg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The bytedeco ffmpeg bundle from the test class path, and helpers to run its programs. */
public final class TestBundle {
  private static final String RESOURCE_DIR = "org/bytedeco/ffmpeg/linux-x86_64-gpl/";

  private TestBundle() {}

  /** Extracts every file of the bundle from the class path into {@code dir}; returns {@code dir}. */
  public static Path extractTo(Path dir) throws IOException {
    URL url = TestBundle.class.getClassLoader().getResource(RESOURCE_DIR + "ffmpeg");
    if (url == null) {
      throw new IllegalStateException(RESOURCE_DIR + "ffmpeg is not on the test class path");
    }
    Files.createDirectories(dir);
    if (url.getProtocol().equals("jar")) {
      String spec = url.getPath(); // file:/…/ffmpeg-7.1-1.5.11-linux-x86_64-gpl.jar!/org/…
      Path jar = toPath(new URL(spec.substring(0, spec.indexOf("!/"))));
      try (FileSystem zip = FileSystems.newFileSystem(jar)) {
        copyFiles(zip.getPath(RESOURCE_DIR), dir);
      }
    } else {
      copyFiles(toPath(url).getParent(), dir);
    }
    for (String exe : List.of("ffmpeg", "ffprobe")) {
      dir.resolve(exe).toFile().setExecutable(true);
    }
    return dir;
  }

  /** A copy of {@code bundle} in {@code dir}: hard links where possible (the bundle files are never written). */
  public static Path linkCopy(Path bundle, Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(bundle)) {
      for (Path f : files.toList()) {
        Path target = dir.resolve(f.getFileName().toString());
        try {
          Files.createLink(target, f);
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return dir;
  }

  /** The result of running a program: exit code and combined stdout+stderr. */
  public record Run(int exitCode, String output) {}

  /** Runs {@code argv} in {@code workDir} with {@code env} added to this process's environment. */
  public static Run run(List<String> argv, Path workDir, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv)).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + argv);
    }
    return new Run(p.exitValue(), out);
  }

  /** Whether binutils' readelf can be run (tests that use it as an independent check skip without it). */
  public static boolean readelfAvailable() {
    try {
      Process p = new ProcessBuilder("readelf", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static void copyFiles(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static Path toPath(URL url) {
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(url + " is not a file URL", e);
    }
  }
}
