package dev.patchwork.ffmpeg.internal;

import dev.patchwork.PatchworkException;
import dev.patchwork.ToolNotFoundException;
import dev.patchwork.ffmpeg.internal.elf.ElfReader;
import dev.patchwork.ffmpeg.internal.elf.StubLibraryWriter;
import dev.patchwork.ffmpeg.internal.elf.StubLibraryWriter.StubSymbol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an extracted ffmpeg bundle (bytedeco's {@code org/bytedeco/ffmpeg/linux-x86_64-gpl}) start on a
 * Linux machine that lacks the audio/X11 libraries only its capture and playback devices use.
 *
 * <p>libavdevice has DT_NEEDED entries for libpulse, libasound, libxcb and libxcb-shm; ld.so refuses to
 * start ffmpeg when one is missing, although Patchwork never opens those devices. For each such library
 * that is neither in the bundle nor installed, this writes a stub (see {@link StubLibraryWriter}) into
 * the bundle directory: it satisfies the loader, and a call into it returns 0, which ffmpeg reports as
 * a failed device open. Libraries outside {@link #DEVICE_LIBRARIES} are never stubbed: their absence
 * fails with a message naming them.
 *
 * <p>The bundle directory must then be on LD_LIBRARY_PATH of every ffmpeg/ffprobe process
 * ({@link LoadPlan#applyTo}): the executables carry RUNPATH {@code $ORIGIN/}, but a RUNPATH applies only
 * to the object's own DT_NEEDED, and libavdevice and libavutil (which need the stubs and the bundled
 * libdrm) carry none, so ld.so would look for their dependencies only in the system directories.
 */
public final class NativeDeps {
  private static final Logger LOG = LoggerFactory.getLogger(NativeDeps.class);

  /** Libraries whose absence only disables capture/playback devices: safe to replace by stubs. */
  public static final Set<String> DEVICE_LIBRARIES = Set.of("libpulse.so.0", "libasound.so.2", "libxcb.so.1",
      "libxcb-shm.so.0", "libxcb-shape.so.0", "libxcb-xfixes.so.0", "libX11.so.6", "libXext.so.6", "libXv.so.1",
      "libSDL2-2.0.so.0", "libjack.so.0", "libsndio.so.7", "libv4l2.so.0");

  /** One stub written: the library it stands in for, its file, who needs it, what it defines. */
  public record Stub(String library, Path file, List<String> neededBy, List<String> versions, int symbols) {
    public Stub {
      Objects.requireNonNull(library, "library");
      Objects.requireNonNull(file, "file");
      neededBy = List.copyOf(neededBy);
      versions = List.copyOf(versions);
    }
  }

  /**
   * What a process running the bundle needs. {@code libraryPath} is empty where nothing applies (not
   * Linux x86-64); {@code stubbed} lists the stubs written by this call.
   */
  public record LoadPlan(Optional<Path> libraryPath, List<Stub> stubbed) {
    public LoadPlan {
      Objects.requireNonNull(libraryPath, "libraryPath");
      stubbed = List.copyOf(stubbed);
    }

    /** Puts the bundle directory first on LD_LIBRARY_PATH in {@code env} (e.g. ProcessBuilder.environment()). */
    public void applyTo(Map<String, String> env) {
      libraryPath.ifPresent(dir -> {
        String old = env.get("LD_LIBRARY_PATH");
        env.put("LD_LIBRARY_PATH", old == null || old.isEmpty() ? dir.toString() : dir + ":" + old);
      });
    }
  }

  private NativeDeps() {}

  /** {@link #ensureLoadable(Path, Function)} against this machine's installed libraries. */
  public static LoadPlan ensureLoadable(Path bundleDir) {
    if (!isLinuxX86_64()) {
      return new LoadPlan(Optional.empty(), List.of());
    }
    return ensureLoadable(bundleDir, SystemLibraries.ofThisMachine(), true);
  }

  /**
   * Checks every DT_NEEDED of every ELF file in {@code bundleDir}; writes stubs for missing device
   * libraries. {@code systemLibrary} says where an installed library is (tests hide some).
   *
   * @throws ToolNotFoundException if a needed library outside {@link #DEVICE_LIBRARIES} is missing
   */
  public static LoadPlan ensureLoadable(Path bundleDir, Function<String, Optional<Path>> systemLibrary) {
    return ensureLoadable(bundleDir, systemLibrary, isLinuxX86_64());
  }

  static LoadPlan ensureLoadable(Path bundleDir, Function<String, Optional<Path>> systemLibrary, boolean linux) {
    if (!linux) {
      LOG.debug("Not Linux x86-64; leaving {} as it is", bundleDir);
      return new LoadPlan(Optional.empty(), List.of());
    }
    Path dir = bundleDir.toAbsolutePath().normalize();
    if (dir.toString().matches(".*[:;$].*")) { // LD_LIBRARY_PATH splits on ':' ';' and expands '$ORIGIN'
      throw new PatchworkException("The ffmpeg bundle directory " + dir + " contains ':', ';' or '$', so it"
          + " cannot go on LD_LIBRARY_PATH; extract the bundle to a directory without them");
    }
    try {
      return plan(dir, systemLibrary);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot inspect the ffmpeg bundle in " + dir, e);
    }
  }

  private static LoadPlan plan(Path dir, Function<String, Optional<Path>> systemLibrary) throws IOException {
    Map<String, ElfReader> bundle = new TreeMap<>(); // file name -> parsed file
    try (Stream<Path> files = Files.list(dir)) {
      // Dot files are skipped: a temp file left by an interrupted stub write is not part of the bundle.
      for (Path f : files.filter(p -> !p.getFileName().toString().startsWith(".")).filter(Files::isRegularFile)
          .filter(ElfReader::isElf64X86).toList()) {
        bundle.put(f.getFileName().toString(), ElfReader.read(f));
      }
    }
    Set<String> inBundle = new HashSet<>(bundle.keySet());
    bundle.values().forEach(e -> inBundle.add(e.soname()));
    Map<String, Optional<Path>> installed = new TreeMap<>();
    Map<String, Set<String>> missing = new TreeMap<>(); // library -> the bundle files that need it
    bundle.forEach((file, elf) -> elf.needed().stream()
        .filter(lib -> !inBundle.contains(lib))
        .filter(lib -> installed.computeIfAbsent(lib, systemLibrary).isEmpty())
        .forEach(lib -> missing.computeIfAbsent(lib, k -> new TreeSet<>()).add(file)));
    List<String> fatal = missing.keySet().stream().filter(lib -> !DEVICE_LIBRARIES.contains(lib)).toList();
    if (!fatal.isEmpty()) {
      throw new ToolNotFoundException("The bundled ffmpeg in " + dir + " cannot start: "
          + fatal.stream().map(lib -> lib + " (needed by " + String.join(", ", missing.get(lib)) + ")")
              .collect(Collectors.joining("; "))
          + (fatal.size() == 1 ? " is" : " are") + " neither in the bundle nor installed. Install the"
          + " system package that provides " + String.join(", ", fatal) + ", or use an installed ffmpeg");
    }
    List<Stub> stubs = new ArrayList<>();
    if (!missing.isEmpty()) {
      Set<String> definedElsewhere = definedSymbols(bundle, installed);
      for (Map.Entry<String, Set<String>> e : missing.entrySet()) {
        stubs.add(writeStub(dir, e.getKey(), e.getValue(), bundle, definedElsewhere));
      }
    }
    return new LoadPlan(Optional.of(dir), stubs);
  }

  /**
   * The symbols a stub for {@code library} must define: those the importers bind to it by version
   * (their .gnu.version entry points at a Vernaux under the Verneed for this file), and, if the
   * importer needs no version from it (libxcb is not versioned), its unversioned, non-weak undefined
   * symbols that nothing else it can load defines. ELF does not record where an unversioned symbol
   * comes from, so two missing unversioned libraries needed by one file both get the unclaimed ones;
   * the duplicates are harmless.
   */
  private static Stub writeStub(Path dir, String library, Set<String> importers, Map<String, ElfReader> bundle,
      Set<String> definedElsewhere) throws IOException {
    Map<String, StubSymbol> symbols = new TreeMap<>();
    Set<String> versions = new TreeSet<>();
    for (String importer : importers) {
      ElfReader elf = bundle.get(importer);
      List<String> needed = elf.versionNeeds().stream().filter(n -> n.library().equals(library))
          .flatMap(n -> n.versions().stream()).toList();
      versions.addAll(needed);
      for (ElfReader.Symbol s : elf.symbols()) {
        boolean bound = !s.defined() && s.library().equals(library);
        boolean unclaimed = needed.isEmpty() && !s.defined() && s.version().isEmpty()
            && s.binding() != ElfReader.STB_WEAK && !definedElsewhere.contains(s.name());
        if (!bound && !unclaimed) {
          continue;
        }
        if (s.type() == ElfReader.STT_TLS) {
          throw new PatchworkException(importer + " uses thread-local " + s.name() + " from " + library
              + ", which a stub cannot provide; install " + library);
        }
        boolean data = s.type() == ElfReader.STT_OBJECT;
        symbols.merge(s.name() + "@" + s.version(), new StubSymbol(s.name(), s.version(), data, s.size()),
            (a, b) -> a.data() ? a : b); // if any importer reads it as data, give it memory
      }
    }
    byte[] bytes = StubLibraryWriter.write(library, versions, symbols.values());
    Path target = dir.resolve(library);
    Path tmp = Files.createTempFile(dir, "." + library + ".", ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    LOG.info("Wrote stub {} ({} symbols, versions {}): {} needs it and it is not installed; ffmpeg starts,"
        + " and only capture/playback devices that use it are unavailable", target, symbols.size(), versions,
        String.join(", ", importers));
    return new Stub(library, target, List.copyOf(importers), List.copyOf(versions), symbols.size());
  }

  /** Every symbol defined by a bundle file or by an installed library that a bundle file needs. */
  private static Set<String> definedSymbols(Map<String, ElfReader> bundle, Map<String, Optional<Path>> installed) {
    List<ElfReader> loadable = new ArrayList<>(bundle.values());
    for (Map.Entry<String, Optional<Path>> e : installed.entrySet()) {
      if (e.getValue().isPresent()) {
        try {
          loadable.add(ElfReader.read(e.getValue().get()));
        } catch (IOException ex) {
          LOG.debug("Cannot read {} ({}); its symbols are not subtracted from stubs", e.getValue().get(), ex.getMessage());
        }
      }
    }
    Set<String> defined = new HashSet<>();
    loadable.forEach(elf -> elf.symbols().stream().filter(ElfReader.Symbol::defined).forEach(s -> defined.add(s.name())));
    return defined;
  }

  static boolean isLinuxX86_64() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
  }
}
