package dev.patchwork.sidecar;

import dev.patchwork.PatchworkException;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.internal.sidecar.AtomicFiles;
import dev.patchwork.internal.sidecar.SidecarReader;
import dev.patchwork.internal.sidecar.SidecarWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes sidecars (schema {@value Sidecar#SCHEMA_VERSION}; see {@code docs/sidecar.md}).
 *
 * <p>Reading checks the whole file and reports every problem at once, each with its field path
 * ({@code master.frame_rate}, {@code content.regions[3]}) or, for TOML syntax, its line. Writing is
 * atomic and deterministic: the same sidecar always gives the same text, and reading a sidecar Patchwork
 * wrote and writing it again gives identical bytes. Files are UTF-8 with {@code \n} line ends.
 */
public final class Sidecars {

  private static final Logger LOG = LoggerFactory.getLogger(Sidecars.class);

  /** Larger than any real sidecar (a 10-hour master at one GOP a second is about 10 MB). */
  static final long MAX_BYTES = 256L * 1024 * 1024;

  private Sidecars() {}

  /**
   * Reads and checks the sidecar at {@code path}.
   *
   * @throws ValidationException if the file is missing, empty, not UTF-8 TOML, of a newer schema, or
   *     breaks any rule; it lists every problem found
   * @throws PatchworkException if the file cannot be read
   */
  public static Sidecar read(Path path) {
    return SidecarReader.read(readText(path), path.toString()).orThrow();
  }

  /**
   * Parses sidecar text; {@code sourceName} names it in messages about TOML syntax ({@code name:line}).
   *
   * @throws ValidationException listing every problem found
   */
  public static Sidecar parse(String text, String sourceName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    return SidecarReader.read(text, sourceName).orThrow();
  }

  /** Every problem in sidecar text; empty if it is a valid sidecar. */
  public static List<Problem> validate(String text, String sourceName) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(sourceName, "sourceName");
    return SidecarReader.read(text, sourceName).problems();
  }

  /**
   * Every problem in the sidecar at {@code path}; empty if it is valid.
   *
   * @throws PatchworkException if the file cannot be read
   */
  public static List<Problem> validate(Path path) {
    try {
      return validate(readText(path), path.toString());
    } catch (ValidationException e) {
      return e.problems();
    }
  }

  /** The sidecar as TOML, in Patchwork's canonical layout. */
  public static String toToml(Sidecar sidecar) {
    Objects.requireNonNull(sidecar, "sidecar");
    return SidecarWriter.toToml(sidecar);
  }

  /**
   * Writes {@code sidecar} to {@code path} atomically: a temporary file in the same directory is written
   * and forced to disk, then renamed over {@code path}. If anything fails, {@code path} keeps its old
   * content (or stays absent) and no temporary file is left behind.
   *
   * @throws PatchworkException if the text cannot be encoded or the file cannot be written
   */
  public static void write(Sidecar sidecar, Path path) {
    write(sidecar, path, AtomicFiles.BeforeRename.NONE);
  }

  /** {@link #write(Sidecar, Path)} with a step run just before the rename (for tests). */
  static void write(Sidecar sidecar, Path path, AtomicFiles.BeforeRename beforeRename) {
    Objects.requireNonNull(path, "path");
    byte[] bytes = encode(toToml(sidecar), path);
    try {
      AtomicFiles.write(path, bytes, beforeRename);
    } catch (IOException e) {
      throw new PatchworkException("cannot write sidecar " + path + ": " + e, e);
    }
    LOG.debug("wrote sidecar {} ({} bytes)", path, bytes.length);
  }

  private static byte[] encode(String text, Path path) {
    try {
      ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(text));
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return bytes;
    } catch (CharacterCodingException e) {
      throw new PatchworkException("cannot write sidecar " + path + ": it holds text that is not valid Unicode "
          + "(an unpaired surrogate); nothing was written", e);
    }
  }

  private static String readText(Path path) {
    Objects.requireNonNull(path, "path");
    String where = path.toString();
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw new ValidationException(where, "is " + size + " bytes, far too large for a sidecar (was the media file given instead of its "
            + SidecarPaths.SUFFIX + "?)");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ValidationException(where, "no such file; a master's sidecar is <media file name>" + SidecarPaths.SUFFIX
          + " beside it (adopt the master to create one)");
    } catch (IOException e) {
      throw new PatchworkException("cannot read sidecar " + path + ": " + e, e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ValidationException(where, "not UTF-8 text, so not a Patchwork sidecar (was the media file given instead of its "
          + SidecarPaths.SUFFIX + "?)");
    }
  }
}
