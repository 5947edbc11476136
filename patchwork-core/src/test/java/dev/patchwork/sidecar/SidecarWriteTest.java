package dev.patchwork.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.patchwork.PatchworkException;
import dev.patchwork.change.Change;
import dev.patchwork.internal.sidecar.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarWriteTest {

  @TempDir Path tmp;

  private final Sidecar first = TestSidecars.closedGops(3, 24, 100, 1000, 50);
  private final Sidecar second = first.withHistoryEntry(HistoryEntry.now(
      Clock.fixed(Instant.parse("2025-06-01T10:00:00.750Z"), ZoneOffset.UTC), "patchwork", "0.1.0",
      TestSidecars.hash("before"), TestSidecars.hash("after"), List.of(Change.of(10, 5))));

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesAndReadsBackInADirectoryWithSpacesAndNonAsciiInItsName() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("dir with spaces").resolve("Été 😀"));
    Path media = dir.resolve("m.mov");
    Path sidecarPath = SidecarPaths.defaultFor(media);

    Sidecars.write(second, sidecarPath);

    assertThat(sidecarPath.getFileName().toString()).isEqualTo("m.mov.patchwork.toml");
    assertThat(names(dir)).containsExactly("m.mov.patchwork.toml");
    assertThat(Files.readString(sidecarPath, StandardCharsets.UTF_8)).isEqualTo(Sidecars.toToml(second));
    assertThat(Sidecars.read(sidecarPath)).isEqualTo(second);
    assertThat(Sidecars.read(sidecarPath).history().get(0).time()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
  }

  @Test
  void replacesAnExistingSidecar() throws Exception {
    Path target = tmp.resolve("m.mov.patchwork.toml");
    Sidecars.write(first, target);

    Sidecars.write(second, target);

    assertThat(Sidecars.read(target)).isEqualTo(second);
    assertThat(names(tmp)).containsExactly("m.mov.patchwork.toml");
  }

  @Test
  void theNewTextIsCompleteOnDiskInTheSameDirectoryBeforeTheRename() throws Exception {
    Path target = tmp.resolve("m.mov.patchwork.toml");
    Sidecars.write(first, target);
    byte[] expected = Sidecars.toToml(second).getBytes(StandardCharsets.UTF_8);
    byte[][] seenTemp = new byte[1][];
    byte[][] seenTarget = new byte[1][];

    Sidecars.write(second, target, temp -> {
      assertThat(temp.getParent()).isEqualTo(target.toAbsolutePath().getParent());
      seenTemp[0] = Files.readAllBytes(temp);
      seenTarget[0] = Files.readAllBytes(target);
    });

    assertThat(seenTemp[0]).isEqualTo(expected);
    assertThat(seenTarget[0]).as("the old sidecar is still whole until the rename").isEqualTo(
        Sidecars.toToml(first).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFailureBeforeTheRenameLeavesTheOldSidecarAndNoTemporaryFile() throws Exception {
    Path target = tmp.resolve("m.mov.patchwork.toml");
    Sidecars.write(first, target);
    byte[] before = Files.readAllBytes(target);

    assertThatThrownBy(() -> Sidecars.write(second, target, temp -> {
      throw new IOException("No space left on device");
    })).isInstanceOf(PatchworkException.class)
        .hasMessageContaining(target.toString())
        .hasMessageContaining("No space left on device");

    assertThat(Files.readAllBytes(target)).isEqualTo(before);
    assertThat(names(tmp)).containsExactly("m.mov.patchwork.toml");
  }

  @Test
  void aFailureBeforeTheRenameCreatesNoSidecarWhereThereWasNone() throws Exception {
    Path target = tmp.resolve("m.mov.patchwork.toml");

    assertThatThrownBy(() -> Sidecars.write(second, target, temp -> {
      throw new IOException("I/O error");
    })).isInstanceOf(PatchworkException.class);

    assertThat(names(tmp)).isEmpty();
  }

  @Test
  void textThatCannotBeEncodedFailsBeforeTouchingTheDisk() throws Exception {
    Path target = tmp.resolve("m.mov.patchwork.toml");
    Sidecars.write(first, target);
    byte[] before = Files.readAllBytes(target);
    Sidecar unpaired = first.withHistoryEntry(new HistoryEntry(Instant.EPOCH, "patchwork", "0.1.0",
        TestSidecars.hash("a"), TestSidecars.hash("b"), List.of(Change.of(0, 1).withNote("broken \uD800 surrogate"))));

    assertThatThrownBy(() -> Sidecars.write(unpaired, target))
        .isInstanceOf(PatchworkException.class)
        .hasMessageContaining("not valid Unicode");

    assertThat(Files.readAllBytes(target)).isEqualTo(before);
    assertThat(names(tmp)).containsExactly("m.mov.patchwork.toml");
  }

  @Test
  void aMissingDirectoryIsAnErrorThatCreatesNothing() {
    Path target = tmp.resolve("no such dir").resolve("m.mov.patchwork.toml");

    assertThatThrownBy(() -> Sidecars.write(first, target)).isInstanceOf(PatchworkException.class)
        .hasMessageContaining("no such dir");
    assertThat(Files.exists(target.getParent())).isFalse();
  }

  @Test
  void aReadOnlyDirectoryLeavesTheOldSidecar() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("ro"));
    Path target = dir.resolve("m.mov.patchwork.toml");
    Sidecars.write(first, target);
    byte[] before = Files.readAllBytes(target);
    assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs POSIX permissions");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      assumeFalse(Files.isWritable(dir), "permissions do not bind this user (root)");

      assertThatThrownBy(() -> Sidecars.write(second, target)).isInstanceOf(PatchworkException.class);

      assertThat(Files.readAllBytes(target)).isEqualTo(before);
      assertThat(names(dir)).containsExactly("m.mov.patchwork.toml");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void atomicFilesWritesExactlyTheBytesGiven() throws Exception {
    Path target = tmp.resolve("x.bin");
    byte[] bytes = new byte[70_000];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i * 31);

    AtomicFiles.write(target, bytes);

    assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
  }
}
