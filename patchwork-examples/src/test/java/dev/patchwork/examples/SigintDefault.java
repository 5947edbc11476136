package dev.patchwork.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for tests that send a child a real SIGINT. A build started with SIGINT ignored (a background job of a
 * non-interactive shell, {@code nohup … &}) passes that on to every child, which then never sees the test's Ctrl-C;
 * such a child is started through python3, which puts SIGINT back to its default before it becomes the command.
 */
final class SigintDefault {

  private SigintDefault() {}

  static List<String> argv(List<String> argv) {
    if (!sigintIgnored()) return argv;
    List<String> out = new ArrayList<>(List.of("python3", "-c",
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"));
    out.addAll(argv);
    return out;
  }

  /** True if this JVM was started with SIGINT ignored (Linux: the {@code SigIgn} mask of /proc/self/status). */
  static boolean sigintIgnored() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) return false;
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0; // SIGINT is 2
      }
    } catch (IOException | NumberFormatException e) {
      return false;
    }
    return false;
  }
}
