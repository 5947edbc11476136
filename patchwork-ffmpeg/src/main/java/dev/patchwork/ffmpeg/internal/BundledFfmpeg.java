package dev.patchwork.ffmpeg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg/ffprobe executables of an {@code org.bytedeco:ffmpeg} platform jar on the class path
 * ({@code org/bytedeco/ffmpeg/<platform>[-gpl]/ffmpeg}, {@code ffprobe} and their shared libraries, which they
 * find beside themselves through {@code RUNPATH $ORIGIN} / {@code @loader_path}).
 *
 * <p>Executables cannot run from inside a jar, so they are extracted once per user into
 * {@code <cache>/patchwork/ffmpeg-<version>-<platform>/}: written to a temporary directory beside it, marked
 * complete, then renamed into place in one atomic step. Concurrent JVMs may race; one rename wins and the
 * others use its result. A complete directory is reused.
 */
public final class BundledFfmpeg {

  private static final Logger log = LoggerFactory.getLogger(BundledFfmpeg.class);

  /** Written last into an extracted directory: one {@code size name} line per file. */
  static final String MARKER = ".patchwork-complete";
  private static final String ROOT = "org/bytedeco/ffmpeg/";
  private static final String POM_PROPERTIES = "META-INF/maven/org.bytedeco/ffmpeg/pom.properties";

  /**
   * Bundled executables found and extracted.
   *
   * @param ffmpeg      the extracted ffmpeg
   * @param ffprobe     the extracted ffprobe
   * @param coordinates {@code org.bytedeco:ffmpeg:<version>:<classifier>}
   * @param directory   where they were extracted
   */
  public record Extracted(Path ffmpeg, Path ffprobe, String coordinates, Path directory) {}

  private BundledFfmpeg() {}

  /** The bytedeco platform name of this JVM's OS and architecture, e.g. {@code linux-x86_64}. */
  public static Optional<String> currentPlatform() {
    return platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
  }

