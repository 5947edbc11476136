package dev.patchwork;

/** Work was cancelled (by the caller, an interrupt or Ctrl-C); nothing was published. */
public class CancelledException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  public CancelledException(String message) {
    super(message);
  }
}
