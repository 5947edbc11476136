package dev.patchwork.ffmpeg;

import dev.patchwork.ToolFailedException;
import dev.patchwork.ToolNotFoundException;
import dev.patchwork.ffmpeg.internal.BundledFfmpeg;
import dev.patchwork.ffmpeg.internal.NativeDeps;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ffmpeg} and {@code ffprobe} executables Patchwork runs, where they came from and their version.
 * Immutable and thread-safe; both executables have been run once ({@code -version}) when an instance exists.
 *
 * <h2>Where ffmpeg comes from</h2>
 *
 * {@link #locate()} takes the first of these that is present, in this order:
 *
 * <ol>
 *   <li><b>Explicit</b>: {@link #of(Path, Path)}; nothing is searched.
 *   <li><b>Environment</b>: {@value #ENV_FFMPEG} names ffmpeg and {@value #ENV_FFPROBE} ffprobe; if only
 *       {@value #ENV_FFMPEG} is set, ffprobe is looked for beside it. When set, these must work: a broken
 *       setting fails with {@link ToolNotFoundException} instead of silently falling back.
 *   <li><b>Bundled</b>: an {@code org.bytedeco:ffmpeg:7.1-1.5.11} jar for this platform on the class path
 *       (classifier such as {@code linux-x86_64-gpl}; the {@code -gpl} build has libx264/libx265). Its
 *       executables are extracted once per user to {@code $XDG_CACHE_HOME/patchwork/ffmpeg-<version>-<platform>/}
 *       ({@code ~/.cache/patchwork/…} when unset; {@code %LOCALAPPDATA%\patchwork} on Windows,
 *       {@code ~/Library/Caches/patchwork} on macOS) and reused from there. The jar is an optional dependency
 *       that applications choose themselves.
 *   <li><b>PATH</b>: {@code ffmpeg} on the {@code PATH}, with {@code ffprobe} beside it or elsewhere on the
 *       {@code PATH}.
 * </ol>
 *
 * If none works, {@link ToolNotFoundException} lists what was tried and why each failed — including, for a
 * bundled ffmpeg that cannot start, which system library is missing and which package provides it.
 *
 * <p>{@link #description()} and {@link #versionLine()} say which ffmpeg is in use (for {@code --version} and
 * for the sidecar's record of what rendered a patch).
 */
public final class FfmpegTools {

  private static final Logger log = LoggerFactory.getLogger(FfmpegTools.class);

  /** Environment variable naming the ffmpeg executable. */
  public static final String ENV_FFMPEG = "PATCHWORK_FFMPEG";
  /** Environment variable naming the ffprobe executable (optional when ffprobe lies beside ffmpeg). */
  public static final String ENV_FFPROBE = "PATCHWORK_FFPROBE";

  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern MISSING_LINUX_LIBRARY = Pattern.compile("error while loading shared libraries: ([^:\\s]+)");
  private static final Pattern MISSING_MAC_LIBRARY = Pattern.compile("Library not loaded: (\\S+)");
  /** Debian/Ubuntu packages of the system libraries the bytedeco build links (libavdevice: ALSA, PulseAudio, XCB). */
  private static final Map<String, String> DEBIAN_PACKAGES = Map.of(
      "libpulse.so.0", "libpulse0",
      "libasound.so.2", "libasound2 (libasound2t64 on Ubuntu 24.04 and later)",
      "libxcb.so.1", "libxcb1",
      "libxcb-shm.so.0", "libxcb-shm0",
      "libxcb-shape.so.0", "libxcb-shape0",
      "libxcb-xfixes.so.0", "libxcb-xfixes0",
      "libdrm.so.2", "libdrm2",
      "libstdc++.so.6", "libstdc++6",
      "libz.so.1", "zlib1g");

  /** Where a pair of executables was found. */
  public enum Source {
    /** Given to {@link #of(Path, Path)}. */
    EXPLICIT,
    /** Named by {@value #ENV_FFMPEG} / {@value #ENV_FFPROBE}. */
    ENVIRONMENT,
    /** Extracted from an {@code org.bytedeco:ffmpeg} jar on the class path. */
    BUNDLED,
    /** Found on the {@code PATH}. */
    PATH
  }

  private final Path ffmpeg;
  private final Path ffprobe;
  private final Source source;
  private final String description;
  private final String versionLine;
  private final String ffprobeVersionLine;
  private final Map<String, String> environment;

  private FfmpegTools(Path ffmpeg, Path ffprobe, Source source, String description, String versionLine, String ffprobeVersionLine,
      Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    this.ffmpeg = ffmpeg;
    this.ffprobe = ffprobe;
    this.source = source;
    this.description = description;
    this.versionLine = versionLine;
    this.ffprobeVersionLine = ffprobeVersionLine;
  }

  /**
   * Uses exactly these executables.
   *
   * @throws ToolNotFoundException if either does not exist or does not run as ffmpeg/ffprobe
   */
  public static FfmpegTools of(Path ffmpeg, Path ffprobe) {
    Objects.requireNonNull(ffmpeg, "ffmpeg");
    Objects.requireNonNull(ffprobe, "ffprobe");
    return verify(ffmpeg.toAbsolutePath(), ffprobe.toAbsolutePath(), Source.EXPLICIT,
        "explicit: " + ffmpeg.toAbsolutePath() + ", " + ffprobe.toAbsolutePath(), false, Map.of());
  }

  /** Finds ffmpeg and ffprobe as described in the class documentation, using this process's environment. */
  public static FfmpegTools locate() {
    return locate(System.getenv());
  }

  /**
   * Finds ffmpeg and ffprobe as described in the class documentation, reading {@value #ENV_FFMPEG},
   * {@value #ENV_FFPROBE}, {@code PATH} and {@code XDG_CACHE_HOME} from {@code environment} instead of this
   * process's environment.
   *
   * @throws ToolNotFoundException listing what was tried, if nothing works
   */
  public static FfmpegTools locate(Map<String, String> environment) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) loader = FfmpegTools.class.getClassLoader();
    return locate(environment, loader, BundledFfmpeg.currentPlatform());
  }

  static FfmpegTools locate(Map<String, String> environment, ClassLoader loader, Optional<String> platform) {
    Objects.requireNonNull(environment, "environment");
    List<String> tried = new ArrayList<>();

    // 1. environment: when set, it must work
    String envFfmpeg = nonBlank(environment.get(ENV_FFMPEG));
    String envFfprobe = nonBlank(environment.get(ENV_FFPROBE));
    if (envFfmpeg != null || envFfprobe != null) {
      if (envFfmpeg == null) {
        throw new ToolNotFoundException(ENV_FFPROBE + " is set but " + ENV_FFMPEG + " is not; set " + ENV_FFMPEG
            + " too (ffprobe alone is not enough)");
      }
      Path ff = toPath(envFfmpeg, ENV_FFMPEG);
      Path fp = envFfprobe != null ? toPath(envFfprobe, ENV_FFPROBE) : besideFfmpeg(ff);
      String desc = "environment: " + ENV_FFMPEG + "=" + ff + (envFfprobe != null ? ", " + ENV_FFPROBE + "=" + fp : " (ffprobe beside it)");
      try {
        return verify(ff, fp, Source.ENVIRONMENT, desc, false, Map.of());
      } catch (ToolNotFoundException e) {
        throw new ToolNotFoundException("the ffmpeg named by the environment does not work (" + desc + "): " + e.getMessage()
            + ". Fix or unset " + ENV_FFMPEG + (envFfprobe != null ? "/" + ENV_FFPROBE : "") + ".");
      }
    }
    tried.add("environment: " + ENV_FFMPEG + " is not set");

    // 2. bundled org.bytedeco:ffmpeg jar
    if (platform.isEmpty()) {
      tried.add("bundled org.bytedeco:ffmpeg: no build for " + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    } else {
      try {
        Optional<BundledFfmpeg.Extracted> bundle = BundledFfmpeg.extract(loader, platform.get(), BundledFfmpeg.cacheRoot(environment));
        if (bundle.isEmpty()) {
          tried.add("bundled: no org.bytedeco:ffmpeg:<version>:" + platform.get() + "-gpl jar on the class path");
        } else {
          BundledFfmpeg.Extracted b = bundle.get();
          String desc = "bundled " + b.coordinates() + " (extracted to " + b.directory() + ")";
          try {
            // Stand-ins for missing audio/X device libraries, and the bundle directory on LD_LIBRARY_PATH so that
            // the bundle's own libraries (not only the executables) find them. See NativeDeps.
            NativeDeps.LoadPlan load = NativeDeps.ensureLoadable(b.directory());
            Map<String, String> env = new HashMap<>();
            String inherited = environment.get("LD_LIBRARY_PATH");
            if (inherited != null) env.put("LD_LIBRARY_PATH", inherited);
            load.applyTo(env);
            if (!load.stubbed().isEmpty()) {
              desc += "; stand-ins for missing device libraries: "
                  + load.stubbed().stream().map(NativeDeps.Stub::library).collect(java.util.stream.Collectors.joining(", "));
            }
            return verify(b.ffmpeg(), b.ffprobe(), Source.BUNDLED, desc, true, env);
          } catch (ToolNotFoundException e) {
            log.warn("the bundled ffmpeg does not run: {}", e.getMessage());
            tried.add(desc + ": " + e.getMessage());
          }
        }
      } catch (UncheckedIOException e) {
        tried.add("bundled: " + e.getMessage());
      }
    }

    // 3. PATH
    String path = pathVariable(environment);
    Optional<Path> onPath = findOnPath(path, "ffmpeg");
    if (onPath.isEmpty()) {
      tried.add("PATH: no ffmpeg on " + (path == null ? "the PATH (PATH is not set)" : "PATH=" + path));
    } else {
      Path ff = onPath.get();
      Path beside = besideFfmpeg(ff);
      Path fp = Files.isRegularFile(beside) ? beside : findOnPath(path, "ffprobe").orElse(beside);
      String desc = "PATH: " + ff + (fp.equals(beside) ? "" : ", " + fp);
      try {
        return verify(ff, fp, Source.PATH, desc, false, Map.of());
      } catch (ToolNotFoundException e) {
        tried.add(desc + ": " + e.getMessage());
      }
    }

    StringBuilder msg = new StringBuilder("no usable ffmpeg/ffprobe found. Tried, in order:");
    for (String t : tried) msg.append("\n  - ").append(t);
    msg.append("\nSet ").append(ENV_FFMPEG).append(" (and ").append(ENV_FFPROBE)
        .append(" if ffprobe is elsewhere), add org.bytedeco:ffmpeg:7.1-1.5.11 with classifier ")
        .append(platform.map(p -> p + "-gpl").orElse("<platform>-gpl"))
        .append(" to the class path, or install ffmpeg on the PATH.");
    throw new ToolNotFoundException(msg.toString());
  }

  public Path ffmpeg() {
    return ffmpeg;
  }

  public Path ffprobe() {
    return ffprobe;
  }

  public Source source() {
    return source;
  }

  /** Where the executables came from, e.g. {@code bundled org.bytedeco:ffmpeg:7.1-1.5.11:linux-x86_64-gpl (extracted to …)}. */
  public String description() {
    return description;
  }

  /** The first line of {@code ffmpeg -version}, e.g. {@code ffmpeg version 7.1 Copyright (c) 2000-2024 the FFmpeg developers}. */
  public String versionLine() {
    return versionLine;
  }

  /** The first line of {@code ffprobe -version}. */
  public String ffprobeVersionLine() {
    return ffprobeVersionLine;
  }

  /**
   * Variables every ffmpeg/ffprobe process started with these tools must have in its environment (added to the
   * inherited one). Empty except for the bundled Linux build, whose libraries are found through
   * {@code LD_LIBRARY_PATH}.
   */
  public Map<String, String> environment() {
    return environment;
  }

  /** {@code <version line> — <description>}. */
  @Override
  public String toString() {
    return versionLine + " — " + description;
  }

  // ---------------------------------------------------------------------------------------------------------

  private static FfmpegTools verify(Path ffmpeg, Path ffprobe, Source source, String description, boolean bundled,
      Map<String, String> env) {
    String ffmpegLine = versionOf(ffmpeg, "ffmpeg", bundled, env);
    String ffprobeLine = versionOf(ffprobe, "ffprobe", bundled, env);
    log.debug("using {} ({})", ffmpegLine, description);
    return new FfmpegTools(ffmpeg, ffprobe, source, description, ffmpegLine, ffprobeLine, env);
  }

  /** Runs {@code exe -version} and returns its first line; explains why not if it cannot. */
  private static String versionOf(Path exe, String expected, boolean bundled, Map<String, String> env) {
    if (!Files.exists(exe)) throw new ToolNotFoundException(exe + " does not exist");
    if (!Files.isRegularFile(exe)) throw new ToolNotFoundException(exe + " is not a file");
    if (!Files.isExecutable(exe)) throw new ToolNotFoundException(exe + " is not executable");
    String out;
    try {
      out = ProcessRunner.command(List.of(exe.toString(), "-version")).environment(env)
          .collectStdout().quitOnCancel(false).timeout(VERSION_TIMEOUT).run().stdout();
    } catch (ToolFailedException e) {
      throw new ToolNotFoundException(exe + " does not run: " + explain(e, bundled));
    }
    String first = out.lines().findFirst().orElse("").strip();
    if (!first.startsWith(expected + " version")) {
      throw new ToolNotFoundException(exe + " does not look like " + expected + ": '-version' printed '" + first + "'");
    }
    return first;
  }

  /** Turns a failed {@code -version} into advice, naming a missing shared library and its package. */
  static String explain(ToolFailedException e, boolean bundled) {
    String tail = e.stderrTail();
    Matcher linux = MISSING_LINUX_LIBRARY.matcher(tail);
    if (linux.find()) {
      String lib = linux.group(1);
      String pkg = DEBIAN_PACKAGES.get(lib);
      return "the system library " + lib + " is missing"
          + (bundled ? " (the bundled ffmpeg needs it)" : "")
          + ". Install it (Debian/Ubuntu: apt-get install " + (pkg != null ? pkg : "the package that provides " + lib)
          + ") or set " + ENV_FFMPEG + " to another ffmpeg";
    }
    Matcher mac = MISSING_MAC_LIBRARY.matcher(tail);
    if (mac.find()) {
      return "the library " + mac.group(1) + " is missing. Install it or set " + ENV_FFMPEG + " to another ffmpeg";
    }
    if (e.exitCode() == 0xC0000135) { // STATUS_DLL_NOT_FOUND
      return "a DLL it needs is missing. Set " + ENV_FFMPEG + " to another ffmpeg";
    }
    String last = tail.isBlank() ? "" : ": " + tail.lines().reduce((a, b) -> b).orElse("");
    return "exit code " + e.exitCode() + last;
  }

  private static Path besideFfmpeg(Path ffmpeg) {
    String name = ffmpeg.getFileName().toString();
    String probe = name.toLowerCase(Locale.ROOT).contains("ffmpeg")
        ? name.replaceFirst("(?i)ffmpeg", "ffprobe")
        : (name.toLowerCase(Locale.ROOT).endsWith(".exe") ? "ffprobe.exe" : "ffprobe");
    return ffmpeg.resolveSibling(probe);
  }

  private static Optional<Path> findOnPath(String path, String name) {
    if (path == null) return Optional.empty();
    boolean windows = File.pathSeparatorChar == ';';
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) continue;
      for (String candidate : windows ? List.of(name + ".exe", name) : List.of(name)) {
        try {
          Path p = Path.of(dir.strip()).resolve(candidate);
          if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p.toAbsolutePath());
        } catch (InvalidPathException e) {
          // an unusable PATH entry: skip it
        }
      }
    }
    return Optional.empty();
  }

  private static String pathVariable(Map<String, String> environment) {
    String p = environment.get("PATH");
    if (p != null) return p;
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey().equalsIgnoreCase("PATH")) return e.getValue(); // Windows spells it Path
    }
    return null;
  }

  private static Path toPath(String value, String variable) {
    try {
      return Path.of(value.strip()).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw new ToolNotFoundException(variable + " is not a valid path: '" + value + "'");
    }
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