  /** The bytedeco platform name for an {@code os.name} / {@code os.arch} pair, if bytedeco builds ffmpeg for it. */
  public static Optional<String> platform(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64", "x86-64" -> "x86_64";
      case "aarch64", "arm64" -> "arm64";
      default -> null;
    };
    if (arch == null) return Optional.empty();
    if (os.startsWith("linux")) return Optional.of("linux-" + arch);
    if (os.startsWith("mac") || os.startsWith("darwin")) return Optional.of("macosx-" + arch);
    if (os.startsWith("windows") && arch.equals("x86_64")) return Optional.of("windows-x86_64");
    return Optional.empty();
  }

  /** {@code name} or {@code name.exe} on Windows. */
  public static String executableName(String name, String platform) {
    return platform.startsWith("windows") ? name + ".exe" : name;
  }

  /**
   * Finds the bundle for {@code platform} through {@code loader} and extracts it under {@code cacheRoot}
   * (unless already there).
   *
   * @return empty if no bundle for this platform is on the class path
   * @throws UncheckedIOException if it is there but cannot be extracted
   */
  public static Optional<Extracted> extract(ClassLoader loader, String platform, Path cacheRoot) {
    for (String classifier : List.of(platform + "-gpl", platform)) {
      String dir = ROOT + classifier + "/";
      URL ffmpeg = loader.getResource(dir + executableName("ffmpeg", platform));
      URL ffprobe = loader.getResource(dir + executableName("ffprobe", platform));
      if (ffmpeg == null || ffprobe == null) continue;
      try {
        Source source = Source.of(ffmpeg, dir);
        String version = source.version();
        String coordinates = "org.bytedeco:ffmpeg:" + version + ":" + classifier;
        Path target = cacheRoot.resolve("ffmpeg-" + version + "-" + classifier);
        Path ready = ensureExtracted(source, target);
        return Optional.of(new Extracted(
            ready.resolve(executableName("ffmpeg", platform)), ready.resolve(executableName("ffprobe", platform)),
            coordinates, ready));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the bundled ffmpeg (" + ffmpeg + ") to " + cacheRoot + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /**
   * The per-user cache root: {@code $XDG_CACHE_HOME/patchwork}, else {@code %LOCALAPPDATA%\patchwork} on
   * Windows, {@code ~/Library/Caches/patchwork} on macOS, {@code ~/.cache/patchwork} elsewhere.
   */
  public static Path cacheRoot(Map<String, String> environment) {
    String xdg = environment.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "patchwork");
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    Path home = Path.of(System.getProperty("user.home"));
    if (os.startsWith("windows")) {
      String local = environment.get("LOCALAPPDATA");
      if (local != null && !local.isBlank()) return Path.of(local, "patchwork");
      return home.resolve("AppData").resolve("Local").resolve("patchwork");
    }
    if (os.startsWith("mac")) return home.resolve("Library").resolve("Caches").resolve("patchwork");
    return home.resolve(".cache").resolve("patchwork");
  }

  static Path ensureExtracted(Source source, Path target) throws IOException {
    if (isComplete(target)) return target;
    Files.createDirectories(target.getParent());
    for (int attempt = 0; attempt < 3; attempt++) {
      Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
      try {
        Files.createDirectory(tmp);
        List<String> lines = source.copyTo(tmp);
        Files.write(tmp.resolve(MARKER), lines, StandardCharsets.UTF_8);
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          log.debug("extracted the bundled ffmpeg to {}", target);
          return target;
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
          // another JVM (or thread) got there first, or something is in the way
          log.trace("rename of {} to {} failed", tmp, target, e);
        } catch (IOException e) {
          if (!Files.exists(target)) throw e;
        }
      } finally {
        deleteTree(tmp);
      }
      if (isComplete(target)) return target;
      // an incomplete directory that is not ours: move it aside and try again
      Path stale = target.resolveSibling("." + target.getFileName() + ".stale-" + UUID.randomUUID());
      try {
        Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(stale);
      } catch (IOException e) {
        log.trace("could not move {} aside", target, e);
      }
    }
    if (isComplete(target)) return target;
    throw new IOException(target + " exists but is incomplete and could not be replaced");
  }

  /** True if {@code dir} holds a marker and every file it lists, at its listed size. */
  static boolean isComplete(Path dir) {
    Path marker = dir.resolve(MARKER);
    if (!Files.isRegularFile(marker)) return false;
    try {
      List<String> lines = Files.readAllLines(marker, StandardCharsets.UTF_8);
      if (lines.isEmpty()) return false;
      for (String line : lines) {
        int sp = line.indexOf(' ');
        if (sp <= 0) return false;
        long size = Long.parseLong(line.substring(0, sp));
        Path f = dir.resolve(line.substring(sp + 1));
        if (!Files.isRegularFile(f) || Files.size(f) != size) return false;
      }
      return true;
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  private static void deleteTree(Path dir) {
    IOException e = FileTrees.delete(dir);
    if (e != null) log.trace("could not delete {}", dir, e);
  }

  /** The files of one bundle directory, in a jar or (in an IDE) an exploded directory. */
  abstract static class Source {
    final String dir;

    Source(String dir) {
      this.dir = dir;
    }

    static Source of(URL ffmpeg, String dir) throws IOException {
      if (ffmpeg.getProtocol().equals("jar")) {
        JarURLConnection c = (JarURLConnection) ffmpeg.openConnection();
        c.setUseCaches(false);
        try {
          return new JarSource(Path.of(c.getJarFileURL().toURI()), dir);
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new IOException("unexpected location of the bundled ffmpeg: " + ffmpeg, e);
        }
      }
      if (ffmpeg.getProtocol().equals("file")) {
        try {
          return new DirectorySource(Path.of(ffmpeg.toURI()).getParent(), dir);
        } catch (URISyntaxException | IllegalArgumentException e) {
          throw new IOException("unexpected location of the bundled ffmpeg: " + ffmpeg, e);
        }
      }
      throw new IOException("cannot read the bundled ffmpeg from " + ffmpeg);
    }

    /** The artifact version, or a digest of the location when no version is recorded. */
    abstract String version() throws IOException;

    /** Copies every file (not the JNI bridges, which the executables do not use) into {@code tmp}; returns marker lines. */
    abstract List<String> copyTo(Path tmp) throws IOException;

    static boolean wanted(String name) {
      return !name.isEmpty() && !name.contains("/") && !name.startsWith("libjni") && !name.startsWith("jni");
    }

    static void makeExecutable(Path p) throws IOException {
      try {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException e) {
        // Windows: executability comes from the name
      }
    }

    static String digest(String text) {
      try {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 6);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static final class JarSource extends Source {
    private final Path jar;

    JarSource(Path jar, String dir) {
      super(dir);
      this.jar = jar;
    }

    @Override
    String version() throws IOException {
      try (JarFile jf = new JarFile(jar.toFile())) {
        JarEntry e = jf.getJarEntry(POM_PROPERTIES);
        if (e != null) {
          Properties p = new Properties();
          try (InputStream in = jf.getInputStream(e)) {
            p.load(in);
          }
          String v = p.getProperty("version");
          if (v != null && v.matches("[A-Za-z0-9._-]+")) return v;
        }
      }
      return "unversioned-" + digest(jar.toAbsolutePath() + "@" + Files.size(jar) + "@" + Files.getLastModifiedTime(jar));
    }

    @Override
    List<String> copyTo(Path tmp) throws IOException {
      List<String> lines = new ArrayList<>();
      try (JarFile jf = new JarFile(jar.toFile())) {
        var entries = jf.entries();
        while (entries.hasMoreElements()) {
          JarEntry e = entries.nextElement();
          if (e.isDirectory() || !e.getName().startsWith(dir)) continue;
          String name = e.getName().substring(dir.length());
          if (!wanted(name)) continue;
          Path out = tmp.resolve(name);
          try (InputStream in = jf.getInputStream(e)) {
            Files.copy(in, out);
          }
          makeExecutable(out);
          lines.add(Files.size(out) + " " + name);
        }
      }
      return lines;
    }
  }

  static final class DirectorySource extends Source {
    private final Path folder;

    DirectorySource(Path folder, String dir) {
      super(dir);
      this.folder = folder;
    }

    @Override
    String version() {
      return "unversioned-" + digest(folder.toAbsolutePath().toString());
    }

    @Override
    List<String> copyTo(Path tmp) throws IOException {
      List<String> lines = new ArrayList<>();
      try (Stream<Path> files = Files.list(folder)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String name = f.getFileName().toString();
          if (!Files.isRegularFile(f) || !wanted(name)) continue;
          Path out = tmp.resolve(name);
          Files.copy(f, out);
          makeExecutable(out);
          lines.add(Files.size(out) + " " + name);
        }
      }
      return lines;
    }
  }
}
