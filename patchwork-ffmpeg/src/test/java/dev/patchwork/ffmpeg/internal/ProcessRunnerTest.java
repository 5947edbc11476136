package dev.patchwork.ffmpeg.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.patchwork.CancelledException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ToolNotFoundException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.TestPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The runner against tiny fake executables in a directory whose path has spaces and non-ASCII letters. */
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessRunnerTest {

  @TempDir Path tmp;
  Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @Test
  void argumentsArriveExactlyAsGiven() throws IOException {
    Path echo = TestPaths.script(dir, "echo args", "for a in \"$@\"; do printf '%s\\0' \"$a\"; done");
    List<String> args = List.of(
        "with space", "double\"quote", "'single'", "ünïcødé 名前", "$HOME", "*", "a;b|c&d", "back\\slash",
        "  leading and trailing  ", "-vf", "scale=320:240,format=yuv420p", "new\nline");

    List<String> argv = new ArrayList<>();
    argv.add(echo.toString());
    argv.addAll(args);
    String out = ProcessRunner.command(argv).collectStdout().run().stdout();

    assertThat(Arrays.asList(out.split("\0", -1))).containsExactlyElementsOf(withEmptyLast(args));
  }

  @Test
  void bigStdoutAndStderrTogetherDoNotHang() throws IOException {
    // 200k lines on each stream at once: far beyond any pipe buffer.
    Path noisy = TestPaths.script(dir, "noisy", """
        (i=0; yes 'a line on stderr, long enough to fill the pipe quickly' | head -n 200000 >&2) &
        yes 'a line on stdout' | head -n 200000
        wait
        """);
    AtomicLong lines = new AtomicLong();
    ProcessRunner.Result r = ProcessRunner.command(List.of(noisy.toString()))
        .onStdoutLine(l -> lines.incrementAndGet())
        .timeout(Duration.ofSeconds(30))
        .run();

    assertThat(lines.get()).isEqualTo(200_000);
    assertThat(r.stderrTail().lines().count()).isEqualTo(ProcessRunner.DEFAULT_STDERR_TAIL_LINES);
  }

  @Test
  void nonZeroExitFailsWithCodeArgvAndTheTailOfStderr() throws IOException {
    Path failing = TestPaths.script(dir, "failing", """
        i=1
        while [ $i -le 120 ]; do echo "stderr line $i" >&2; i=$((i+1)); done
        exit 3
        """);
    List<String> argv = List.of(failing.toString(), "-i", "in put.mov");

    ToolFailedException e = catchThrowableOfType(ToolFailedException.class, () -> ProcessRunner.command(argv).run());

    assertThat(e.exitCode()).isEqualTo(3);
    assertThat(e.argv()).isEqualTo(argv);
    List<String> tail = e.stderrTail().lines().toList();
    assertThat(tail).hasSize(50).startsWith("stderr line 71").endsWith("stderr line 120");
    assertThat(e.getMessage()).contains("failing").contains("3").contains("stderr line 120");
  }

  @Test
  void timeoutKillsTheChildAndItsGrandchild() throws Exception {
    Path pids = dir.resolve("pids");
    Path sleeper = sleeperScript();

    long start = System.nanoTime();
    ToolFailedException e = catchThrowableOfType(ToolFailedException.class,
        () -> ProcessRunner.command(List.of(sleeper.toString(), pids.toString()))
            .timeout(Duration.ofMillis(1500)).grace(Duration.ofMillis(300)).run());

    assertThat(e).hasMessageContaining("timed out");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertAllDead(readPids(pids));
  }

  @Test
  void cancellationKillsTheChildAndItsGrandchild() throws Exception {
    Path pids = dir.resolve("pids");
    Path sleeper = sleeperScript();
    Cancellation cancel = Cancellation.create();

    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> catchThrowable(
        () -> ProcessRunner.command(List.of(sleeper.toString(), pids.toString()))
            .cancellation(cancel).grace(Duration.ofMillis(300)).run()));
    List<Long> running = awaitPids(pids);
    assertThat(running).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());
    cancel.cancel();

    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(CancelledException.class);
    assertAllDead(running);
  }

  @Test
  void interruptingTheCallerCancelsAndKeepsTheInterruptFlag() throws Exception {
    Path pids = dir.resolve("pids");
    Path sleeper = sleeperScript();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();

    Thread caller = new Thread(() -> {
      thrown.set(catchThrowable(() -> ProcessRunner.command(List.of(sleeper.toString(), pids.toString()))
          .grace(Duration.ofMillis(300)).run()));
      flag.set(Thread.currentThread().isInterrupted());
    });
    caller.start();
    List<Long> running = awaitPids(pids);
    caller.interrupt();
    caller.join(20_000);

    assertThat(caller.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(CancelledException.class);
    assertThat(flag.get()).isTrue();
    assertAllDead(running);
  }

  @Test
  void cancellationFirstAsksTheToolToQuitWithQ() throws Exception {
    Path got = dir.resolve("got");
    Path polite = TestPaths.script(dir, "polite", "echo started; read answer; printf '%s' \"$answer\" > \"$1\"; exit 0");
    Cancellation cancel = Cancellation.create();

    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> catchThrowable(
        () -> ProcessRunner.command(List.of(polite.toString(), got.toString()))
            .onStdoutLine(l -> cancel.cancel())
            .cancellation(cancel).grace(Duration.ofSeconds(10)).run()));

    assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(CancelledException.class);
    assertThat(Files.readString(got)).isEqualTo("q");
  }

  @Test
  void progressBlocksAreParsed() throws IOException {
    Path progress = TestPaths.script(dir, "progress", """
        printf 'frame=10\\nfps=0.00\\nout_time_us=416667\\nout_time=00:00:00.416667\\nspeed=1.5x\\nprogress=continue\\n'
        printf 'frame=24\\nout_time_us=N/A\\nout_time_ms=1000000\\nspeed=N/A\\nprogress=end\\n'
        """);
    List<ProcessRunner.Progress> seen = new ArrayList<>();

    ProcessRunner.command(List.of(progress.toString())).onProgress(seen::add).run();

    assertThat(seen).containsExactly(
        new ProcessRunner.Progress(10, 416_667, "1.5x", false),
        new ProcessRunner.Progress(24, 1_000_000, "", true));
  }

  @Test
  void aFailingStdoutConsumerStopsTheToolAndItsExceptionIsRethrown() throws Exception {
    Path pids = dir.resolve("pids");
    Path chatty = TestPaths.script(dir, "chatty", "echo $$ > \"$1\"; echo first; exec sleep 1000");

    long start = System.nanoTime();
    assertThatThrownBy(() -> ProcessRunner.command(List.of(chatty.toString(), pids.toString()))
        .onStdoutLine(l -> {
          throw new ValidationException("out:1", "bad line " + l);
        }).grace(Duration.ofMillis(200)).run())
        .isInstanceOf(ValidationException.class).hasMessageContaining("bad line first");

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    assertAllDead(readPids(pids));
  }

  @Test
  void aMissingExecutableIsNotFound() {
    Path missing = dir.resolve("no such ffmpeg");

    assertThatThrownBy(() -> ProcessRunner.command(List.of(missing.toString(), "-version")).run())
        .isInstanceOf(ToolNotFoundException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void environmentAdditionsReachTheTool() throws IOException {
    Path env = TestPaths.script(dir, "env", "printf '%s' \"$PATCHWORK_TEST_VALUE\"");

    String out = ProcessRunner.command(List.of(env.toString()))
        .environment("PATCHWORK_TEST_VALUE", "wert mit ü").collectStdout().run().stdout();

    assertThat(out).isEqualTo("wert mit ü");
  }

  /** A script that starts a grandchild (sleep under an inner shell) and sleeps; records the pids in $1. */
  private Path sleeperScript() throws IOException {
    return TestPaths.script(dir, "sleeper", """
        sh -c 'sleep 1000 & echo $! >> "$0"; wait' "$1" &
        echo $$ >> "$1"
        exec sleep 1000
        """);
  }

  private static List<Long> awaitPids(Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      List<Long> pids = readPids(file);
      if (pids.size() >= 2) return pids;
      Thread.sleep(20);
    }
    throw new AssertionError("the fake tool did not record its pids");
  }

  private static List<Long> readPids(Path file) throws IOException {
    if (!Files.exists(file)) return List.of();
    return Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
        .map(String::strip).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
  }

  private static void assertAllDead(List<Long> pids) throws InterruptedException {
    assertThat(pids).isNotEmpty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (long pid : pids) {
      while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %d is still alive", pid).isFalse();
    }
  }

  private static List<String> withEmptyLast(List<String> args) {
    List<String> l = new ArrayList<>(args);
    l.add(""); // the final \0 terminator
    return l;
  }
}
