package dev.patchwork.examples;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a patch goes and how it is reported: options {@code patch} and {@code resolve patch} share. */
final class PatchOutputArgs {

  @Option(names = {"-o", "--output"}, paramLabel = "OUT", required = true,
      description = "The new master (same container as the master; must not exist). Its sidecar is OUT.patchwork.toml.")
  Path output;

  @Option(names = "--json", description = "Print the result as JSON on stdout.")
  boolean json;

  @Option(names = "--force", description = "Patch even if the master no longer matches its sidecar.")
  boolean force;
}
