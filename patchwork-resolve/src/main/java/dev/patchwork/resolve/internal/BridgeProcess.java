package dev.patchwork.resolve.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.CancelledException;
import dev.patchwork.resolve.ResolveException;
import dev.patchwork.resolve.ResolveUnavailableException;
import dev.patchwork.resolve.ResolveUnavailableException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Python bridge as a child process speaking JSON lines (see {@code resolve_bridge.py}): one request at a time,
 * each with its own id and time limit, answers matched by id.
 *
 * <p>The child never outlives this object or the JVM: {@link #close()} closes its standard input (the script leaves at
 * once when it does, even inside a hung call), then destroys it and its descendants; a shutdown hook does the same
 * when the JVM exits; and if the JVM dies without running hooks, the pipe closes and the script leaves. A call that
 * exceeds its time limit destroys the child (its state is unknown after that), and so does every protocol error.
 */
public final class BridgeProcess implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(BridgeProcess.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCRIPT = "resolve_bridge.py";
  private static final int STDERR_TAIL_LINES = 40;
  /** How long {@link #close()} waits for the script to leave on its own after its stdin closed. */
  private static final Duration EXIT_GRACE = Duration.ofSeconds(2);

  private final Process process;
  private final Path script;
  private final OutputStream stdin;
  private final List<String> command;
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Deque<String> stderrTail = new ArrayDeque<>();
  private final Thread shutdownHook;
  private final Object callLock = new Object();
  private volatile String closedBecause; // null while open

  private BridgeProcess(Process process, Path script, List<String> command) {
    this.process = process;
    this.script = script;
    this.stdin = process.getOutputStream();
    this.command = List.copyOf(command);
    this.shutdownHook = new Thread(this::destroy, "patchwork-resolve-bridge-exit-" + process.pid());
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the bridge with {@code python} and waits for its greeting.
   *
   * @param python       the interpreter and its leading arguments ({@code ["python3"]}, {@code ["py", "-3"]})
   * @param environment  variables added to the inherited environment
   * @param startTimeout how long to wait for the greeting
   * @throws ResolveUnavailableException if Python cannot be started or the script does not greet
   */
  public static BridgeProcess start(List<String> python, Map<String, String> environment, Duration startTimeout) {
    Objects.requireNonNull(python, "python");
    if (python.isEmpty()) throw new IllegalArgumentException("python command is empty");
    Path script = extractScript();
    List<String> command = new ArrayList<>(python);
    command.addAll(List.of("-u", "-B", script.toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(environment);
    Process process;
    try {
      log.debug("starting the Resolve bridge: {}", command);
      process = pb.start();
    } catch (IOException e) {
      deleteQuietly(script);
      throw new ResolveUnavailableException(Reason.PYTHON_MISSING, "cannot run " + python.get(0) + " for the Resolve bridge ("
          + e.getMessage() + "); install Python 3 or name the interpreter with --python / PATCHWORK_PYTHON", e);
    }
    BridgeProcess bridge = new BridgeProcess(process, script, command);
    CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    bridge.pending.put(0L, hello); // before the readers start, so that a child that dies at once fails it
    bridge.startReaders();
    bridge.awaitGreeting(hello, startTimeout);
    return bridge;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** The child process (for tests and diagnostics). */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** True until the child is closed, killed or gone. */
  public boolean isOpen() {
    return closedBecause == null && process.isAlive();
  }

  /**
   * Sends {@code op} with {@code args} and waits up to {@code timeout} for the answer's {@code result}.
   *
   * @throws BridgeError        if the bridge answered with an error (its kind and message)
   * @throws ResolveException   of kind {@link ResolveException#TIMEOUT} if there was no answer in time (the child is
   *                            destroyed), or {@link ResolveException#BRIDGE} if the child is gone
   * @throws CancelledException if the calling thread is interrupted while waiting
   */
  public JsonNode call(String op, ObjectNode args, Duration timeout, String what) {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(timeout, "timeout");
    synchronized (callLock) {
      requireOpen(what);
      long id = ids.incrementAndGet();
      ObjectNode request = JSON.createObjectNode();
      request.put("id", id);
      request.put("op", op);
      request.set("args", args == null ? JSON.createObjectNode() : args);
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        byte[] line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
        log.debug("bridge {} → {}", pid(), request);
        stdin.write(line);
        stdin.flush();
      } catch (IOException e) {
        pending.remove(id);
        throw gone(what, e);
      }
      JsonNode response;
      try {
        response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        pending.remove(id);
        kill("no answer to " + what + " within " + seconds(timeout));
        throw new ResolveException(ResolveException.TIMEOUT, "Resolve did not answer " + what + " within " + seconds(timeout)
            + "; the bridge was stopped (is Resolve busy, showing a dialog, or hung?)");
      } catch (InterruptedException e) {
        pending.remove(id);
        Thread.currentThread().interrupt();
        throw new CancelledException("interrupted while waiting for Resolve to answer " + what);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof ResolveException r ? r : new ResolveException(ResolveException.BRIDGE, e.getMessage(), e);
      }
      log.debug("bridge {} ← {}", pid(), response);
      if (response.path("ok").asBoolean(false)) return response.path("result");
      JsonNode error = response.path("error");
      throw new BridgeError(error.path("kind").asText(ResolveException.CALL_FAILED), error.path("message").asText("(no message)"));
    }
  }

  /** An error the bridge reported for one call. */
  public static final class BridgeError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String kind;

    BridgeError(String kind, String message) {
      super(message);
      this.kind = kind;
    }

    public String kind() {
      return kind;
    }
  }

  /** Closes stdin, gives the script a moment to leave, then destroys it and its descendants. Idempotent. */
  @Override
  public void close() {
    if (closedBecause == null) closedBecause = "closed";
    try {
      stdin.close();
    } catch (IOException e) {
      log.debug("closing the bridge's stdin", e);
    }
    try {
      if (!process.waitFor(EXIT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) destroy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      destroy();
    }
    destroy();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down; the hook runs or ran
    }
    deleteQuietly(script);
    failPending(new ResolveException(ResolveException.BRIDGE, "the Resolve bridge was closed"));
  }

  /** The last lines the child wrote to stderr. */
  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join("\n", stderrTail);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  private void kill(String why) {
    if (closedBecause == null) closedBecause = why;
    log.debug("stopping the Resolve bridge {}: {}", pid(), why);
    destroy();
    failPending(new ResolveException(ResolveException.BRIDGE, "the Resolve bridge was stopped: " + why));
  }

  private void destroy() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void requireOpen(String what) {
    String why = closedBecause;
    if (why != null) throw new ResolveException(ResolveException.BRIDGE, "cannot call " + what + ": the Resolve bridge is " + (why
        .equals("closed") ? "closed" : "stopped (" + why + ")"));
    if (!process.isAlive()) throw gone(what, null);
  }

  private ResolveException gone(String what, Throwable cause) {
    String tail = stderrTail();
    String exit = process.isAlive() ? "" : " (exit code " + process.exitValue() + ")";
    return new ResolveException(ResolveException.BRIDGE, "the Resolve bridge ended" + exit + " before " + what
        + (tail.isBlank() ? "" : ": " + lastLine(tail)), cause);
  }

  private void failPending(ResolveException e) {
    for (Long id : List.copyOf(pending.keySet())) {
      CompletableFuture<JsonNode> f = pending.remove(id);
      if (f != null) f.completeExceptionally(e);
    }
  }

  private void startReaders() {
    Thread out = new Thread(() -> readStdout(process.getInputStream()), "patchwork-resolve-bridge-out-" + pid());
    out.setDaemon(true);
    out.start();
    Thread err = new Thread(() -> readStderr(process.getErrorStream()), "patchwork-resolve-bridge-err-" + pid());
    err.setDaemon(true);
    err.start();
  }

  private void readStdout(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          log.warn("the Resolve bridge wrote a line that is not JSON: {}", line);
          continue;
        }
        JsonNode id = node.path("id");
        CompletableFuture<JsonNode> f = id.canConvertToLong() ? pending.remove(id.asLong()) : null;
        if (f != null) {
          f.complete(node);
        } else {
          log.debug("the Resolve bridge answered request {}, which no longer waits: {}", id, line);
        }
      }
    } catch (IOException e) {
      log.debug("reading the Resolve bridge's stdout", e);
    }
    // the child is gone: nothing more will be answered
    waitQuietly();
    failPending(gone("the answer", null));
  }

  private void readStderr(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        log.debug("bridge {} stderr: {}", pid(), line);
        synchronized (stderrTail) {
          stderrTail.addLast(line);
          while (stderrTail.size() > STDERR_TAIL_LINES) stderrTail.removeFirst();
        }
      }
    } catch (IOException e) {
      log.debug("reading the Resolve bridge's stderr", e);
    }
  }

  private void awaitGreeting(CompletableFuture<JsonNode> hello, Duration timeout) {
    try {
      JsonNode greeting = hello.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (greeting.path("result").path("protocol").asInt() != 1) {
        close();
        throw new ResolveUnavailableException(Reason.BRIDGE_FAILED, "the Resolve bridge speaks another protocol: " + greeting);
      }
      log.debug("Resolve bridge {} ready: {}", pid(), greeting.path("result"));
    } catch (TimeoutException e) {
      pending.remove(0L);
      close();
      throw new ResolveUnavailableException(Reason.BRIDGE_FAILED, "the Resolve bridge (" + String.join(" ", command)
          + ") did not start within " + seconds(timeout) + tailSuffix());
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted while starting the Resolve bridge");
    } catch (ExecutionException e) {
      waitQuietly();
      close();
      throw new ResolveUnavailableException(Reason.BRIDGE_FAILED, "the Resolve bridge (" + String.join(" ", command)
          + ") ended before it was ready; is " + command.get(0) + " Python 3?" + tailSuffix(), e.getCause());
    }
  }

  private String tailSuffix() {
    String tail = stderrTail();
    return tail.isBlank() ? "" : ": " + lastLine(tail);
  }

  private void waitQuietly() {
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path extractScript() {
    try (InputStream in = BridgeProcess.class.getResourceAsStream(SCRIPT)) {
      if (in == null) throw new IllegalStateException("the bridge script " + SCRIPT + " is missing from patchwork-resolve");
      Path file = Files.createTempFile("patchwork-resolve-bridge-", ".py");
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the Resolve bridge script to a temporary file", e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.debug("cannot delete {}", p, e);
    }
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  private static String lastLine(String s) {
    String t = s.strip();
    int nl = t.lastIndexOf('\n');
    return nl < 0 ? t : t.substring(nl + 1).strip();
  }
}
