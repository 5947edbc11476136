package dev.patchwork.examples;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ToolNotFoundException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code patchwork} command line.
 *
 * <p>Exit codes, for every command: 0 ok; 1 verification found a mismatch; 2 usage; 3 invalid input;
 * 4 a tool or service failed (ffmpeg, Resolve, database); 130 interrupted. Errors are one line on stderr
 * ({@code patchwork: …}); {@code --verbose} adds the stack trace. stdout carries only results (JSON with
 * {@code --json}); progress and messages go to stderr.
 */
@Command(
    name = "patchwork",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Re-render only what changed in a video master: plan, patch, verify.",
    subcommands = {AdoptCommand.class, VerifyCommand.class, PlanCommand.class, PatchCommand.class, MasterCommand.class,
        WorkerCommand.class, JobsCommand.class, ResolveCommand.class,
        DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  public static final int OK = 0;
  public static final int MISMATCH = 1;
  public static final int USAGE = 2;
  public static final int INVALID_INPUT = 3;
  public static final int TOOL_FAILED = 4;
  public static final int INTERRUPTED = 130;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** Set when Ctrl-C / SIGTERM starts the JVM's shutdown: the interrupt hook then prints the one line there is to say. */
  private static final java.util.concurrent.atomic.AtomicBoolean SHUTTING_DOWN = new java.util.concurrent.atomic.AtomicBoolean();

  public static void main(String[] args) {
    configureLogging(java.util.Arrays.asList(args).contains("--verbose"));
    Thread worker = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
    // Ctrl-C / SIGTERM: interrupt the command, which stops ffmpeg and removes temporary files, wait for that
    // cleanup, then exit 130. A normal exit sets 'finished' first, so the hook does nothing then.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      SHUTTING_DOWN.set(true);
      if (finished.get()) return;
      interrupted.set(true);
      worker.interrupt();
      try {
        worker.join(CLEANUP_GRACE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      System.err.println("patchwork: interrupted");
      System.err.flush();
      Runtime.getRuntime().halt(INTERRUPTED);
    }, "patchwork-interrupt"));
    int code = run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true));
    if (interrupted.get()) return; // the shutdown hook is waiting for this thread to end, then exits 130
    finished.set(true);
    System.exit(code);
  }

  /** How long Ctrl-C waits for a command to stop its tools and remove temporary files. */
  static final long CLEANUP_GRACE_MILLIS = 20_000;

  /** Runs the CLI with the given streams and returns the exit code (for tests and embedding). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((ex, a) -> {
      // picocli appends the converter's exception ("(java.lang.NumberFormatException: …)"): the user needs the first part
      err.println("patchwork: " + ex.getMessage().replaceAll("\\s*\\((java|javax)\\.[\\w.$]+: [^)]*\\)", ""));
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("Try 'patchwork " + commandPath(ex.getCommandLine()) + "--help' for usage.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      boolean verbose = hasVerbose(parseResult);
      if (stoppedByCtrlC(ex) && !verbose) return INTERRUPTED; // the interrupt hook says "interrupted", once
      int code = exitCodeFor(ex);
      err.println("patchwork: " + messageFor(ex));
      if (verbose) ex.printStackTrace(err);
      err.flush();
      return code;
    });
    return cli.execute(args);
  }

  /**
   * slf4j-simple on stderr: warnings only, or debug detail (ffmpeg argv and the like) with {@code --verbose}.
   * Explicit {@code -Dorg.slf4j.simpleLogger.*} settings win.
   */
  static void configureLogging(boolean verbose) {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn"));
    System.setProperty("org.slf4j.simpleLogger.logFile", System.getProperty("org.slf4j.simpleLogger.logFile", "System.err"));
    System.setProperty("org.slf4j.simpleLogger.showThreadName", System.getProperty("org.slf4j.simpleLogger.showThreadName", "false"));
    System.setProperty("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  /** True if {@code --verbose} was given to the command or any of its subcommands ({@code resolve patch --verbose}). */
  private static boolean hasVerbose(CommandLine.ParseResult parseResult) {
    if (parseResult.hasMatchedOption("--verbose")) return true;
    for (CommandLine.ParseResult sub : parseResult.subcommands()) {
      if (hasVerbose(sub)) return true;
    }
    return false;
  }

  /**
   * True if {@code ex} is how Ctrl-C reached the command: it was cancelled, or a tool it ran died of the same signal
   * (the terminal sends it to ffmpeg too, which may stop before the JVM's shutdown starts, so that is waited for).
   */
  private static boolean stoppedByCtrlC(Exception ex) {
    boolean signalled = ex instanceof CancelledException
        || ex instanceof ToolFailedException t && (t.exitCode() == 130 || t.exitCode() == 255 || t.exitCode() == 143);
    if (!signalled) return false;
    long deadline = System.nanoTime() + 500_000_000L;
    while (!SHUTTING_DOWN.get() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return SHUTTING_DOWN.get();
  }

  /** The exit code for an exception that escaped a command. */
  static int exitCodeFor(Throwable ex) {
    if (ex instanceof VerificationMismatch || ex instanceof VerificationException) return MISMATCH;
    if (ex instanceof CancelledException) return INTERRUPTED;
    if (ex instanceof ValidationException || ex instanceof UnsupportedMasterException) return INVALID_INPUT;
    if (ex instanceof ToolNotFoundException || ex instanceof ToolFailedException) return TOOL_FAILED;
    if (ex instanceof java.nio.file.NoSuchFileException || ex instanceof java.nio.file.AccessDeniedException) return INVALID_INPUT;
    if (ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) return TOOL_FAILED;
    if (ex instanceof PatchworkException) return TOOL_FAILED;
    return TOOL_FAILED;
  }

  private static String messageFor(Throwable ex) {
    if (ex instanceof java.nio.file.NoSuchFileException n) return "no such file: " + n.getFile();
    if (ex instanceof java.nio.file.AccessDeniedException a) return "permission denied: " + a.getFile();
    String m = ex.getMessage();
    if (ex instanceof PatchworkException || ex instanceof IllegalArgumentException) return m;
    return ex.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String commandPath(CommandLine c) {
    StringBuilder sb = new StringBuilder();
    for (CommandLine p = c; p != null && p.getParent() != null; p = p.getParent()) sb.insert(0, p.getCommandName() + " ");
    return sb.toString();
  }
}
