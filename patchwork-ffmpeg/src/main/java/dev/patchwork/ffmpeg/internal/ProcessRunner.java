package dev.patchwork.ffmpeg.internal;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ToolNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ProcessDestroyer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one external tool (ffmpeg, ffprobe) safely, on commons-exec.
 *
 * <ul>
 *   <li>The command is an argv list, passed to the operating system as is: no shell, no parsing, no quoting
 *       (each argument is added with {@code addArgument(arg, false)}).
 *   <li>stdout and stderr are drained concurrently from the start, so the tool never blocks on a full pipe.
 *       stderr is kept only as a bounded tail (the last {@value #DEFAULT_STDERR_TAIL_LINES} lines) for
 *       {@link ToolFailedException}. stdout is discarded, collected, split into lines for a callback, handed
 *       over as a stream, or parsed as {@code -progress pipe:1} blocks.
 *   <li>Cancellation (a {@link Cancellation}, a timeout, an interrupt of the calling thread, or a failing stdout
 *       consumer) writes {@code q} to the tool's stdin, waits a grace period, then destroys the process and
 *       every descendant it had.
 * </ul>
 *
 * <p>Callbacks run on a stdout reader thread, one at a time, in output order.
 */
public final class ProcessRunner {

  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);

  /** Lines of stderr kept for error messages. */
  public static final int DEFAULT_STDERR_TAIL_LINES = 50;
  /** How long a cancelled tool gets to quit on its own after {@code q}. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);

  private static final int MAX_STDERR_LINE = 2000;
  private static final int MAX_STDOUT_LINE = 1 << 20;
  private static final int MAX_COLLECTED_CHARS = 64 << 20;
  private static final Duration POLL = Duration.ofMillis(20);
  /** How long to wait for the reader threads after the process has ended (a leaked child may hold a pipe). */
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(10);
  private static final Duration KILL_WAIT = Duration.ofSeconds(2);
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** Reads a tool's whole stdout; must read to the end or throw. */
  @FunctionalInterface
  public interface StdoutReader {
    void read(InputStream stdout) throws IOException;
  }

  /**
   * One {@code -progress} block of ffmpeg.
   *
   * @param frame         frames written so far ({@code -1} if not reported)
   * @param outTimeMicros output time so far in microseconds ({@code -1} if not reported or {@code N/A})
   * @param speed         ffmpeg's speed text such as {@code "2.5x"}, or empty
   * @param end           true for the final block ({@code progress=end})
   */
  public record Progress(long frame, long outTimeMicros, String speed, boolean end) {
    public Progress {
      Objects.requireNonNull(speed, "speed");
    }
  }

  /**
   * What a finished run left behind.
   *
   * @param exitCode   always 0 (other codes throw), kept for callers that allow others in future
   * @param stdout     the collected stdout, or empty unless {@link Builder#collectStdout()} was asked
   * @param stderrTail the last lines of stderr
   */
  public record Result(int exitCode, String stdout, String stderrTail) {}

  private ProcessRunner() {}

  /** Starts describing a run of {@code argv} (the executable first). */
  public static Builder command(List<String> argv) {
    return new Builder(argv);
  }

  /** The file name of an argv's executable, for messages. */
  static String toolName(List<String> argv) {
    Path p = Path.of(argv.get(0)).getFileName();
    return p == null ? argv.get(0) : p.toString();
  }

  /** Describes one run. Not thread-safe; {@link #run()} may be called more than once. */
  public static final class Builder {
    private final List<String> argv;
    private StdoutMode mode = StdoutMode.DISCARD;
    private Consumer<String> lineConsumer;
    private StdoutReader reader;
    private Consumer<Progress> progress;
    private Consumer<String> stderrLines;
    private Duration timeout;
    private Duration grace = DEFAULT_GRACE;
    private boolean quitOnCancel = true;
    private Cancellation cancellation = Cancellation.NONE;
    private Path workingDirectory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private int stderrTailLines = DEFAULT_STDERR_TAIL_LINES;

    private Builder(List<String> argv) {
      Objects.requireNonNull(argv, "argv");
      if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty");
      for (String a : argv) Objects.requireNonNull(a, "argv holds null: " + argv);
      if (argv.get(0).isBlank()) throw new IllegalArgumentException("executable is blank");
      this.argv = List.copyOf(argv);
    }

    /** Keeps stdout as a string in {@link Result#stdout()} (for small outputs such as JSON). */
    public Builder collectStdout() {
      mode = StdoutMode.COLLECT;
      return this;
    }

    /** Hands each stdout line to {@code consumer}; a consumer that throws cancels the run and the exception is rethrown. */
    public Builder onStdoutLine(Consumer<String> consumer) {
      lineConsumer = Objects.requireNonNull(consumer, "consumer");
      mode = StdoutMode.LINES;
      return this;
    }

    /** Hands the raw stdout stream to {@code stdoutReader}; a reader that throws cancels the run and the exception is rethrown. */
    public Builder onStdout(StdoutReader stdoutReader) {
      reader = Objects.requireNonNull(stdoutReader, "stdoutReader");
      mode = StdoutMode.STREAM;
      return this;
    }

    /**
     * Parses stdout as ffmpeg {@code -progress pipe:1} output (use with {@code -nostats}) and reports each
     * block. A listener that throws is logged and does not stop the run.
     */
    public Builder onProgress(Consumer<Progress> listener) {
      progress = Objects.requireNonNull(listener, "listener");
      mode = StdoutMode.PROGRESS;
      return this;
    }

    /** Also hands every stderr line to {@code consumer} (besides keeping the tail). */
    public Builder onStderrLine(Consumer<String> consumer) {
      stderrLines = Objects.requireNonNull(consumer, "consumer");
      return this;
    }

    /** Stops the tool (as for cancellation) and fails if it runs longer than {@code limit}. */
    public Builder timeout(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) throw new IllegalArgumentException("timeout must be positive: " + limit);
      timeout = limit;
      return this;
    }

    /** How long a cancelled tool may take to quit after {@code q} before it is destroyed (only with {@link #quitOnCancel}). */
    public Builder grace(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.isNegative()) throw new IllegalArgumentException("grace < 0: " + period);
      grace = period;
      return this;
    }

    /**
     * Whether to keep stdin open and write {@code q} to it on cancellation (ffmpeg's own way to stop cleanly).
     * On by default; when off, stdin is closed at start.
     */
    public Builder quitOnCancel(boolean on) {
      quitOnCancel = on;
      return this;
    }

    public Builder cancellation(Cancellation signal) {
      cancellation = Objects.requireNonNull(signal, "signal");
      return this;
    }

    public Builder workingDirectory(Path directory) {
      workingDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Adds (or overrides) these variables in the tool's environment, which is otherwise inherited. */
    public Builder environment(Map<String, String> variables) {
      variables.forEach(this::environment);
      return this;
    }

    /** Adds (or overrides) one variable in the tool's environment, which is otherwise inherited. */
    public Builder environment(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder stderrTailLines(int lines) {
      if (lines < 1) throw new IllegalArgumentException("stderrTailLines < 1: " + lines);
      stderrTailLines = lines;
      return this;
    }

    /**
     * Runs the tool to its end.
     *
     * @throws ToolNotFoundException if it cannot be started at all
     * @throws ToolFailedException   if it exits with a non-zero code or times out
     * @throws CancelledException    if it was cancelled or the calling thread was interrupted (the interrupt
     *                               flag is set again)
     */
    public Result run() {
      return new Run(this).execute();
    }
  }

  private enum StdoutMode { DISCARD, COLLECT, LINES, STREAM, PROGRESS }

  private enum Stop { CANCELLED, INTERRUPTED, TIMED_OUT, CONSUMER_FAILED }

  /** One execution of a {@link Builder}'s description. */
  private static final class Run {
    private final Builder b;
    private final List<String> argv;
    private final String tool;
    private final Tail tail;
    private final StringBuilder collected = new StringBuilder();
    private final AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Process process;
    private volatile OutputStream stdin;
    private volatile boolean stdoutComplete;
    private volatile boolean stopping;

    Run(Builder b) {
      this.b = b;
      this.argv = b.argv;
      this.tool = toolName(argv);
      this.tail = new Tail(b.stderrTailLines);
    }

    Result execute() {
      log.debug("running {}", argv);
      CommandLine line = new CommandLine(argv.get(0));
      for (String arg : argv.subList(1, argv.size())) line.addArgument(arg, false);

      DefaultExecutor executor = new ExactArgvExecutor();
      executor.setExitValues(null); // every exit code is a result; we judge it ourselves
      executor.setProcessDestroyer(new Capture());

      Finished result = new Finished();
      long startNanos = System.nanoTime();
      try {
        executor.execute(line, result);
      } catch (IOException e) {
        throw cannotStart(e);
      }

      Stop stop = null;
      boolean interrupted = false;
      while (!result.hasResult()) {
        if (Thread.interrupted()) {
          interrupted = true;
          stop = Stop.INTERRUPTED;
        } else if (b.cancellation.isCancelled()) {
          stop = Stop.CANCELLED;
        } else if (consumerFailure.get() != null) {
          stop = Stop.CONSUMER_FAILED;
        } else if (b.timeout != null && System.nanoTime() - startNanos >= b.timeout.toNanos()) {
          stop = Stop.TIMED_OUT;
        }
        if (stop != null) break;
        try {
          result.await(POLL);
        } catch (InterruptedException e) {
          interrupted = true;
          stop = Stop.INTERRUPTED;
          break;
        }
      }
      try {
        if (stop != null) {
          log.debug("stopping {} ({})", tool, stop.name().toLowerCase(Locale.ROOT));
          stopping = true;
          interrupted |= terminate();
          interrupted |= awaitResult(result);
        }
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
      return conclude(stop, result, startNanos);
    }

    private Result conclude(Stop stop, Finished result, long startNanos) {
      Throwable failed = consumerFailure.get();
      if (failed != null) {
        if (failed instanceof RuntimeException re) throw re;
        if (failed instanceof Error er) throw er;
        throw new PatchworkException("reading the output of " + tool + " failed: " + failed.getMessage(), failed);
      }
      if (stop == Stop.INTERRUPTED) throw new CancelledException(tool + " was stopped: the calling thread was interrupted");
      if (stop == Stop.CANCELLED) throw new CancelledException(tool + " was cancelled");
      if (stop == Stop.TIMED_OUT) {
        throw new ToolFailedException(tool + " timed out after " + seconds(b.timeout) + " and was stopped", -1, argv, tail.text());
      }
      if (!result.hasResult()) {
        throw new ToolFailedException(tool + " did not end after being stopped", -1, argv, tail.text());
      }
      if (process == null) {
        Throwable cause = result.getException() != null && result.getException().getCause() != null
            ? result.getException().getCause() : result.getException();
        throw cannotStart(cause);
      }
      int exit = result.getExitValue();
      if (exit != 0) {
        throw new ToolFailedException(tool + " exited with code " + exit, exit, argv, tail.text());
      }
      if (result.getException() != null) {
        throw new ToolFailedException(tool + " output could not be read: " + result.getException().getMessage(), exit, argv, tail.text());
      }
      if (b.mode != StdoutMode.DISCARD && !stdoutComplete) {
        throw new ToolFailedException(tool + " ended but its output stayed open (a child process may still hold it)", exit, argv, tail.text());
      }
      if (log.isDebugEnabled()) {
        log.debug("{} finished in {} ms", tool, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
      }
      return new Result(exit, collected.toString(), tail.text());
    }

    private PatchworkException cannotStart(Throwable cause) {
      String why = cause == null || cause.getMessage() == null ? "unknown reason" : cause.getMessage();
      ToolNotFoundException e = new ToolNotFoundException("cannot run " + argv.get(0) + ": " + why);
      if (cause != null) e.initCause(cause);
      return e;
    }

    /** Asks the tool to quit, waits the grace period, then destroys it and its descendants. Returns true if interrupted. */
    private boolean terminate() {
      boolean interrupted = false;
      try {
        if (!started.await(5, TimeUnit.SECONDS)) return false;
      } catch (InterruptedException e) {
        interrupted = true;
      }
      Process p = process;
      if (p == null) return interrupted;
      ProcessHandle handle = p.toHandle();
      List<ProcessHandle> tree = new ArrayList<>(handle.descendants().collect(Collectors.toList()));

      OutputStream in = stdin;
      if (in != null) {
        try {
          if (b.quitOnCancel) {
            in.write("q\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
          }
        } catch (IOException e) {
          log.trace("{} stdin closed already", tool, e);
        } finally {
          closeQuietly(in);
        }
      }
      if (b.quitOnCancel) interrupted |= waitFor(p, b.grace); // a tool not asked to quit gets no grace period
      handle.descendants().forEach(d -> {
        if (!tree.contains(d)) tree.add(d);
      });
      if (p.isAlive()) {
        log.debug("{} did not quit within {}; destroying it", tool, b.grace);
        p.destroy();
      }
      for (ProcessHandle d : tree) d.destroy();
      interrupted |= waitFor(p, KILL_WAIT);
      if (p.isAlive()) p.destroyForcibly();
      long deadline = System.nanoTime() + KILL_WAIT.toNanos();
      for (ProcessHandle d : tree) {
        while (d.isAlive() && System.nanoTime() < deadline) {
          interrupted |= sleep(10);
        }
        if (d.isAlive()) d.destroyForcibly();
      }
      return interrupted;
    }

    /** Waits (ignoring interrupts, which it reports) until the executor has reported. Returns true if interrupted. */
    private boolean awaitResult(Finished result) {
      boolean interrupted = false;
      long deadline = System.nanoTime() + KILL_WAIT.toNanos() + DRAIN_AFTER_EXIT.toNanos() + Duration.ofSeconds(5).toNanos();
      while (!result.hasResult() && System.nanoTime() < deadline) {
        try {
          result.await(POLL);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return interrupted;
    }

    private static boolean waitFor(Process p, Duration d) {
      boolean interrupted = false;
      long deadline = System.nanoTime() + d.toNanos();
      while (p.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) break;
        try {
          p.waitFor(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      return interrupted;
    }

    private static boolean sleep(long millis) {
      try {
        Thread.sleep(millis);
        return false;
      } catch (InterruptedException e) {
        return true;
      }
    }

    private void failConsumer(Throwable t) {
      if (stopping) {
        // destroying a process closes its pipes under the reader: a consequence of the stop, not a failure
        log.trace("reading stdout of {} ended while stopping", tool, t);
        return;
      }
      consumerFailure.compareAndSet(null, t);
    }

    private void readStdout(InputStream out) throws IOException {
      switch (b.mode) {
        case DISCARD -> discard(out);
        case COLLECT -> collect(out, collected, MAX_COLLECTED_CHARS, tool);
        case LINES -> LineSplitter.split(out, MAX_STDOUT_LINE, b.lineConsumer);
        case STREAM -> b.reader.read(out);
        case PROGRESS -> {
          ProgressParser parser = new ProgressParser(b.progress, tool);
          LineSplitter.split(out, MAX_STDOUT_LINE, parser::line);
        }
      }
    }

    /**
     * commons-exec's executor with one change: the process is started from the argv list exactly as given.
     * commons-exec (1.4 and later) trims every argument in {@code CommandLine.Argument}, which would corrupt
     * arguments with leading or trailing spaces (a file name, a drawtext string); its {@code CommandLine} is
     * still built, with {@code addArgument(arg, false)}, for its lifecycle and logging.
     */
    private final class ExactArgvExecutor extends DefaultExecutor {
      @SuppressWarnings("deprecation") // the builder cannot make a subclass
      ExactArgvExecutor() {
        super();
        setStreamHandler(new Streams());
      }

      @Override
      protected Thread createThread(Runnable runnable, String name) {
        return daemon(runnable, "exec");
      }

      @Override
      protected Process launch(CommandLine command, Map<String, String> env, java.io.File dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(b.environment);
        if (b.workingDirectory != null) pb.directory(b.workingDirectory.toFile());
        return pb.start();
      }
    }

    /** The commons-exec stream handler: stdin kept for {@code q}, two reader threads. */
    private final class Streams implements ExecuteStreamHandler {
      private InputStream out;
      private InputStream err;
      private Thread outThread;
      private Thread errThread;

      @Override
      public void setProcessInputStream(OutputStream os) {
        stdin = os;
      }

      @Override
      public void setProcessOutputStream(InputStream is) {
        out = is;
      }

      @Override
      public void setProcessErrorStream(InputStream is) {
        err = is;
      }

      @Override
      public void start() {
        if (!b.quitOnCancel) closeQuietly(stdin);
        outThread = daemon(() -> {
          try {
            readStdout(out);
            discard(out); // a consumer that stopped early must not block the tool
            stdoutComplete = true;
          } catch (Throwable t) {
            failConsumer(t);
            try {
              discard(out);
            } catch (IOException ignored) {
              // the process is being stopped
            }
          }
        }, "stdout");
        errThread = daemon(() -> {
          try {
            LineSplitter.split(err, MAX_STDERR_LINE, lineText -> {
              tail.add(lineText);
              if (b.stderrLines != null) {
                try {
                  b.stderrLines.accept(lineText);
                } catch (RuntimeException e) {
                  log.warn("stderr listener of {} failed", tool, e);
                }
              }
            });
          } catch (IOException e) {
            log.trace("reading stderr of {} ended", tool, e);
          }
        }, "stderr");
        outThread.start();
        errThread.start();
      }

      @Override
      public void stop() {
        join(outThread);
        join(errThread);
        closeQuietly(stdin);
      }

      private void join(Thread t) {
        try {
          t.join(DRAIN_AFTER_EXIT.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Learns the {@link Process} commons-exec started (commons-exec offers no other hook for it). */
    private final class Capture implements ProcessDestroyer {
      @Override
      public boolean add(Process p) {
        process = p;
        started.countDown();
        return true;
      }

      @Override
      public boolean remove(Process p) {
        return true;
      }

      @Override
      public int size() {
        return process == null ? 0 : 1;
      }
    }
  }

  /**
   * commons-exec's result handler, told at once when the process has ended: its own {@code waitFor} sleeps in steps of
   * 50 ms, which added 25 ms on average to every run (a patch runs dozens of short ffprobe calls).
   */
  private static final class Finished extends DefaultExecuteResultHandler {
    private final CountDownLatch done = new CountDownLatch(1);

    @Override
    public void onProcessComplete(int exitValue) {
      super.onProcessComplete(exitValue);
      done.countDown();
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
      super.onProcessFailed(e);
      done.countDown();
    }

    /** Waits at most {@code limit} for the result. */
    void await(Duration limit) throws InterruptedException {
      done.await(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** Collects stdout as text up to a limit. */
  private static void collect(InputStream in, StringBuilder sink, int maxChars, String tool) throws IOException {
    var reader = new java.io.InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buf = new char[8192];
    int n;
    while ((n = reader.read(buf)) >= 0) {
      if (sink.length() + n > maxChars) {
        throw new PatchworkException(tool + " wrote more than " + maxChars + " characters to stdout; expected a small output");
      }
      sink.append(buf, 0, n);
    }
  }

  /** Parses {@code key=value} lines into {@link Progress} blocks ending with {@code progress=...}. */
  static final class ProgressParser {
    private final Consumer<Progress> listener;
    private final String tool;
    private long frame = -1;
    private long outTimeMicros = -1;
    private String speed = "";

    ProgressParser(Consumer<Progress> listener, String tool) {
      this.listener = listener;
      this.tool = tool;
    }

    void line(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0) return;
      String key = text.substring(0, eq).strip();
      String value = text.substring(eq + 1).strip();
      switch (key) {
        case "frame" -> frame = parseLong(value);
        case "out_time_us" -> outTimeMicros = parseLong(value);
        case "out_time_ms" -> {
          // despite its name, ffmpeg writes microseconds here too; out_time_us wins when both are present
          if (outTimeMicros < 0) outTimeMicros = parseLong(value);
        }
        case "speed" -> speed = value.equals("N/A") ? "" : value;
        case "progress" -> {
          Progress p = new Progress(frame, outTimeMicros, speed, value.equals("end"));
          frame = -1;
          outTimeMicros = -1;
          speed = "";
          try {
            listener.accept(p);
          } catch (RuntimeException e) {
            log.warn("progress listener of {} failed", tool, e);
          }
        }
        default -> {
          // other keys (fps, bitrate, total_size, …) are not needed
        }
      }
    }

    private static long parseLong(String v) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        return -1; // N/A
      }
    }
  }

  /** The last lines of stderr. */
  private static final class Tail {
    private final int max;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    Tail(int max) {
      this.max = max;
    }

    synchronized void add(String line) {
      if (line.isBlank()) return;
      if (lines.size() == max) lines.removeFirst();
      lines.addLast(line);
    }

    synchronized String text() {
      return String.join("\n", lines);
    }
  }

  static void discard(InputStream in) throws IOException {
    byte[] buf = new byte[16384];
    while (in.read(buf) >= 0) {
      // drop
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing useful to do
    }
  }

  private static Thread daemon(Runnable r, String role) {
    Thread t = new Thread(r, "patchwork-" + role + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + " s" : String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
  }
}
