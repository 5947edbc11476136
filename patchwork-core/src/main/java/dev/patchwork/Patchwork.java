package dev.patchwork;

import dev.patchwork.change.Change;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.PlanOptions;
import dev.patchwork.plan.Planner;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.change.ChangeContext;
import dev.patchwork.spi.MediaProber;
import dev.patchwork.spi.PatchEngine;
import dev.patchwork.spi.PatchJob;
import dev.patchwork.spi.Renderer;
import dev.patchwork.sidecar.Sidecar;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The entry point: {@code Patchwork.forMaster(path)} returns an immutable, reusable configuration; every
 * {@code with…}/setter returns a new instance and validates its argument at once. Terminal operations
 * ({@link #plan}, {@link #facts}) read the master's sidecar or probe it.
 *
 * <pre>{@code
 * PatchPlan plan = Patchwork.forMaster(Path.of("master.mov"))
 *     .handles(2)
 *     .plan(List.of(Change.of(100, 50)));
 * }</pre>
 *
 * <p>Instances are thread-safe. The master file is only ever read.
 */
public final class Patchwork {

  private final Path master;
  private final Path sidecar; // null: the default beside the master
  private final PlanOptions options;
  private final PatchListener listener;
  private final Renderer renderer; // null until set
  private final MediaProber prober; // null: ServiceLoader
  private final PatchEngine engine; // null: ServiceLoader
  private final Path output; // null: <stem>.patched.<ext> beside the master
  private final boolean force;
  private final Clock clock;

  private Patchwork(Path master, Path sidecar, PlanOptions options, PatchListener listener, Renderer renderer, MediaProber prober,
      PatchEngine engine, Path output, boolean force, Clock clock) {
    this.master = master;
    this.sidecar = sidecar;
    this.options = options;
    this.listener = listener;
    this.renderer = renderer;
    this.prober = prober;
    this.engine = engine;
    this.output = output;
    this.force = force;
    this.clock = clock;
  }

  private Patchwork with(Path sidecar, PlanOptions options, PatchListener listener, Renderer renderer, MediaProber prober,
      PatchEngine engine, Path output, boolean force, Clock clock) {
    return new Patchwork(master, sidecar, options, listener, renderer, prober, engine, output, force, clock);
  }

  /**
   * Starts configuring work on {@code master}. The file is checked when a terminal operation runs, not here,
   * so a configuration can be prepared before the master exists.
   */
  public static Patchwork forMaster(Path master) {
    Objects.requireNonNull(master, "master");
    return new Patchwork(master.toAbsolutePath().normalize(), null, PlanOptions.DEFAULTS, PatchListener.NONE, null, null,
        null, null, false, Clock.systemUTC());
  }

  /** Uses {@code sidecar} instead of {@code <master file name>.patchwork.toml} beside the master. */
  public Patchwork withSidecar(Path sidecar) {
    Objects.requireNonNull(sidecar, "sidecar");
    return with(sidecar.toAbsolutePath().normalize(), options, listener, renderer, prober, engine, output, force, clock);
  }

  /** Extends every change by {@code handles} frames on each side (clamped to the master). */
  public Patchwork handles(int handles) {
    if (handles < 0) throw new IllegalArgumentException("handles < 0: " + handles);
    return withOptions(options.withHandles(handles));
  }

  /** Merges changes fewer than {@code mergeGap} frames apart. */
  public Patchwork mergeGap(int mergeGap) {
    if (mergeGap < 0) throw new IllegalArgumentException("mergeGap < 0: " + mergeGap);
    return withOptions(options.withMergeGap(mergeGap));
  }

  /** Segments shorter than {@code frames} are avoided (see {@link PlanOptions}). */
  public Patchwork minimumSegment(int frames) {
    if (frames < 0) throw new IllegalArgumentException("minimumSegment < 0: " + frames);
    return withOptions(options.withMinimumSegment(frames));
  }

  /** All planning options at once. */
  public Patchwork options(PlanOptions newOptions) {
    return withOptions(Objects.requireNonNull(newOptions, "options"));
  }

  /** Receives progress and events; see {@link PatchListener} for threading. */
  public Patchwork listener(PatchListener newListener) {
    Objects.requireNonNull(newListener, "listener");
    return with(sidecar, options, PatchListener.safe(newListener), renderer, prober, engine, output, force, clock);
  }

  /** Renders the changed segments. Required by {@code patch}. */
  public Patchwork renderer(Renderer newRenderer) {
    Objects.requireNonNull(newRenderer, "renderer");
    return with(sidecar, options, listener, newRenderer, prober, engine, output, force, clock);
  }

  /** Probes masters that have no sidecar; by default the first {@link MediaProber} found by {@link ServiceLoader}. */
  public Patchwork prober(MediaProber newProber) {
    Objects.requireNonNull(newProber, "prober");
    return with(sidecar, options, listener, renderer, newProber, engine, output, force, clock);
  }

  /** Splices and verifies; by default the first {@link PatchEngine} found by {@link ServiceLoader}. */
  public Patchwork engine(PatchEngine newEngine) {
    Objects.requireNonNull(newEngine, "engine");
    return with(sidecar, options, listener, renderer, prober, newEngine, output, force, clock);
  }

  /**
   * Where {@code patch} writes the new master (default {@code <name>.patched.<ext>} beside the master). It must
   * have the master's extension, must not be the master and must not exist; its sidecar goes beside it.
   */
  public Patchwork output(Path newOutput) {
    Objects.requireNonNull(newOutput, "output");
    return with(sidecar, options, listener, renderer, prober, engine, newOutput.toAbsolutePath().normalize(), force, clock);
  }

  /** Patch even if the master no longer matches its sidecar. */
  public Patchwork force(boolean newForce) {
    return with(sidecar, options, listener, renderer, prober, engine, output, newForce, clock);
  }

  /** The clock for history entries (tests inject a fixed one). */
  public Patchwork clock(Clock newClock) {
    Objects.requireNonNull(newClock, "clock");
    return with(sidecar, options, listener, renderer, prober, engine, output, force, newClock);
  }

  private Patchwork withOptions(PlanOptions newOptions) {
    return with(sidecar, newOptions, listener, renderer, prober, engine, output, force, clock);
  }

  public Path master() {
    return master;
  }

  /** The sidecar path in use: the one set, or {@code <master file name>.patchwork.toml} beside the master. */
  public Path sidecar() {
    return sidecar != null ? sidecar : SidecarPaths.defaultFor(master);
  }

  public PlanOptions options() {
    return options;
  }

  public PatchListener listener() {
    return listener;
  }

  public Optional<Renderer> renderer() {
    return Optional.ofNullable(renderer);
  }

  /**
   * The master's facts: from its sidecar when there is one, otherwise by probing the master.
   *
   * @throws ValidationException if the master is missing, or the sidecar is unreadable or invalid
   * @throws ToolNotFoundException if there is no sidecar and no {@link MediaProber} is available
   */
  public MasterFacts facts() {
    if (!Files.isRegularFile(master)) throw new ValidationException(master.toString(), "no such master file");
    Path sc = sidecar();
    if (Files.exists(sc)) return Sidecars.read(sc).masterFacts();
    if (sidecar != null) throw new ValidationException(sc.toString(), "no such sidecar file");
    return activeProber().probe(master);
  }

  /**
   * What is needed to read timecode ranges and marker files against this master: its rate, start timecode
   * (from the sidecar, which took it from the master's timecode track) and frame count.
   */
  public ChangeContext changeContext() {
    MasterFacts f = facts();
    return new ChangeContext(f.rate(), f.startTimecode(), f.frameCount());
  }

  /**
   * Plans a patch of {@code changes} (master frames from 0) against the master's facts.
   *
   * @throws ValidationException listing every change that lies outside the master
   */
  public PatchPlan plan(List<Change> changes) {
    Objects.requireNonNull(changes, "changes");
    PatchPlan plan = Planner.plan(facts(), List.copyOf(changes), options);
    listener.planned(plan);
    return plan;
  }

  /** The output path {@code patch} writes. */
  public Path output() {
    if (output != null) return output;
    String name = master.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String patched = dot > 0 ? name.substring(0, dot) + ".patched" + name.substring(dot) : name + ".patched";
    return master.resolveSibling(patched);
  }

  /**
   * Patches the master: plans {@code changes}, renders the RENDER segments with the {@link #renderer renderer},
   * splices and verifies with the {@link PatchEngine}, then publishes the output and its sidecar atomically.
   *
   * @throws IllegalStateException if no renderer is set
   * @throws ValidationException   for bad input: no sidecar (run {@code adopt}), no changes, changes outside the
   *                               master, an output that is the master, exists, or has another extension
   */
  public PatchResult patch(List<Change> changes) {
    Objects.requireNonNull(changes, "changes");
    if (renderer == null) throw new IllegalStateException("no renderer: call renderer(...) before patch(...)");
    if (!Files.isRegularFile(master)) throw new ValidationException(master.toString(), "no such master file");
    Path sc = sidecar();
    if (!Files.exists(sc)) {
      throw new ValidationException(sc.toString(), "the master has no sidecar; run 'patchwork adopt' on it first");
    }
    if (changes.isEmpty()) throw new ValidationException("changes", "nothing to patch: no changes given");
    Sidecar masterSidecar = Sidecars.read(sc);
    PatchPlan plan = Planner.plan(masterSidecar.masterFacts(), List.copyOf(changes), options);
    Path out = output();
    Path outSidecar = SidecarPaths.defaultFor(out);
    checkOutput(out, outSidecar);
    listener.planned(plan);
    PatchJob job = new PatchJob(master, masterSidecar, plan, changes, renderer, out, outSidecar, force, listener, clock);
    return activeEngine().patch(job);
  }

  /**
   * {@link #patch} on a new thread. Cancelling the future ({@code cancel(true)}) interrupts the patch, which stops
   * ffmpeg, removes temporary files and completes the future exceptionally with a {@link CancelledException}.
   */
  public CompletableFuture<PatchResult> patchAsync(List<Change> changes) {
    List<Change> copy = List.copyOf(changes);
    CompletableFuture<PatchResult> future = new CompletableFuture<>() {
      private volatile Thread runner;

      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Thread t = runner;
        if (cancelled && t != null) t.interrupt();
        return cancelled;
      }

      {
        Thread t = new Thread(() -> {
          try {
            complete(patch(copy));
          } catch (Throwable e) {
            completeExceptionally(e);
          }
        }, "patchwork-patch-" + master.getFileName());
        runner = t;
        t.start();
      }
    };
    return future;
  }

  private void checkOutput(Path out, Path outSidecar) {
    List<ValidationException.Problem> problems = new ArrayList<>();
    String ext = extension(master);
    if (!ext.equalsIgnoreCase(extension(out))) {
      problems.add(new ValidationException.Problem(out.toString(),
          "the output must keep the master's container: extension '." + ext + "', not '." + extension(out) + "'"));
    }
    if (sameFile(out, master)) {
      problems.add(new ValidationException.Problem(out.toString(), "the output is the master itself; the master is never modified"));
    } else if (Files.exists(out)) {
      problems.add(new ValidationException.Problem(out.toString(), "the output already exists; choose another name or remove it"));
    }
    if (Files.exists(outSidecar) && !sameFile(out, master)) {
      problems.add(new ValidationException.Problem(outSidecar.toString(), "the output's sidecar already exists"));
    }
    Path parent = out.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      problems.add(new ValidationException.Problem(out.toString(), "the output's directory does not exist"));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "" : n.substring(dot + 1);
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      if (Files.exists(a) && Files.exists(b)) return Files.isSameFile(a, b);
      Path ra = a.getParent() != null && Files.isDirectory(a.getParent()) ? a.getParent().toRealPath().resolve(a.getFileName()) : a;
      Path rb = b.getParent() != null && Files.isDirectory(b.getParent()) ? b.getParent().toRealPath().resolve(b.getFileName()) : b;
      return ra.equals(rb);
    } catch (java.io.IOException e) {
      return a.equals(b);
    }
  }

  private PatchEngine activeEngine() {
    if (engine != null) return engine;
    return ServiceLoader.load(PatchEngine.class).findFirst()
        .orElseThrow(() -> new ToolNotFoundException("no patch engine available: add patchwork-ffmpeg to the class path"));
  }

  private MediaProber activeProber() {
    if (prober != null) return prober;
    return ServiceLoader.load(MediaProber.class).findFirst()
        .orElseThrow(() -> new ToolNotFoundException(
            "no media prober available to read " + master.getFileName() + ": add patchwork-ffmpeg to the class path or write a sidecar"));
  }

  @Override
  public String toString() {
    return "Patchwork[master=" + master + ", sidecar=" + sidecar() + ", options=" + options
        + ", renderer=" + (renderer == null ? "none" : renderer.name()) + "]";
  }
}
