package dev.patchwork;

/**
 * The root of every exception Patchwork throws on purpose. Unchecked: callers catch the subclasses
 * they can act on. Preconditions on arguments stay {@link IllegalArgumentException} /
 * {@link NullPointerException}.
 */
public class PatchworkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PatchworkException(String message) {
    super(message);
  }

  public PatchworkException(String message, Throwable cause) {
    super(message, cause);
  }
}
