package dev.patchwork.resolve.internal;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.internal.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A hidden temporary folder beside an output, for Resolve's renders and intermediate files; removed on close. */
public final class WorkFiles implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkFiles.class);
  private final Path dir;

  private WorkFiles(Path dir) {
    this.dir = dir;
  }

  /** A new folder {@code <prefix>…} in {@code output}'s folder (same file system, so moves are renames). */
  public static WorkFiles beside(Path output, String prefix) {
    Path parent = output.toAbsolutePath().getParent();
    try {
      return new WorkFiles(Files.createTempDirectory(parent, prefix));
    } catch (IOException e) {
      throw new PatchworkException("cannot create a work folder in " + parent + ": " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** {@code name} inside the folder. */
  public Path file(String name) {
    return dir.resolve(name);
  }

  /** Moves {@code file} to {@code target}, atomically where the file system can, replacing nothing unexpected. */
  public void moveInto(Path file, Path target) {
    try {
      try {
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move " + file + " to " + target, e);
    }
  }

  /** Deletes the folder and everything in it. */
  @Override
  public void close() {
    IOException e = FileTrees.delete(dir);
    if (e != null) log.warn("cannot delete the work folder {}", dir, e);
  }
}
