package dev.patchwork.ffmpeg.internal.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.patchwork.ffmpeg.internal.TestBundle;
import dev.patchwork.ffmpeg.internal.elf.ElfReader.Symbol;
import dev.patchwork.ffmpeg.internal.elf.ElfReader.VersionNeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ElfReader on the real bytedeco bundle, checked against facts readelf shows for the same files. */
class ElfReaderTest {
  @TempDir static Path temp;
  static Path bundle;

  @BeforeAll
  static void extract() throws IOException {
    bundle = TestBundle.extractTo(temp.resolve("bundle"));
  }

  @Test
  void libavdeviceNeedsTheDeviceLibrariesAndHasNoRunpath() throws IOException {
    ElfReader avdevice = ElfReader.read(bundle.resolve("libavdevice.so.61"));

    assertThat(avdevice.soname()).isEqualTo("libavdevice.so.61");
    assertThat(avdevice.needed()).contains("libpulse.so.0", "libasound.so.2", "libxcb.so.1", "libxcb-shm.so.0",
        "libdrm.so.2", "libavutil.so.59", "libc.so.6");
    // Why stubs need LD_LIBRARY_PATH: the library that needs them has no RUNPATH of its own.
    assertThat(avdevice.runpath()).isEmpty();
    assertThat(ElfReader.read(bundle.resolve("ffmpeg")).runpath()).isEqualTo("$ORIGIN/");
    assertThat(ElfReader.read(bundle.resolve("ffmpeg")).soname()).isEmpty();
  }

  @Test
  void libavdeviceVersionNeedsAndDefinitions() throws IOException {
    ElfReader avdevice = ElfReader.read(bundle.resolve("libavdevice.so.61"));
    Map<String, List<String>> needs = avdevice.versionNeeds().stream()
        .collect(Collectors.toMap(VersionNeed::library, VersionNeed::versions));

    assertThat(needs.get("libpulse.so.0")).containsExactly("PULSE_0");
    assertThat(needs.get("libasound.so.2")).containsExactlyInAnyOrder("ALSA_0.9", "ALSA_0.9.0rc4");
    assertThat(needs.get("libc.so.6")).contains("GLIBC_2.2.5");
    assertThat(needs).doesNotContainKey("libxcb.so.1"); // libxcb has no symbol versions
    assertThat(avdevice.versionDefinitions()).containsExactly("libavdevice.so.61", "LIBAVDEVICE_61");
  }

  @Test
  void symbolsCarryTheirVersionAndTheLibraryItIsNeededFrom() throws IOException {
    Map<String, Symbol> byName = ElfReader.read(bundle.resolve("libavdevice.so.61")).symbols().stream()
        .collect(Collectors.toMap(Symbol::name, s -> s, (a, b) -> a));

    assertThat(byName.get("pa_context_new")).satisfies(s -> {
      assertThat(s.defined()).isFalse();
      assertThat(s.version()).isEqualTo("PULSE_0");
      assertThat(s.library()).isEqualTo("libpulse.so.0");
    });
    assertThat(byName.get("snd_pcm_hw_params_set_rate_near").version()).isEqualTo("ALSA_0.9.0rc4");
    assertThat(byName.get("xcb_connect")).satisfies(s -> {
      assertThat(s.defined()).isFalse();
      assertThat(s.version()).isEmpty();
      assertThat(s.library()).isEmpty();
    });
    assertThat(byName.get("__gmon_start__").binding()).isEqualTo(ElfReader.STB_WEAK);
    assertThat(byName.get("avdevice_register_all")).satisfies(s -> {
      assertThat(s.defined()).isTrue();
      assertThat(s.version()).isEqualTo("LIBAVDEVICE_61");
      assertThat(s.library()).isEmpty();
    });
  }

  /** The whole dynamic symbol table, as name@version, agrees with readelf's (GNU_HASH sizing included). */
  @Test
  void agreesWithReadelfOnEveryDynamicSymbol() throws Exception {
    assumeThat(TestBundle.readelfAvailable()).as("readelf (binutils) installed").isTrue();
    for (String file : List.of("libavdevice.so.61", "libavutil.so.59", "libdrm.so.2", "ffmpeg")) {
      Path path = bundle.resolve(file);
      Set<String> ours = new TreeSet<>();
      for (Symbol s : ElfReader.read(path).symbols()) {
        // readelf prints a version's own marker symbol (ABS "LIBAVDEVICE_61" in LIBAVDEVICE_61) bare.
        boolean bare = s.version().isEmpty() || s.version().equals(s.name());
        ours.add(s.name() + (bare ? "" : "@" + s.version()) + (s.defined() ? "" : " UND"));
      }
      assertThat(ours).as(file).isEqualTo(readelfSymbols(path));
    }
  }

  @Test
  void rejectsFilesThatAreNotElf() throws IOException {
    Path text = Files.writeString(temp.resolve("notes.txt"), "not an ELF file, but long enough to have a header"
        + " of sixty-four bytes in it");

    assertThat(ElfReader.isElf64X86(text)).isFalse();
    assertThat(ElfReader.isElf64X86(bundle.resolve("libavutil.so.59"))).isTrue();
    assertThatThrownBy(() -> ElfReader.read(text)).isInstanceOf(IOException.class).hasMessageContaining("not an ELF64");
  }

  /** name[@version][ UND] for every dynsym entry but 0, from {@code readelf --dyn-syms --wide}. */
  private static Set<String> readelfSymbols(Path file) throws Exception {
    String out = TestBundle.run(List.of("readelf", "--dyn-syms", "--wide", file.toString()), temp, Map.of()).output();
    // "    12: 0000000000000000     0 FUNC    GLOBAL DEFAULT  UND snd_pcm_close@ALSA_0.9 (4)"
    Pattern row = Pattern.compile("^\\s*(\\d+): \\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+([^@\\s]+)(@@?(\\S+))?.*$");
    Set<String> symbols = new TreeSet<>();
    for (String line : out.split("\n")) {
      Matcher m = row.matcher(line);
      if (m.matches() && !m.group(1).equals("0")) {
        symbols.add(m.group(3) + (m.group(5) == null ? "" : "@" + m.group(5)) + (m.group(2).equals("UND") ? " UND" : ""));
      }
    }
    return symbols;
  }
}
