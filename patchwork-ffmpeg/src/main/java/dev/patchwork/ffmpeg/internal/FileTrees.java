package dev.patchwork.ffmpeg.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing a folder and everything in it (work folders, temporary extractions). */
public final class FileTrees {

  private FileTrees() {}

  /**
   * Deletes {@code dir} and everything below it, deepest first. Every path is tried even when one cannot be deleted;
   * nothing happens if {@code dir} does not exist.
   *
   * @return the first failure, or null if everything is gone
   */
  public static IOException delete(Path dir) {
    if (!Files.exists(dir)) return null;
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    } catch (IOException e) {
      return e;
    } catch (UncheckedIOException e) {
      return e.getCause();
    }
    IOException first = null;
    for (Path p : paths) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    return first;
  }
}
