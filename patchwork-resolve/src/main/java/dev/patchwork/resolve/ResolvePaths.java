package dev.patchwork.resolve;

import java.util.Locale;

/** Documented default locations of Resolve's scripting API per operating system. */
public final class ResolvePaths {
  private ResolvePaths() {}

  /** The default {@code RESOLVE_SCRIPT_API} for {@code osName} (as in {@code os.name}). */
  public static String defaultScriptApi(String osName) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.contains("mac")) return "/Library/Application Support/Blackmagic Design/DaVinci Resolve/Developer/Scripting";
    if (os.contains("win")) return System.getenv().getOrDefault("PROGRAMDATA", "C:\\ProgramData")
        + "\\Blackmagic Design\\DaVinci Resolve\\Support\\Developer\\Scripting";
    return "/opt/resolve/Developer/Scripting";
  }

  /** The default {@code RESOLVE_SCRIPT_LIB} for {@code osName}. */
  public static String defaultScriptLib(String osName) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.contains("mac")) return "/Applications/DaVinci Resolve/DaVinci Resolve.app/Contents/Libraries/Fusion/fusionscript.so";
    if (os.contains("win")) return "C:\\Program Files\\Blackmagic Design\\DaVinci Resolve\\fusionscript.dll";
    return "/opt/resolve/libs/Fusion/fusionscript.so";
  }
}
