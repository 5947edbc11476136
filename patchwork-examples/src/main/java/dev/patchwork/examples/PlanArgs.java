package dev.patchwork.examples;

import dev.patchwork.Patchwork;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The planning options {@code plan} and {@code patch} share. */
final class PlanArgs {

  @Option(names = "--handles", paramLabel = "N", description = "Extend every change by N frames each side (default 0).")
  int handles;

  @Option(names = "--merge-gap", paramLabel = "N", description = "Merge changes fewer than N frames apart (default 0).")
  int mergeGap;

  /** {@code p} with these options; a negative value is a usage error (exit 2). */
  Patchwork apply(Patchwork p, CommandLine cl) {
    if (handles < 0) throw new CommandLine.ParameterException(cl, "--handles must be 0 or more, not " + handles);
    if (mergeGap < 0) throw new CommandLine.ParameterException(cl, "--merge-gap must be 0 or more, not " + mergeGap);
    return p.handles(handles).mergeGap(mergeGap);
  }
}
