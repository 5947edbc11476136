package dev.patchwork.resolve;

import dev.patchwork.resolve.internal.BridgeProcess;
import dev.patchwork.resolve.internal.BridgedResolve;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach DaVinci Resolve's scripting API: an immutable configuration whose {@link #connect()} starts a small
 * Python bridge (shipped in this module) as a child process and connects it to Resolve. Every {@code with…} method
 * returns a new instance and checks its argument at once.
 *
 * <pre>{@code
 * try (Resolve resolve = ResolveConnector.defaults().connect()) {
 *   List<Marker> markers = resolve.markers();
 * }
 * }</pre>
 *
 * <h2>Finding the scripting API</h2>
 * The bridge imports {@code DaVinciResolveScript} the documented way: {@code RESOLVE_SCRIPT_API} names the folder
 * holding {@code Modules/DaVinciResolveScript.py}, {@code RESOLVE_SCRIPT_LIB} the native {@code fusionscript}
 * library, and {@code PYTHONPATH} gets {@code $RESOLVE_SCRIPT_API/Modules}. Each is taken from, in order: the value
 * set here, this process's environment, and the default for the operating system ({@link ResolvePaths}). The
 * interpreter is {@code python3} ({@code python} on Windows) unless {@link #withPython} or {@code PATCHWORK_PYTHON}
 * says otherwise.
 *
 * <h2>Time limits</h2>
 * Starting the bridge and connecting have {@link #connectTimeout()} (default 30 s; Resolve can be slow to answer the
 * first call); every other call has {@link #callTimeout()} (default 30 s). A call that exceeds it stops the bridge.
 */
public final class ResolveConnector {

  /** Environment variable naming the Python interpreter for the bridge. */
  public static final String ENV_PYTHON = "PATCHWORK_PYTHON";
  /** Default time limit for one API call. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);
  /** Default time limit for starting the bridge and connecting to Resolve. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final List<String> python; // null: from the environment or the default
  private final Path scriptApi; // null: from the environment or the default
  private final Path scriptLib; // null: from the environment or the default
  private final Duration callTimeout;
  private final Duration connectTimeout;
  private final Map<String, String> environment; // added to the bridge's environment
  private final Map<String, String> baseEnvironment; // what "this process's environment" means (tests inject one)

  private ResolveConnector(List<String> python, Path scriptApi, Path scriptLib, Duration callTimeout, Duration connectTimeout,
      Map<String, String> environment, Map<String, String> baseEnvironment) {
    this.python = python;
    this.scriptApi = scriptApi;
    this.scriptLib = scriptLib;
    this.callTimeout = callTimeout;
    this.connectTimeout = connectTimeout;
    this.environment = Map.copyOf(environment);
    this.baseEnvironment = Map.copyOf(baseEnvironment);
  }

  /** Everything from the environment and the per-OS defaults. */
  public static ResolveConnector defaults() {
    return new ResolveConnector(null, null, null, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT, Map.of(), System.getenv());
  }

  /** Runs the bridge with {@code command} ({@code "python3"}, {@code "/usr/local/bin/python3.11"}). */
  public ResolveConnector withPython(String command) {
    Objects.requireNonNull(command, "command");
    if (command.isBlank()) throw new IllegalArgumentException("python command is blank");
    return new ResolveConnector(List.of(command), scriptApi, scriptLib, callTimeout, connectTimeout, environment, baseEnvironment);
  }

  /** Uses {@code dir} as {@code RESOLVE_SCRIPT_API} (the folder holding {@code Modules/}). */
  public ResolveConnector withScriptApi(Path dir) {
    Objects.requireNonNull(dir, "dir");
    return new ResolveConnector(python, dir.toAbsolutePath(), scriptLib, callTimeout, connectTimeout, environment, baseEnvironment);
  }

  /** Uses {@code library} as {@code RESOLVE_SCRIPT_LIB} ({@code fusionscript.so} / {@code .dll}). */
  public ResolveConnector withScriptLib(Path library) {
    Objects.requireNonNull(library, "library");
    return new ResolveConnector(python, scriptApi, library.toAbsolutePath(), callTimeout, connectTimeout, environment,
        baseEnvironment);
  }

  /** The time limit of every call after connecting. */
  public ResolveConnector withCallTimeout(Duration limit) {
    requirePositive(limit, "callTimeout");
    return new ResolveConnector(python, scriptApi, scriptLib, limit, connectTimeout, environment, baseEnvironment);
  }

  /** The time limit for starting the bridge and for connecting to Resolve. */
  public ResolveConnector withConnectTimeout(Duration limit) {
    requirePositive(limit, "connectTimeout");
    return new ResolveConnector(python, scriptApi, scriptLib, callTimeout, limit, environment, baseEnvironment);
  }

  /** Adds {@code name=value} to the bridge's environment (after everything else, so it wins). */
  public ResolveConnector withEnvironment(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.put(name, value);
    return new ResolveConnector(python, scriptApi, scriptLib, callTimeout, connectTimeout, env, baseEnvironment);
  }

  /** Adds every entry of {@code variables} to the bridge's environment. */
  public ResolveConnector withEnvironment(Map<String, String> variables) {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.putAll(Objects.requireNonNull(variables, "variables"));
    return new ResolveConnector(python, scriptApi, scriptLib, callTimeout, connectTimeout, env, baseEnvironment);
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The interpreter command the bridge runs with. */
  public List<String> python() {
    if (python != null) return python;
    String env = baseEnvironment.get(ENV_PYTHON);
    if (env != null && !env.isBlank()) return List.of(env);
    return List.of(isWindows() ? "python" : "python3");
  }

  /** {@code RESOLVE_SCRIPT_API} as the bridge will see it. */
  public String scriptApi() {
    if (scriptApi != null) return scriptApi.toString();
    String env = baseEnvironment.get("RESOLVE_SCRIPT_API");
    return env != null && !env.isBlank() ? env : ResolvePaths.defaultScriptApi(osName());
  }

  /** {@code RESOLVE_SCRIPT_LIB} as the bridge will see it. */
  public String scriptLib() {
    if (scriptLib != null) return scriptLib.toString();
    String env = baseEnvironment.get("RESOLVE_SCRIPT_LIB");
    return env != null && !env.isBlank() ? env : ResolvePaths.defaultScriptLib(osName());
  }

  /** The variables set for the bridge on top of the inherited environment. */
  public Map<String, String> bridgeEnvironment() {
    Map<String, String> env = new HashMap<>();
    String api = scriptApi();
    env.put("RESOLVE_SCRIPT_API", api);
    env.put("RESOLVE_SCRIPT_LIB", scriptLib());
    String modules = Path.of(api, "Modules").toString();
    String existing = baseEnvironment.get("PYTHONPATH");
    env.put("PYTHONPATH", existing == null || existing.isBlank() ? modules : existing + File.pathSeparator + modules);
    env.put("PYTHONIOENCODING", "utf-8");
    env.putAll(environment);
    return env;
  }

  /**
   * Connects to the local Resolve: {@code scriptapp("Resolve")}.
   *
   * @throws ResolveUnavailableException if Python, the scripting module or a running Resolve with external scripting
   *                                     enabled is missing; the message says which and what to do
   */
  public Resolve connect() {
    return connectTo(null);
  }

  /**
   * Connects to the Resolve at {@code host}: {@code scriptapp("Resolve", host)} (external scripting must be set to
   * Network there).
   *
   * @throws ResolveUnavailableException if that Resolve cannot be reached
   */
  public Resolve connect(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) throw new IllegalArgumentException("host is blank");
    return connectTo(host.strip());
  }

  private Resolve connectTo(String host) {
    BridgeProcess bridge = BridgeProcess.start(python(), bridgeEnvironment(), connectTimeout);
    return BridgedResolve.connect(bridge, host, connectTimeout, callTimeout);
  }

  @Override
  public String toString() {
    return "ResolveConnector[python=" + String.join(" ", python()) + ", RESOLVE_SCRIPT_API=" + scriptApi() + ", callTimeout="
        + callTimeout + "]";
  }

  private String osName() {
    return System.getProperty("os.name", "");
  }

  private boolean isWindows() {
    return osName().toLowerCase(java.util.Locale.ROOT).contains("win");
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive: " + d);
  }
}
