package dev.patchwork.examples;

import dev.patchwork.PatchworkException;

/** Thrown by a command when verification found a mismatch: exit code 1. */
final class VerificationMismatch extends PatchworkException {
  private static final long serialVersionUID = 1L;

  VerificationMismatch(String message) {
    super(message);
  }
}
