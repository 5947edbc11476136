package dev.patchwork.ffmpeg.internal;

import dev.patchwork.ffmpeg.internal.elf.ElfReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds an installed x86-64 library by name roughly as ld.so would for a library with no RUNPATH:
 * the directories on LD_LIBRARY_PATH, the loader cache (read with {@code ldconfig -p}) and the default
 * directories. A hit must be an ELF64 x86-64 file, so a 32-bit library of the same name does not count.
 */
final class SystemLibraries implements Function<String, Optional<Path>> {
  private static final Logger LOG = LoggerFactory.getLogger(SystemLibraries.class);
  private static final List<String> DEFAULT_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
      "/lib64", "/usr/lib64", "/lib", "/usr/lib");
  private static final List<String> LDCONFIG = List.of("/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig");
  /** A cache line: {@code <tab>libpulse.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpulse.so.0}. */
  private static final Pattern CACHE_LINE = Pattern.compile("^\\s*(\\S+)\\s+\\(([^)]*)\\)\\s+=>\\s+(.+?)\\s*$");

  private final List<Path> libraryPath;
  private final Map<String, Path> cache;
  private final List<Path> defaultDirs;

  SystemLibraries(List<Path> libraryPath, Map<String, Path> cache, List<Path> defaultDirs) {
    this.libraryPath = List.copyOf(libraryPath);
    this.cache = Map.copyOf(cache);
    this.defaultDirs = List.copyOf(defaultDirs);
  }

  /** This machine's LD_LIBRARY_PATH, loader cache and default directories. */
  static SystemLibraries ofThisMachine() {
    List<Path> libraryPath = new ArrayList<>();
    String llp = System.getenv("LD_LIBRARY_PATH");
    for (String d : llp == null ? new String[0] : llp.split("[:;]")) {
      if (!d.isEmpty()) {
        libraryPath.add(Path.of(d));
      }
    }
    return new SystemLibraries(libraryPath, parseLdconfig(runLdconfig()), DEFAULT_DIRS.stream().map(Path::of).toList());
  }

  /** Where ld.so would find {@code library}, in its search order, or empty. */
  @Override
  public Optional<Path> apply(String library) {
    List<Path> candidates = new ArrayList<>();
    libraryPath.forEach(d -> candidates.add(d.resolve(library)));
    Optional.ofNullable(cache.get(library)).ifPresent(candidates::add);
    defaultDirs.forEach(d -> candidates.add(d.resolve(library)));
    return candidates.stream().filter(ElfReader::isElf64X86).findFirst();
  }

  /** The x86-64 entries of {@code ldconfig -p} output, first one per name (the loader's preference). */
  static Map<String, Path> parseLdconfig(String output) {
    Map<String, Path> byName = new HashMap<>();
    for (String line : output.split("\n")) {
      Matcher m = CACHE_LINE.matcher(line);
      if (m.matches() && m.group(2).contains("x86-64")) {
        byName.putIfAbsent(m.group(1), Path.of(m.group(3)));
      }
    }
    return byName;
  }

  private static String runLdconfig() {
    for (String exe : LDCONFIG) {
      try {
        Process p = new ProcessBuilder(exe, "-p")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        String out;
        try (InputStream in = p.getInputStream()) {
          out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return out;
        }
        p.destroyForcibly();
      } catch (IOException e) {
        LOG.debug("{} -p did not run: {}", exe, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    LOG.debug("No usable ldconfig; looking only in LD_LIBRARY_PATH and the default library directories");
    return "";
  }
}
