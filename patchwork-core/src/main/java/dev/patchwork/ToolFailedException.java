package dev.patchwork;

import java.util.List;

/** An external tool ran and failed: its exit code, the argv it ran with and the tail of its stderr. */
public class ToolFailedException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final transient List<String> argv;
  private final String stderrTail;

  public ToolFailedException(String message, int exitCode, List<String> argv, String stderrTail) {
    super(message + (stderrTail == null || stderrTail.isBlank() ? "" : ": " + lastLine(stderrTail)));
    this.exitCode = exitCode;
    this.argv = List.copyOf(argv);
    this.stderrTail = stderrTail == null ? "" : stderrTail;
  }

  public int exitCode() {
    return exitCode;
  }

  public List<String> argv() {
    return argv;
  }

  public String stderrTail() {
    return stderrTail;
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1).strip();
  }
}
