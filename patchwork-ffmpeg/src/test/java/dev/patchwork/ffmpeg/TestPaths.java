package dev.patchwork.ffmpeg;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Awkward directories for tests: spaces, quotes-free but non-ASCII where the platform can name them. */
public final class TestPaths {

  /** A name with spaces and non-ASCII letters (Latin, CJK), or spaces only if file names cannot hold them here. */
  public static final String AWKWARD = awkwardName();

  private TestPaths() {}

  /** Creates {@code parent/<awkward name>} and returns it. */
  public static Path awkwardDir(Path parent) throws IOException {
    return Files.createDirectories(parent.resolve(AWKWARD));
  }

  /** Writes an executable {@code /bin/sh} script. */
  public static Path script(Path dir, String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static String awkwardName() {
    String wanted = "Mäster Ördner 名前 ünï";
    String jnu = System.getProperty("sun.jnu.encoding");
    try {
      if (jnu != null && Charset.forName(jnu).newEncoder().canEncode(wanted)) return wanted;
    } catch (RuntimeException e) {
      // unknown charset: fall through
    }
    return "master folder with spaces";
  }
}
