package dev.patchwork.internal.sidecar;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a file's content all at once: readers see the old file or the new one, never a mix, and a
 * crash or failure leaves the old file as it was.
 *
 * <p>Writes a temporary file in the target's directory, forces it to disk, renames it over the target
 * with {@link StandardCopyOption#ATOMIC_MOVE}, then forces the directory where the platform allows. On
 * any failure the temporary file is deleted and the target is untouched.
 */
public final class AtomicFiles {

  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  /** A step run on the written, forced temporary file just before the rename. Tests use it to fail there. */
  @FunctionalInterface
  public interface BeforeRename {
    BeforeRename NONE = temp -> {};

    void run(Path temp) throws IOException;
  }

  private AtomicFiles() {}

  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, BeforeRename.NONE);
  }

  public static void write(Path target, byte[] content, BeforeRename beforeRename) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    if (dir == null) throw new IOException("not a file path: " + target);
    Path temp = dir.resolve(".patchwork-" + UUID.randomUUID() + ".tmp");
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      beforeRename.run(temp);
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        LOG.warn("{} cannot be replaced atomically on this file system; replacing it in place", absolute);
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
      done = true;
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.warn("could not delete temporary file {}: {}", temp, e.toString());
        }
      }
    }
    forceDirectory(dir);
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a directory as a channel; the rename is still atomic there.
      LOG.debug("could not force directory {} to disk: {}", dir, e.toString());
    }
  }
}
