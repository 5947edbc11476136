package dev.patchwork.cluster;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.ToolFailedException;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A renderer for scheduling tests that writes small text files instead of running ffmpeg: a task's output is its job's
 * fingerprint and index (written to a temporary name and renamed, like the real one), the assembly concatenates them in
 * order and appends a line to {@code splices.log} beside the output, an independent count of splices. Attempts can be made
 * slow, failing or hung.
 */
final class FileChunkRenderer implements ChunkRenderer {

  private final Duration work;
  private final Map<Integer, AtomicInteger> failFirst = new ConcurrentHashMap<>();
  private final Map<Integer, Duration> slow = new ConcurrentHashMap<>();
  final AtomicInteger interrupted = new AtomicInteger();

  FileChunkRenderer(Duration work) {
    this.work = work;
  }

  /** Task {@code index} fails its first {@code times} attempts (in any worker using this renderer). */
  FileChunkRenderer failing(int index, int times) {
    failFirst.put(index, new AtomicInteger(times));
    return this;
  }

  /** Task {@code index} takes {@code d} instead of the usual time. */
  FileChunkRenderer slow(int index, Duration d) {
    slow.put(index, d);
    return this;
  }

  static String content(ChunkJob job, ChunkTask task) {
    return job.fingerprint() + " " + task.index() + "\n";
  }

  @Override
  public String name() {
    return "files";
  }

  @Override
  public boolean isComplete(ChunkJob job, ChunkTask task) {
    Path p = Path.of(task.output());
    try {
      return Files.isRegularFile(p) && Files.readString(p).equals(content(job, task));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void render(ChunkJob job, ChunkTask task, Duration timeLimit, PatchListener listener) {
    long deadline = System.nanoTime() + timeLimit.toNanos();
    Duration d = slow.getOrDefault(task.index(), work);
    try {
      long end = System.nanoTime() + d.toNanos();
      while (System.nanoTime() < end) {
        if (System.nanoTime() > deadline) throw new ToolFailedException("render timed out after " + timeLimit, -1, List.of("fake"), "");
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      interrupted.incrementAndGet();
      Thread.currentThread().interrupt();
      throw new CancelledException("interrupted");
    }
    AtomicInteger fails = failFirst.get(task.index());
    if (fails != null && fails.getAndDecrement() > 0) throw new ToolFailedException("simulated failure of task " + task.index(), 1, List.of("fake"), "boom");
    write(Path.of(task.output()), content(job, task));
  }

  @Override
  public void assemble(ChunkJob job, PatchListener listener) {
    if (isAssembled(job)) return;
    StringBuilder all = new StringBuilder();
    for (ChunkTask t : job.tasks()) {
      if (!isComplete(job, t)) throw new IllegalStateException("task " + t.index() + " is not complete");
      all.append(content(job, t));
    }
    Path out = Path.of(job.output());
    try {
      Files.writeString(out.resolveSibling("splices.log"), job.id() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(out, all.toString());
    write(sidecar(out), "sidecar\n");
  }

  @Override
  public boolean isAssembled(ChunkJob job) {
    Path out = Path.of(job.output());
    return Files.isRegularFile(out) && Files.isRegularFile(sidecar(out));
  }

  private static Path sidecar(Path out) {
    return out.resolveSibling(out.getFileName() + ".patchwork.toml");
  }

  private static void write(Path p, String text) {
    try {
      Files.createDirectories(p.getParent());
      Path temp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".part");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
