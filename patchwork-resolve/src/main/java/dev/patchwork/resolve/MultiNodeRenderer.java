package dev.patchwork.resolve;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.FfprobeProber;
import dev.patchwork.ffmpeg.MediaProbe;
import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.resolve.ResolveUnavailableException.Reason;
import dev.patchwork.resolve.internal.FfmpegSteps;
import dev.patchwork.resolve.internal.Formats;
import dev.patchwork.resolve.internal.MasterSidecar;
import dev.patchwork.resolve.internal.RenderSession;
import dev.patchwork.resolve.internal.WorkFiles;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.time.FrameRange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first render of a timeline split across several Resolve nodes ({@code patchwork resolve render --nodes …}).
 *
 * <p>Resolve's API cannot send a job to a remote render node, so this does what a script can: it connects to each
 * node's Resolve ({@code scriptapp("Resolve", ip)}; external scripting set to Network there), opens the same project
 * and timeline on it, and renders a chunk of the timeline there with {@code MarkIn}/{@code MarkOut}. The nodes must see
 * the same media and write to a folder this machine can read: the chunks go to a hidden folder beside the output, so
 * the output's folder must be shared storage mounted at the same path everywhere.
 *
 * <ol>
 *   <li>The project and timeline are the ones given, else the ones open in the local Resolve. Every node is connected
 *       and checked (same frame count and rate); nodes that cannot be reached or lack the project are left out, with a
 *       message; with none left the render fails.
 *   <li>The timeline is split into chunks that start on GOP boundaries ({@link ChunkPlan}: multiples of
 *       {@link #withGop gop} frames, about {@link #withChunkDuration} long). Each node takes the next chunk; a chunk that
 *       fails is given to another node that has not failed it, and a node that fails twice in a row or whose
 *       connection breaks takes no more. A chunk that failed on every remaining node fails the render.
 *   <li>Every chunk is counted (its frames) and probed: all must have the same codec parameters, and a long-GOP chunk
 *       must start with a closed random-access point. Then they are joined by stream copy (ffmpeg's concat demuxer) —
 *       losslessly: intra-only chunks are independent by nature, closed-GOP chunks decode on their own — with the
 *       timeline's start timecode. The joined file must have the timeline's frame count; then it is published with its
 *       sidecar as {@link ResolveMasterRenderer} does.
 * </ol>
 * Each node's render settings are restored after each chunk. Immutable; {@link #render} may be called from any thread.
 */
public final class MultiNodeRenderer {

  private static final Logger log = LoggerFactory.getLogger(MultiNodeRenderer.class);

  /** The default chunk length. */
  public static final Duration DEFAULT_CHUNK_DURATION = Duration.ofSeconds(60);

  private final ResolveConnector connector;
  private final List<String> nodes;
  private final FfmpegTools tools;
  private final String project; // null: the local Resolve's
  private final String timeline; // null: the local Resolve's
  private final String preset;
  private final RenderFormat format;
  private final int gop; // 0: the timeline's whole frames per second
  private final Duration chunkDuration;
  private final boolean markOutInclusive;
  private final Duration pollInterval;
  private final Duration renderTimeout;

  private MultiNodeRenderer(ResolveConnector connector, List<String> nodes, FfmpegTools tools, String project, String timeline,
      String preset, RenderFormat format, int gop, Duration chunkDuration, boolean markOutInclusive, Duration pollInterval,
      Duration renderTimeout) {
    this.connector = connector;
    this.nodes = List.copyOf(nodes);
    this.tools = tools;
    this.project = project;
    this.timeline = timeline;
    this.preset = preset;
    this.format = format;
    this.gop = gop;
    this.chunkDuration = chunkDuration;
    this.markOutInclusive = markOutInclusive;
    this.pollInterval = pollInterval;
    this.renderTimeout = renderTimeout;
  }

  /**
   * Renders on the Resolve nodes at {@code nodes} (IP addresses or host names), reached through {@code connector}.
   *
   * @throws IllegalArgumentException if there are no nodes or one is blank or listed twice
   */
  public static MultiNodeRenderer of(ResolveConnector connector, List<String> nodes, FfmpegTools tools) {
    Objects.requireNonNull(connector, "connector");
    Objects.requireNonNull(nodes, "nodes");
    Objects.requireNonNull(tools, "tools");
    if (nodes.isEmpty()) throw new IllegalArgumentException("no Resolve nodes given");
    Set<String> seen = new LinkedHashSet<>();
    for (String n : nodes) {
      if (n == null || n.isBlank()) throw new IllegalArgumentException("a node address is blank: " + nodes);
      if (!seen.add(n.strip())) throw new IllegalArgumentException("the node " + n.strip() + " is listed twice");
    }
    return new MultiNodeRenderer(connector, List.copyOf(seen), tools, null, null, null, null, 0, DEFAULT_CHUNK_DURATION,
        ResolveRenderer.MARK_OUT_INCLUSIVE, ResolveRenderer.DEFAULT_POLL_INTERVAL, Duration.ofHours(24));
  }

  /** Renders the project {@code name} (default: the one open in the local Resolve). */
  public MultiNodeRenderer withProject(String name) {
    return new MultiNodeRenderer(connector, nodes, tools, text(name, "project"), timeline, preset, format, gop, chunkDuration,
        markOutInclusive, pollInterval, renderTimeout);
  }

  /** Renders the timeline {@code name} (default: the one open in the local Resolve). */
  public MultiNodeRenderer withTimeline(String name) {
    return new MultiNodeRenderer(connector, nodes, tools, project, text(name, "timeline"), preset, format, gop, chunkDuration,
        markOutInclusive, pollInterval, renderTimeout);
  }

  /** Loads the render preset {@code name} on every node before each chunk. */
  public MultiNodeRenderer withPreset(String name) {
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, text(name, "preset"), format, gop, chunkDuration,
        markOutInclusive, pollInterval, renderTimeout);
  }

  /** Renders in {@code newFormat} (default: the preset's, else the local Resolve's current format, else each node's). */
  public MultiNodeRenderer withFormat(RenderFormat newFormat) {
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, Objects.requireNonNull(newFormat, "format"), gop,
        chunkDuration, markOutInclusive, pollInterval, renderTimeout);
  }

  /** Chunks start on multiples of {@code frames} (the render's GOP length; default: the timeline's frames per second). */
  public MultiNodeRenderer withGop(int frames) {
    if (frames <= 0) throw new IllegalArgumentException("gop must be positive: " + frames);
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, format, frames, chunkDuration, markOutInclusive,
        pollInterval, renderTimeout);
  }

  /** Chunks of about {@code length} each. */
  public MultiNodeRenderer withChunkDuration(Duration length) {
    Objects.requireNonNull(length, "length");
    if (length.isNegative() || length.isZero()) throw new IllegalArgumentException("chunk duration must be positive: " + length);
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, format, gop, length, markOutInclusive,
        pollInterval, renderTimeout);
  }

  /** Whether {@code MarkOut} is the last frame rendered (see {@link ResolveRenderer#MARK_OUT_INCLUSIVE}). */
  public MultiNodeRenderer withMarkOutInclusive(boolean inclusive) {
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, format, gop, chunkDuration, inclusive,
        pollInterval, renderTimeout);
  }

  /** Time between status polls. */
  public MultiNodeRenderer withPollInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("pollInterval must be positive: " + interval);
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, format, gop, chunkDuration, markOutInclusive,
        interval, renderTimeout);
  }

  /** The longest one chunk may render. */
  public MultiNodeRenderer withRenderTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("renderTimeout must be positive: " + timeout);
    return new MultiNodeRenderer(connector, nodes, tools, project, timeline, preset, format, gop, chunkDuration, markOutInclusive,
        pollInterval, timeout);
  }

  public List<String> nodes() {
    return nodes;
  }

  /**
   * Renders the timeline across the nodes to {@code output} and writes its sidecar beside it.
   *
   * @throws dev.patchwork.ValidationException if the output or its sidecar exists or its extension is not the format's
   * @throws ResolveUnavailableException       if no node can render
   * @throws ResolveException                  if a chunk failed on every node, or the chunks do not join into the timeline
   * @throws CancelledException                if interrupted; every node's render is stopped and nothing remains
   */
  public ResolveMaster render(Path output, PatchListener listener) {
    Objects.requireNonNull(output, "output");
    PatchListener l = serialized(PatchListener.safe(Objects.requireNonNull(listener, "listener")));
    Path out = output.toAbsolutePath().normalize();
    MasterSidecar.checkOutput(out);
    long t0 = System.nanoTime();
    Reference ref = reference();
    List<Node> usable = new ArrayList<>();
    try (WorkFiles work = WorkFiles.beside(out, ".resolve-render-")) {
      Map<String, String> refused = new LinkedHashMap<>();
      for (String host : nodes) {
        try {
          usable.add(prepare(host, ref));
        } catch (RuntimeException e) {
          refused.put(host, e.getMessage());
          l.message("node " + host + " left out: " + e.getMessage());
        }
      }
      if (usable.isEmpty()) {
        throw new ResolveUnavailableException(Reason.NOT_RUNNING, "none of the Resolve nodes can render: " + describe(refused));
      }
      TimelineInfo tl = usable.get(0).timeline;
      int g = gop > 0 ? gop : tl.rate().timecodeBase();
      ChunkPlan plan = ChunkPlan.of(tl.frameCount(), tl.rate(), g, chunkDuration);
      l.message(String.format(Locale.ROOT, "rendering the timeline '%s' (%d frames) in %d chunks on %d node(s): %s", tl.name(),
          tl.frameCount(), plan.chunks().size(), usable.size(), String.join(", ", usable.stream().map(n -> n.host).toList())));
      Farm farm = new Farm(plan, usable, work, out, ref.format(), l);
      List<Path> parts = farm.run();
      RenderFormat used = farm.format();
      checkChunks(parts);
      Path joined = work.file("joined." + Formats.extensionOf(out));
      boolean audio = FfmpegSteps.audioStreams(tools, parts.get(0)) > 0;
      String ext = Formats.extensionOf(out).toLowerCase(Locale.ROOT);
      String timecode = ext.equals("mov") || ext.equals("mxf") ? tl.startTimecode().toString() : null;
      l.message("joining " + parts.size() + " chunks");
      FfmpegSteps.concat(tools, parts, work.file("chunks.ffconcat"), joined, FfmpegSteps.muxerFor(ext), timecode, audio,
          frames -> l.progress(null, frames, tl.frameCount()));
      long frames = FfmpegSteps.videoFrames(tools, joined);
      if (frames != tl.frameCount()) {
        throw new ResolveException(ResolveException.RENDER, "the joined chunks have " + frames + " frames; the timeline '" + tl.name()
            + "' has " + tl.frameCount());
      }
      Sidecar sidecar = MasterSidecar.describe(tools, joined, out, tl, ref.project, preset, used, usable.get(0).resolve.version(), l);
      Path sidecarPath = MasterSidecar.publish(work, joined, out, sidecar);
      return new ResolveMaster(out, sidecarPath, sidecar, used, Duration.ofNanos(System.nanoTime() - t0));
    } finally {
      for (Node n : usable) n.resolve.close();
    }
  }

  // --- preparation ----------------------------------------------------------------------------------------------

  private record Reference(String project, String timeline, RenderFormat format) {}

  /** The project, timeline and format to render: as given, else from the local Resolve. */
  private Reference reference() {
    if (project != null && timeline != null) return new Reference(project, timeline, format);
    try (Resolve local = connector.connect()) {
      String p = project != null ? project : local.projectName();
      String t = timeline != null ? timeline : local.timeline().name();
      RenderFormat f = format != null || preset != null ? format : local.currentRenderFormat();
      return new Reference(p, t, f);
    } catch (ResolveUnavailableException e) {
      throw new ResolveUnavailableException(e.reason(), "cannot learn which project and timeline to render from the local Resolve ("
          + e.getMessage() + "); name them with --project and --timeline", e);
    }
  }

  private static final class Node {
    final String host;
    final Resolve resolve;
    final TimelineInfo timeline;
    int failuresInARow;

    Node(String host, Resolve resolve, TimelineInfo timeline) {
      this.host = host;
      this.resolve = resolve;
      this.timeline = timeline;
    }
  }

  private Node prepare(String host, Reference ref) {
    Resolve r = connector.connect(host);
    try {
      if (!r.projectName().equals(ref.project) && !r.loadProject(ref.project)) {
        throw new ResolveException("no_project", "it has no project '" + ref.project + "'");
      }
      TimelineInfo tl = r.timeline();
      if (!tl.name().equals(ref.timeline)) {
        r.selectTimeline(ref.timeline);
        tl = r.timeline();
      }
      tl.changeContext();
      return new Node(host, r, tl);
    } catch (RuntimeException e) {
      r.close();
      throw e;
    }
  }

  // --- the farm ---------------------------------------------------------------------------------------------------

  private static final class Chunk {
    final int index;
    final FrameRange range;
    final Set<String> failedOn = new LinkedHashSet<>();
    final Map<String, String> errors = new LinkedHashMap<>();
    Path file;

    Chunk(int index, FrameRange range) {
      this.index = index;
      this.range = range;
    }

    String describe() {
      return "chunk " + (index + 1) + " (frames " + range.start() + "-" + range.lastFrame() + ")";
    }
  }

  /** Hands chunks to node workers, retries failed ones elsewhere, and collects the files. */
  private final class Farm {
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Chunk> pending = new ArrayList<>();
    private final Set<String> live = new LinkedHashSet<>();
    /** Nodes that take no more chunks, with why. */
    private final Map<String, String> retired = new LinkedHashMap<>();
    private final List<Node> nodeList;
    private final WorkFiles work;
    private final Path out;
    private final PatchListener listener;
    private final RenderFormat wanted; // null: each node's preset or current format
    private final Map<Integer, Long> partial = new LinkedHashMap<>();
    private final long totalFrames;
    private RuntimeException fatal;
    private int remaining;
    private long framesDone;
    private RenderFormat used;

    Farm(ChunkPlan plan, List<Node> nodeList, WorkFiles work, Path out, RenderFormat wanted, PatchListener listener) {
      this.wanted = wanted;
      for (FrameRange r : plan.chunks()) chunks.add(new Chunk(chunks.size(), r));
      pending.addAll(chunks);
      this.nodeList = nodeList;
      for (Node n : nodeList) live.add(n.host);
      this.work = work;
      this.out = out;
      this.listener = listener;
      this.remaining = chunks.size();
      this.totalFrames = plan.frameCount();
    }

    synchronized RenderFormat format() {
      return used;
    }

    List<Path> run() {
      List<Thread> threads = new ArrayList<>();
      for (Node n : nodeList) {
        Thread t = new Thread(() -> work(n), "patchwork-resolve-node-" + n.host);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      try {
        for (Thread t : threads) t.join();
      } catch (InterruptedException e) {
        synchronized (this) {
          if (fatal == null) fatal = new CancelledException("the multi-node render was interrupted; every node's render was stopped");
          notifyAll();
        }
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
          try {
            t.join(30_000);
          } catch (InterruptedException again) {
            break;
          }
        }
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        if (fatal != null) throw fatal;
        if (remaining > 0) throw new ResolveException(ResolveException.RENDER, remaining + " chunks were not rendered");
        List<Path> files = new ArrayList<>();
        for (Chunk c : chunks) files.add(c.file);
        return files;
      }
    }

    private void work(Node node) {
      try {
        while (true) {
          Chunk c = next(node);
          if (c == null) return;
          try {
            Path file = renderChunk(node, c);
            done(node, c, file);
          } catch (CancelledException e) {
            failed(node, c, e, true);
            return;
          } catch (RuntimeException e) {
            boolean lost = e instanceof ResolveUnavailableException
                || e instanceof ResolveException r && (r.kind().equals(ResolveException.BRIDGE) || r.kind().equals(ResolveException.TIMEOUT));
            if (failed(node, c, e, lost)) return;
          }
        }
      } finally {
        synchronized (this) {
          live.remove(node.host);
          checkStuck();
          notifyAll();
        }
      }
    }

    /** The next chunk this node has not failed, waiting while others are in flight; null when there is nothing for it. */
    private synchronized Chunk next(Node node) {
      while (true) {
        if (fatal != null || remaining == 0) return null;
        for (Chunk c : pending) {
          if (!c.failedOn.contains(node.host)) {
            pending.remove(c);
            return c;
          }
        }
        try {
          wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        }
      }
    }

    private Path renderChunk(Node node, Chunk c) {
      long markIn = node.timeline.absoluteFrame(c.range.start());
      long markOut = markIn + c.range.frames() - (markOutInclusive ? 1 : 0);
      String name = String.format(Locale.ROOT, "chunk-%04d-%s", c.index, node.host.replaceAll("[^A-Za-z0-9.-]", "_"));
      Map<String, String> formats = node.resolve.renderFormats();
      RenderSession.Spec spec = new RenderSession.Spec(Optional.ofNullable(preset), Optional.ofNullable(wanted), markIn, markOut, false,
          work.dir(), name, true, f -> checkFormat(f, formats), pollInterval, renderTimeout);
      RenderSession.Result r = RenderSession.render(node.resolve, spec, percent -> progress(c, percent * c.range.frames() / 100));
      long frames = FfmpegSteps.videoFrames(tools, r.file());
      if (frames != c.range.frames()) {
        throw new ResolveException(ResolveException.RENDER, "rendered " + frames + " frames for " + c.describe() + " ("
            + c.range.frames() + " expected; MarkOut sent as " + (markOutInclusive ? "inclusive" : "exclusive") + ")");
      }
      synchronized (this) {
        if (used == null) used = r.format();
        else if (!used.equals(r.format())) {
          throw new ResolveException(ResolveException.RENDER, "rendered " + c.describe() + " as " + r.format() + " but other chunks as "
              + used + "; the nodes' render presets differ");
        }
      }
      log.debug("{} rendered on {} in {}", c.describe(), node.host, r.elapsed());
      return r.file();
    }

    private void checkFormat(RenderFormat f, Map<String, String> formats) {
      String want = Formats.extension(formats, f.format()).orElse("");
      if (!want.equalsIgnoreCase(Formats.extensionOf(out))) {
        throw new dev.patchwork.ValidationException(out.toString(), "the nodes render " + f + " as ." + want.toLowerCase(Locale.ROOT)
            + " files; name the output ." + want.toLowerCase(Locale.ROOT) + " or choose another render format");
      }
    }

    private synchronized void progress(Chunk c, long frames) {
      partial.put(c.index, frames);
      long sum = framesDone;
      for (long v : partial.values()) sum += v;
      listener.progress(null, Math.min(sum, totalFrames), totalFrames);
    }

    private synchronized void done(Node node, Chunk c, Path file) {
      c.file = file;
      remaining--;
      partial.remove(c.index);
      framesDone += c.range.frames();
      node.failuresInARow = 0;
      listener.message(c.describe() + " rendered on " + node.host);
      listener.progress(null, framesDone, totalFrames);
      notifyAll();
    }

    /** Records a failure; true if the node takes no more chunks. */
    private synchronized boolean failed(Node node, Chunk c, RuntimeException e, boolean nodeLost) {
      partial.remove(c.index);
      if (e instanceof dev.patchwork.ValidationException || e instanceof UnsupportedMasterException) {
        if (fatal == null) fatal = e; // the same on every node: no point retrying
        notifyAll();
        return true;
      }
      c.failedOn.add(node.host);
      c.errors.put(node.host, e.getMessage());
      pending.add(0, c);
      node.failuresInARow++;
      boolean retire = nodeLost || node.failuresInARow >= 2;
      listener.message(c.describe() + " failed on " + node.host + ": " + e.getMessage()
          + (retire ? "; " + node.host + " takes no more chunks" : "; trying another node"));
      if (retire) {
        live.remove(node.host);
        retired.put(node.host, e.getMessage());
      }
      checkStuck();
      notifyAll();
      return retire;
    }

    /** Fails the render when a pending chunk has no live node left that has not failed it. */
    private void checkStuck() {
      if (fatal != null) return;
      for (Chunk c : pending) {
        if (live.stream().allMatch(c.failedOn::contains)) {
          Map<String, String> why = new LinkedHashMap<>(c.errors);
          retired.forEach((host, error) -> why.putIfAbsent(host, "takes no more chunks after: " + error));
          for (Node n : nodeList) why.putIfAbsent(n.host, "stopped");
          fatal = new ResolveException(ResolveException.RENDER, c.describe() + " could not be rendered on any node: " + describe(why));
          return;
        }
      }
    }
  }

  // --- checks and helpers -------------------------------------------------------------------------------------------

  /** All chunks must share their codec parameters, and a long-GOP chunk must start with a closed random-access point. */
  private void checkChunks(List<Path> parts) {
    FfprobeProber prober = new FfprobeProber(tools);
    String extradata = null;
    String codec = null;
    for (Path p : parts) {
      MediaProbe probe = prober.probeMedia(p);
      String c = probe.video().codecName() + " " + probe.video().profile() + " " + probe.video().pixFmt() + " " + probe.video().width()
          + "x" + probe.video().height();
      String x = FfmpegSteps.extradata(tools, p);
      if (codec == null) {
        codec = c;
        extradata = x;
      } else if (!codec.equals(c) || !extradata.equals(x)) {
        throw new ResolveException(ResolveException.RENDER, "the chunk " + p.getFileName() + " is " + c + " with other codec parameters"
            + " than the first chunk (" + codec + "); the nodes' render settings differ, so the chunks cannot be joined losslessly");
      }
      if (!probe.intraOnly() && (probe.accessPoints().isEmpty() || !probe.accessPoints().get(0).isClosed())) {
        throw new ResolveException(ResolveException.RENDER, "the chunk " + p.getFileName() + " does not start with a closed random-access"
            + " point, so it cannot be joined without re-encoding; render in an intra codec (ProRes, DNxHR) or with closed GOPs");
      }
    }
  }

  private static PatchListener serialized(PatchListener l) {
    return new PatchListener() {
      @Override
      public synchronized void progress(Segment segment, long done, long total) {
        l.progress(segment, done, total);
      }

      @Override
      public synchronized void message(String text) {
        l.message(text);
      }
    };
  }

  private static String describe(Map<String, String> errors) {
    List<String> parts = new ArrayList<>();
    errors.forEach((k, v) -> parts.add(k + ": " + v));
    return String.join("; ", parts);
  }

  private static String text(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isBlank()) throw new IllegalArgumentException(what + " is blank");
    return s;
  }
}
