package dev.patchwork.ffmpeg.internal.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.patchwork.ffmpeg.internal.TestBundle;
import dev.patchwork.ffmpeg.internal.elf.ElfReader.Symbol;
import dev.patchwork.ffmpeg.internal.elf.StubLibraryWriter.StubSymbol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StubLibraryWriterTest {
  @TempDir Path temp;

  private static final List<StubSymbol> SYMBOLS = List.of(
      StubSymbol.function("fake_open", "FAKE_1"),
      StubSymbol.function("fake_close", "FAKE_2"),
      StubSymbol.function("fake_both", "FAKE_1"),
      StubSymbol.function("fake_both", "FAKE_2"),
      StubSymbol.function("fake_plain", ""),
      StubSymbol.function("fake_open", "FAKE_1"), // duplicate: written once
      new StubSymbol("fake_table", "FAKE_1", true, 40));

  @Test
  void readsBackWithItsNameVersionsAndSymbols() throws Exception {
    Path stub = Files.write(temp.resolve("libfake.so.3"),
        StubLibraryWriter.write("libfake.so.3", List.of("FAKE_UNUSED"), SYMBOLS));

    ElfReader elf = ElfReader.read(stub);

    assertThat(elf.soname()).isEqualTo("libfake.so.3");
    assertThat(elf.needed()).isEmpty();
    assertThat(elf.versionDefinitions()).containsExactly("libfake.so.3", "FAKE_1", "FAKE_2", "FAKE_UNUSED");
    assertThat(elf.symbols()).extracting(s -> s.name() + "@" + s.version()).containsExactlyInAnyOrder(
        "fake_open@FAKE_1", "fake_close@FAKE_2", "fake_both@FAKE_1", "fake_both@FAKE_2", "fake_plain@",
        "fake_table@FAKE_1");
    assertThat(elf.symbols()).allSatisfy(s -> {
      assertThat(s.defined()).isTrue();
      assertThat(s.binding()).isEqualTo(1); // STB_GLOBAL
    });
    Map<String, Symbol> byName = elf.symbols().stream().collect(Collectors.toMap(Symbol::name, s -> s, (a, b) -> a));
    assertThat(byName.get("fake_open").type()).isEqualTo(2); // STT_FUNC
    assertThat(byName.get("fake_open").size()).isEqualTo(3); // xor eax,eax; ret
    assertThat(byName.get("fake_table").type()).isEqualTo(ElfReader.STT_OBJECT);
    assertThat(byName.get("fake_table").size()).isEqualTo(40);
  }

  /** vna_hash values the GNU linker wrote into libavdevice.so.61's .gnu.version_r (read from the file's bytes). */
  @Test
  void elfHashEqualsTheHashesTheLinkerWrote() {
    assertThat(StubLibraryWriter.elfHash("PULSE_0")).isEqualTo(0x05a17b70L);
    assertThat(StubLibraryWriter.elfHash("ALSA_0.9")).isEqualTo(0x01772779L);
    assertThat(StubLibraryWriter.elfHash("ALSA_0.9.0rc4")).isEqualTo(0x07b60a14L);
    assertThat(StubLibraryWriter.elfHash("GLIBC_2.2.5")).isEqualTo(0x09691a75L);
    assertThat(StubLibraryWriter.elfHash("")).isZero();
  }

  @Test
  void readelfFindsNothingToWarnAbout() throws Exception {
    assumeThat(TestBundle.readelfAvailable()).as("readelf (binutils) installed").isTrue();
    Path stub = Files.write(temp.resolve("libfake.so.3"), StubLibraryWriter.write("libfake.so.3", List.of(), SYMBOLS));

    TestBundle.Run run = TestBundle.run(List.of("readelf", "-a", "--wide", "--enable-checks", stub.toString()),
        temp, Map.of("LC_ALL", "C"));

    assertThat(run.exitCode()).isZero();
    // readelf prefixes its diagnostics ("readelf: Warning: ...", "readelf: Error: ...") with its name.
    assertThat(run.output()).doesNotContain("readelf:").doesNotContain("Warning");
    assertThat(run.output()).contains("Library soname: [libfake.so.3]", "fake_open@@FAKE_1", "fake_both@@FAKE_1",
        "fake_both@FAKE_2", "OBJECT  GLOBAL DEFAULT    8 fake_table@@FAKE_1", "Flags: BASE");
    // Loadable segments: page-aligned, offset and address congruent modulo the alignment, RX then RW.
    Pattern load = Pattern.compile("LOAD\\s+0x(\\p{XDigit}+) 0x(\\p{XDigit}+) 0x\\p{XDigit}+ 0x\\p{XDigit}+ 0x\\p{XDigit}+ (.{3}) 0x1000");
    Matcher m = load.matcher(run.output());
    List<String> flags = new ArrayList<>();
    while (m.find()) {
      assertThat(Long.parseLong(m.group(1), 16) % 0x1000).isEqualTo(Long.parseLong(m.group(2), 16) % 0x1000);
      flags.add(m.group(3));
    }
    assertThat(flags).containsExactly("R E", "RW ");
    assertThat(run.output()).containsPattern("GNU_STACK .* RW  0x10");
  }

  @Test
  void refusesANameThatIsNotALibraryName() {
    assertThatThrownBy(() -> StubLibraryWriter.write("/lib/libx.so.1", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/lib/libx.so.1");
    assertThatThrownBy(() -> StubSymbol.function("", "V")).isInstanceOf(IllegalArgumentException.class);
  }
}
