package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import dev.patchwork.ffmpeg.internal.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A temporary directory beside the output ({@code .<output name>.patchwork-<random>}), on the output's file system
 * so the finished output can be renamed into place atomically. {@link #close()} removes it with everything in it,
 * on every exit path.
 */
final class Workspace implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Workspace.class);

  private final Path dir;

  private Workspace(Path dir) {
    this.dir = dir;
  }

  static Workspace besides(Path output) {
    Path parent = output.toAbsolutePath().getParent();
    String name = "." + output.getFileName() + ".patchwork-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      return new Workspace(Files.createDirectory(parent.resolve(name)));
    } catch (IOException e) {
      throw new PatchworkException("cannot create a temporary directory beside " + output + ": " + e, e);
    }
  }

  Path dir() {
    return dir;
  }

  /** A path in the workspace (not created). */
  Path file(String name) {
    return dir.resolve(name);
  }

  @Override
  public void close() {
    boolean interrupted = Thread.interrupted(); // file deletion must not be cut short by a pending interrupt
    try {
      IOException e = FileTrees.delete(dir);
      if (e != null) log.warn("could not remove the temporary directory {}: {}", dir, e.toString());
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }
}
