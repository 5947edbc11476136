package dev.patchwork.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code patchwork resolve …}: DaVinci Resolve through its scripting API. */
@Command(name = "resolve", mixinStandardHelpOptions = true,
    description = "Work with the timeline open in DaVinci Resolve Studio (external scripting enabled): its markers, a master "
        + "rendered from it, patches rendered in Resolve, and first renders split across Resolve nodes.",
    subcommands = {ResolveMarkersCommand.class, ResolveMasterCommand.class, ResolvePatchCommand.class, ResolveRenderCommand.class})
final class ResolveCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a resolve command is required: markers, master, patch or render");
  }
}
