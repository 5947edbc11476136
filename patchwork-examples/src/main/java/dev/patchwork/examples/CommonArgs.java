package dev.patchwork.examples;

import dev.patchwork.Patchwork;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every master command shares. */
final class CommonArgs {

  @Option(names = "--sidecar", paramLabel = "F",
      description = "The sidecar to use (default: <master file name>.patchwork.toml beside the master).")
  Path sidecar;

  @Option(names = "--verbose", description = "Log details and print stack traces on errors.")
  boolean verbose;

  Patchwork configure(Patchwork p) {
    return sidecar == null ? p : p.withSidecar(sidecar);
  }
}
