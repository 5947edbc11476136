package dev.patchwork;

/**
 * The master cannot be patched safely: an unsupported codec/container pair, an encoder Patchwork cannot
 * match, a variable frame rate. Patchwork refuses rather than patching badly.
 */
public class UnsupportedMasterException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  public UnsupportedMasterException(String message) {
    super(message);
  }
}
