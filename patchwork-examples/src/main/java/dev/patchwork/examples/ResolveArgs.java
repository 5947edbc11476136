package dev.patchwork.examples;

import dev.patchwork.resolve.MarkerFilter;
import dev.patchwork.resolve.RenderFormat;
import dev.patchwork.resolve.ResolveConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** How to reach Resolve's scripting API: options every {@code resolve} command shares. */
final class ResolveArgs {

  @Option(names = "--python", paramLabel = "CMD",
      description = "The Python 3 interpreter for the bridge to Resolve (default: $PATCHWORK_PYTHON, else python3).")
  String python;

  @Option(names = "--script-api", paramLabel = "DIR",
      description = "Resolve's Developer/Scripting folder (default: $RESOLVE_SCRIPT_API, else the standard place for this OS).")
  Path scriptApi;

  @Option(names = "--script-lib", paramLabel = "FILE",
      description = "Resolve's fusionscript library (default: $RESOLVE_SCRIPT_LIB, else the standard place for this OS).")
  Path scriptLib;

  @Option(names = "--timeout", paramLabel = "S",
      description = "Seconds Resolve may take to answer one call (default: 30).")
  Integer timeoutSeconds;

  ResolveConnector connector(CommandLine cl) {
    ResolveConnector c = ResolveConnector.defaults();
    if (python != null) c = c.withPython(python);
    if (scriptApi != null) c = c.withScriptApi(scriptApi);
    if (scriptLib != null) c = c.withScriptLib(scriptLib);
    if (timeoutSeconds != null) {
      if (timeoutSeconds <= 0) throw new CommandLine.ParameterException(cl, "--timeout must be positive, not " + timeoutSeconds);
      c = c.withCallTimeout(Duration.ofSeconds(timeoutSeconds));
    }
    return c;
  }

  /** The format and codec of {@code --format F --codec C} (both or neither), or null. */
  static RenderFormat format(CommandLine cl, String format, String codec) {
    if (format == null && codec == null) return null;
    if (format == null || codec == null) throw new CommandLine.ParameterException(cl, "--format and --codec go together");
    return new RenderFormat(format, codec);
  }

  /** The live-marker filter of {@code --color}, {@code --name}, {@code --custom-data}. */
  static MarkerFilter markerFilter(List<String> colors, List<String> names, List<String> customData) {
    MarkerFilter f = MarkerFilter.ALL;
    if (!colors.isEmpty()) f = f.withColors(colors.toArray(String[]::new));
    if (!names.isEmpty()) f = f.withNames(names.toArray(String[]::new));
    if (!customData.isEmpty()) f = f.withCustomData(customData.toArray(String[]::new));
    return f;
  }

  /** Splits {@code a,b,c} lists given once or repeated. */
  static List<String> split(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String part : v.split(",")) if (!part.isBlank()) out.add(part.strip());
    }
    return out;
  }
}
