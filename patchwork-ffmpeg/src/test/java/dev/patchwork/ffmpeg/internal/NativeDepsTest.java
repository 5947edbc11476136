package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.patchwork.PatchworkException;
import dev.patchwork.ToolNotFoundException;
import dev.patchwork.ffmpeg.internal.NativeDeps.LoadPlan;
import dev.patchwork.ffmpeg.internal.NativeDeps.Stub;
import dev.patchwork.ffmpeg.internal.elf.ElfReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Which libraries NativeDeps stubs, and what it puts in them, on the real bundle. */
@EnabledOnOs(value = OS.LINUX, architectures = "amd64")
class NativeDepsTest {
  static final List<String> FOUR = List.of("libpulse.so.0", "libasound.so.2", "libxcb.so.1", "libxcb-shm.so.0");

  @TempDir static Path temp;
  static Path bundle;
  static SystemLibraries system;

  @BeforeAll
  static void extract() throws IOException {
    bundle = TestBundle.extractTo(temp.resolve("bundle"));
    system = SystemLibraries.ofThisMachine();
  }

  /** This machine's libraries, minus {@code hidden}: what a machine lacking them would answer. */
  static Function<String, Optional<Path>> without(SystemLibraries system, List<String> hidden) {
    return lib -> hidden.contains(lib) ? Optional.empty() : system.apply(lib);
  }

  private static Path copy(String name) throws IOException {
    return TestBundle.linkCopy(bundle, temp.resolve(name));
  }

  private static Set<String> definedNames(Path file) throws IOException {
    return ElfReader.read(file).symbols().stream().filter(ElfReader.Symbol::defined).map(ElfReader.Symbol::name)
        .collect(Collectors.toCollection(HashSet::new));
  }

  private static Set<String> avdeviceImports() throws IOException {
    return ElfReader.read(bundle.resolve("libavdevice.so.61")).symbols().stream().filter(s -> !s.defined())
        .map(ElfReader.Symbol::name).collect(Collectors.toSet());
  }

  @Test
  void nothingIsStubbedWhenEverythingIsInstalled() throws IOException {
    assumeThat(FOUR).allMatch(lib -> system.apply(lib).isPresent());
    Path dir = copy("complete");

    LoadPlan plan = NativeDeps.ensureLoadable(dir, system);

    assertThat(plan.stubbed()).isEmpty();
    assertThat(plan.libraryPath()).contains(dir.toAbsolutePath().normalize());
    assertThat(dir.resolve("libpulse.so.0")).doesNotExist();
  }

