package dev.patchwork;

import java.util.List;

/**
 * Verification found a mismatch: a patched output that failed its checks (and was not published), or a master
 * that does not match its sidecar. {@link #findings()} names each region (frames and timecode) that differs.
 */
public class VerificationException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> findings;

  public VerificationException(String message, List<String> findings) {
    super(message + (findings.isEmpty() ? "" : ": " + String.join("; ", findings.subList(0, Math.min(3, findings.size())))
        + (findings.size() > 3 ? " (and " + (findings.size() - 3) + " more)" : "")));
    this.findings = List.copyOf(findings);
  }

  public List<String> findings() {
    return findings;
  }
}
