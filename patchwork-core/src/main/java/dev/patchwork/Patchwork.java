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
import dev.patchwork.spi.Renderer;
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

  private Patchwork(Path master, Path sidecar, PlanOptions options, PatchListener listener, Renderer renderer, MediaProber prober) {
    this.master = master;
    this.sidecar = sidecar;
    this.options = options;
    this.listener = listener;
    this.renderer = renderer;
    this.prober = prober;
  }

  /**
   * Starts configuring work on {@code master}. The file is checked when a terminal operation runs, not here,
   * so a configuration can be prepared before the master exists.
   */
  public static Patchwork forMaster(Path master) {
    Objects.requireNonNull(master, "master");
    return new Patchwork(master.toAbsolutePath().normalize(), null, PlanOptions.DEFAULTS, PatchListener.NONE, null, null);
  }

  /** Uses {@code sidecar} instead of {@code <master file name>.patchwork.toml} beside the master. */
  public Patchwork withSidecar(Path sidecar) {
    Objects.requireNonNull(sidecar, "sidecar");
    return new Patchwork(master, sidecar.toAbsolutePath().normalize(), options, listener, renderer, prober);
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
    return new Patchwork(master, sidecar, options, PatchListener.safe(newListener), renderer, prober);
  }

  /** Renders the changed segments. Required by {@code patch}. */
  public Patchwork renderer(Renderer newRenderer) {
    Objects.requireNonNull(newRenderer, "renderer");
    return new Patchwork(master, sidecar, options, listener, newRenderer, prober);
  }

  /** Probes masters that have no sidecar; by default the first {@link MediaProber} found by {@link ServiceLoader}. */
  public Patchwork prober(MediaProber newProber) {
    Objects.requireNonNull(newProber, "prober");
    return new Patchwork(master, sidecar, options, listener, renderer, newProber);
  }

  private Patchwork withOptions(PlanOptions newOptions) {
    return new Patchwork(master, sidecar, newOptions, listener, renderer, prober);
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