  @Test
  void stubsTheMissingPulseLibraryWithWhatLibavdeviceImports() throws IOException {
    assumeThat(system.apply("libpulse.so.0")).as("real libpulse to compare with").isPresent();
    Path dir = copy("pulse");
    Set<String> before;
    try (Stream<Path> files = Files.list(dir)) {
      before = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }

    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, List.of("libpulse.so.0")));

    assertThat(plan.stubbed()).singleElement().satisfies(stub -> {
      assertThat(stub.library()).isEqualTo("libpulse.so.0");
      assertThat(stub.file()).isEqualTo(dir.toAbsolutePath().normalize().resolve("libpulse.so.0"));
      assertThat(stub.neededBy()).containsExactly("libavdevice.so.61");
      assertThat(stub.versions()).containsExactly("PULSE_0");
    });
    try (Stream<Path> files = Files.list(dir)) { // the stub and nothing else: no temp file left behind
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !before.contains(n))).containsExactly("libpulse.so.0");
    }
    ElfReader stub = ElfReader.read(dir.resolve("libpulse.so.0"));
    assertThat(stub.soname()).isEqualTo("libpulse.so.0");
    assertThat(stub.versionDefinitions()).containsExactly("libpulse.so.0", "PULSE_0");
    assertThat(stub.symbols()).allSatisfy(s -> assertThat(s.version()).isEqualTo("PULSE_0"));
    // Exactly what the real libpulse would give libavdevice: its definitions that libavdevice imports.
    Set<String> expected = definedNames(system.apply("libpulse.so.0").orElseThrow());
    expected.retainAll(avdeviceImports());
    assertThat(definedNames(dir.resolve("libpulse.so.0"))).isNotEmpty().isEqualTo(expected);
  }

  /** libxcb is unversioned: the libxcb-shm stub must not also claim what the installed libxcb defines. */
  @Test
  void anUnversionedStubLeavesOutWhatInstalledLibrariesDefine() throws IOException {
    assumeThat(system.apply("libxcb.so.1")).isPresent();
    assumeThat(system.apply("libxcb-shm.so.0")).isPresent();
    Path dir = copy("xcb-shm");

    NativeDeps.ensureLoadable(dir, without(system, List.of("libxcb-shm.so.0")));

    Set<String> expected = definedNames(system.apply("libxcb-shm.so.0").orElseThrow());
    expected.retainAll(avdeviceImports());
    assertThat(definedNames(dir.resolve("libxcb-shm.so.0"))).isNotEmpty().isEqualTo(expected);
  }

  @Test
  void stubsAllFourDeviceLibraries() throws IOException {
    assumeThat(FOUR).allMatch(lib -> system.apply(lib).isPresent());
    Path dir = copy("four");

    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, FOUR));

    assertThat(plan.stubbed()).extracting(Stub::library).containsExactlyInAnyOrderElementsOf(FOUR);
    assertThat(ElfReader.read(dir.resolve("libasound.so.2")).versionDefinitions())
        .containsExactly("libasound.so.2", "ALSA_0.9", "ALSA_0.9.0rc4");
    Set<String> imports = avdeviceImports();
    Set<String> realXcb = definedNames(system.apply("libxcb.so.1").orElseThrow());
    Set<String> realShm = definedNames(system.apply("libxcb-shm.so.0").orElseThrow());
    Set<String> xcbStub = definedNames(dir.resolve("libxcb.so.1"));
    // Everything the two real libraries would provide is there, and nothing they would not.
    for (Set<String> real : List.of(realXcb, realShm)) {
      Set<String> provided = new HashSet<>(real);
      provided.retainAll(imports);
      assertThat(xcbStub).containsAll(provided);
    }
    assertThat(xcbStub).allMatch(name -> realXcb.contains(name) || realShm.contains(name));
    // The versioned libraries get only their versioned symbols, not the unclaimed xcb ones.
    assertThat(ElfReader.read(dir.resolve("libpulse.so.0")).symbols()).isNotEmpty()
        .allSatisfy(s -> assertThat(s.version()).isEqualTo("PULSE_0"));
    assertThat(ElfReader.read(dir.resolve("libasound.so.2")).symbols()).isNotEmpty()
        .allSatisfy(s -> assertThat(s.version()).startsWith("ALSA_0.9"));
  }

  @Test
  void aSecondCallFindsTheStubsAndWritesNothing() throws IOException {
    Path dir = copy("twice");
    NativeDeps.ensureLoadable(dir, without(system, FOUR));
    long modified = Files.getLastModifiedTime(dir.resolve("libpulse.so.0")).toMillis();

    LoadPlan again = NativeDeps.ensureLoadable(dir, without(system, FOUR));

    assertThat(again.stubbed()).isEmpty();
    assertThat(Files.getLastModifiedTime(dir.resolve("libpulse.so.0")).toMillis()).isEqualTo(modified);
  }

  @Test
  void aTempFileLeftByAnInterruptedWriteIsIgnored() throws IOException {
    Path dir = copy("interrupted");
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(bundle.resolve("libavdevice.so.61")), 200);
    Files.write(dir.resolve(".libpulse.so.0.123.tmp"), head); // an ELF header pointing past the end

    LoadPlan plan = NativeDeps.ensureLoadable(dir, without(system, List.of("libpulse.so.0")));

    assertThat(plan.stubbed()).extracting(Stub::library).containsExactly("libpulse.so.0");
  }

  @Test
  void aMissingLibraryThatIsNotADeviceLibraryFailsNamingIt() throws IOException {
    Path dir = copy("no libstdc++");

    assertThatThrownBy(() -> NativeDeps.ensureLoadable(dir, without(system, List.of("libstdc++.so.6", "libpulse.so.0"))))
        .isInstanceOf(ToolNotFoundException.class)
        .hasMessageContaining("libstdc++.so.6 (needed by ")
        .hasMessageContaining("libavcodec.so.61")
        .hasMessageNotContaining("libpulse");
    assertThat(dir.resolve("libpulse.so.0")).as("nothing written when the bundle cannot start anyway").doesNotExist();
  }

  @Test
  void elsewhereThanLinuxX8664ItDoesNothing() throws IOException {
    Path dir = copy("other os");

    LoadPlan plan = NativeDeps.ensureLoadable(dir, lib -> Optional.empty(), false);
    Map<String, String> env = new HashMap<>(Map.of("LD_LIBRARY_PATH", "/opt/x"));
    plan.applyTo(env);

    assertThat(plan.stubbed()).isEmpty();
    assertThat(plan.libraryPath()).isEmpty();
    assertThat(env).containsExactly(Map.entry("LD_LIBRARY_PATH", "/opt/x"));
    assertThat(dir.resolve("libpulse.so.0")).doesNotExist();
  }

  @Test
  void applyToPutsTheBundleFirstOnTheLibraryPath() {
    Path dir = Path.of("/opt/ffmpeg bündel");
    LoadPlan plan = new LoadPlan(Optional.of(dir), List.of());
    Map<String, String> withPath = new HashMap<>(Map.of("LD_LIBRARY_PATH", "/opt/x:/opt/y"));
    Map<String, String> without = new HashMap<>();

    plan.applyTo(withPath);
    plan.applyTo(without);

    assertThat(withPath).containsEntry("LD_LIBRARY_PATH", "/opt/ffmpeg bündel:/opt/x:/opt/y");
    assertThat(without).containsEntry("LD_LIBRARY_PATH", "/opt/ffmpeg bündel");
  }

  @Test
  void aDirectoryThatCannotGoOnLdLibraryPathIsRefused() throws IOException {
    Path dir = copy("a:b");

    assertThatThrownBy(() -> NativeDeps.ensureLoadable(dir, system))
        .isInstanceOf(PatchworkException.class).hasMessageContaining("a:b").hasMessageContaining("LD_LIBRARY_PATH");
  }

  @Test
  void ldconfigOutputKeepsX8664EntriesAndTheFirstOfEachName() {
    String out = "1234 libs found in cache `/etc/ld.so.cache'\n"
        + "\tlibpulse.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpulse.so.0\n"
        + "\tlibasound.so.2 (libc6) => /usr/lib/i386-linux-gnu/libasound.so.2\n"
        + "\tlibfoo.so.1 (libc6,x86-64, OS ABI: Linux 3.2.0) => /opt/a/libfoo.so.1\n"
        + "\tlibfoo.so.1 (libc6,x86-64) => /opt/b/libfoo.so.1\n"
        + "Cache generated by: ldconfig (GNU libc) stable release version 2.36\n";

    assertThat(SystemLibraries.parseLdconfig(out)).containsOnly(
        Map.entry("libpulse.so.0", Path.of("/lib/x86_64-linux-gnu/libpulse.so.0")),
        Map.entry("libfoo.so.1", Path.of("/opt/a/libfoo.so.1")));
  }

  @Test
  void findsInstalledLibrariesAndOnlyX8664Ones() throws IOException {
    Path fake = Files.createDirectories(temp.resolve("fake lib dir"));
    Files.writeString(fake.resolve("libnotelf.so.1"), "just text, not a library");
    SystemLibraries only = new SystemLibraries(List.of(fake), Map.of(), List.of());

    assertThat(system.apply("libc.so.6")).hasValueSatisfying(p -> assertThat(ElfReader.isElf64X86(p)).isTrue());
    assertThat(system.apply("libdoesnotexist.so.42")).isEmpty();
    assertThat(only.apply("libnotelf.so.1")).isEmpty();
  }
}
