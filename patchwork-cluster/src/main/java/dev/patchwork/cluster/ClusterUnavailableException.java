package dev.patchwork.cluster;

import dev.patchwork.PatchworkException;

/** The cluster's database cannot be reached or used: a wrong URL, the server down, refused credentials. */
public class ClusterUnavailableException extends PatchworkException {
  private static final long serialVersionUID = 1L;

  public ClusterUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
