package dev.patchwork.resolve;

import java.util.Objects;

/**
 * DaVinci Resolve cannot be reached at all: Python is missing, Resolve's scripting module cannot be loaded, or no
 * running Resolve with external scripting enabled answered. The message says what to fix. The command line exits
 * with code 4 and prints it.
 */
public class ResolveUnavailableException extends ResolveException {
  private static final long serialVersionUID = 1L;

  /** Why Resolve could not be reached. */
  public enum Reason {
    /** The Python interpreter could not be started. */
    PYTHON_MISSING,
    /** {@code import DaVinciResolveScript} failed: Resolve (Studio) is not installed where the paths say. */
    MODULE_MISSING,
    /**
     * {@code scriptapp("Resolve")} returned nothing: Resolve is not running, or external scripting is not enabled
     * (Preferences → System → General → External scripting using: Local, or Network for a remote node).
     */
    NOT_RUNNING,
    /** The bridge process failed to start or to speak its protocol. */
    BRIDGE_FAILED
  }

  private final Reason reason;

  public ResolveUnavailableException(Reason reason, String message) {
    super(reason.name().toLowerCase(java.util.Locale.ROOT), message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public ResolveUnavailableException(Reason reason, String message, Throwable cause) {
    super(reason.name().toLowerCase(java.util.Locale.ROOT), message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Reason reason() {
    return reason;
  }
}
