package dev.patchwork.examples;

import dev.patchwork.resolve.RenderFormat;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** What to render a master as in Resolve: options the {@code resolve master} and {@code resolve render} commands share. */
final class ResolveRenderArgs {

  @Option(names = "--preset", paramLabel = "P", description = "Load this render preset first (on every node).")
  String preset;

  @Option(names = "--format", paramLabel = "F", description = "Render format id (mov, mxf_op1a, …); with --codec.")
  String format;

  @Option(names = "--codec", paramLabel = "C", description = "Render codec id (ProRes422HQ, …); with --format.")
  String codec;

  /** The format and codec of {@code --format F --codec C} (both or neither), or null. */
  RenderFormat renderFormat(CommandLine cl) {
    return ResolveArgs.format(cl, format, codec);
  }
}
