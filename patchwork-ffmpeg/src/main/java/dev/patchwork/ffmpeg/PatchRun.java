package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.VerificationException;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.HistoryEntry;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.PatchJob;
import dev.patchwork.spi.Renderer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of {@link FfmpegPatchEngine#patch}: the steps in its class documentation, in order. */
final class PatchRun {

  private static final Logger log = LoggerFactory.getLogger(PatchRun.class);
  /** Free space wanted beyond the size of the master. */
  private static final long SPACE_MARGIN = 64L << 20;

  private final FfmpegTools tools;
  private final PatchJob job;
  private final PatchPlan plan;
  private final PatchListener listener;
  private boolean masterMismatch;

  PatchRun(FfmpegTools tools, PatchJob job) {
    this.tools = tools;
    this.job = job;
    this.plan = job.plan();
    this.listener = PatchListener.safe(job.listener());
  }

  PatchResult run() {
    long started = System.nanoTime();
    PhaseTimes phases = new PhaseTimes();
    phases.time(PatchResult.Phase.CHECK, () -> {
      checkOutput();
      checkMaster();
    });
    cancelPoint();
    listener.message("probing " + job.master().getFileName());
    long t = System.nanoTime();
    FfprobeProber.Probed probed = new FfprobeProber(tools).probe(job.master(), true);
    MediaProbe master = probed.media();
    SpliceContainer container = SpliceContainer.of(job.master(), master.formatName());
    checkProbeAgainstSidecar(master);
    MasterTimeline timeline = new MasterTimeline(master);
    timeline.checkPlan(plan, container);
    phases.add(PatchResult.Phase.PROBE, t, System.nanoTime());
    phases.time(PatchResult.Phase.CHECK, () -> checkDiskSpace(timeline));

    try (Workspace ws = Workspace.besides(job.output()); Background background = new Background()) {
      // the master's side of the seam check needs no output: it decodes while the segments render (measured: x264
      // leaves about one of two cores idle on a GOP; run during the splice instead, it saved no more)
      OutputVerifier verifier = new OutputVerifier(tools, probed, job.sidecar(), plan, listener);
      List<OutputVerifier.Window> windows = verifier.windows();
      Future<List<OutputVerifier.Decode>> reference = background.submit(
          () -> phases.time(PatchResult.Phase.VERIFY, () -> verifier.referenceDecodes(windows)));
      // and so can the master's side of the check whether the rendered audio is the master's own
      List<SameAudio.Span> audioSpans = SameAudio.comparable(master)
          ? SameAudio.spans(plan.renderSegments(), master, AudioLength.samples(probed.audio().get(0), master.audioStreams().get(0)),
              AudioLength.Start.of(probed.audio().get(0), master))
          : List.of();
      Future<List<String>> masterAudio = background.submit(() -> phases.time(PatchResult.Phase.RENDER,
          () -> audioSpans.stream().map(a -> SameAudio.master(tools, master, probed.audio().get(0), a)).toList()));

      String ext = extension(job.master());
      Map<Segment, RenderedSegment> rendered = new LinkedHashMap<>();
      Map<Segment, Duration> renderTimes = new HashMap<>();
      int n = 0;
      for (Segment s : plan.renderSegments()) {
        cancelPoint();
        Path file = ws.file("render-" + n + ".mkv");
        listener.segmentStarted(s);
        t = System.nanoTime();
        job.renderer().render(new Renderer.Request(job.master(), job.sidecar(), s, file, listener, timeline.slotsBefore(s)));
        renderTimes.put(s, Duration.ofNanos(System.nanoTime() - t));
        listener.segmentFinished(s);
        cancelPoint();
        if (!Files.isRegularFile(file)) {
          throw new PatchworkException("the renderer '" + job.renderer().name() + "' wrote no file for " + s);
        }
        rendered.put(s, RenderedSegment.prepare(tools, probed, container, s, file, ws.file("segment-" + n + "." + ext)));
        phases.add(PatchResult.Phase.RENDER, t, System.nanoTime());
        n++;
      }
      t = System.nanoTime();
      keepMastersOwnAudio(master, rendered, audioSpans, Background.get(masterAudio));
      phases.add(PatchResult.Phase.RENDER, t, System.nanoTime());
      if (master.audioStreams().size() > 1 && rendered.values().stream().anyMatch(RenderedSegment::hasAudio)) {
        String note = "only the master's first audio track takes the new audio; its other " + (master.audioStreams().size() - 1)
            + " audio track(s) keep the master's sound in the changed frames too";
        log.warn(note);
        listener.message(note);
      }

      cancelPoint();
      listener.message("splicing");
      Path temp = ws.file("output." + ext);
      AudioLength.Totals firstAudio = probed.audio().isEmpty() ? null : probed.audio().get(0);
      Splicer.Output spliced = phases.time(PatchResult.Phase.SPLICE,
          () -> new Splicer(tools, timeline, container, ws, firstAudio, probed.videoExtradata()).splice(plan, rendered, temp, listener));

      cancelPoint();
      listener.message("verifying the output");
      t = System.nanoTime();
      // the seams decode while the output is probed and hashed
      Future<List<OutputVerifier.Decode>> decodes = background.submit(() -> verifier.outputDecodes(temp, windows));
      FfprobeProber.Probed out;
      try {
        out = new FfprobeProber(tools).probe(temp, true);
      } catch (ValidationException | UnsupportedMasterException e) {
        throw new VerificationException("the patched output failed verification; nothing was published",
            List.of("probing the output: " + e.getMessage()));
      }
      List<String> findings = new ArrayList<>();
      if (!verifier.checkStream(out, findings)) {
        throw new VerificationException("the patched output failed verification; nothing was published", findings);
      }
      // the output's content index (its hashes, and the kept GOPs' evidence) is read while its seams decode (3 workers)
      Future<ContentIndexer.Indexed> indexing = background.submit(
          () -> phases.time(PatchResult.Phase.INDEX, () -> ContentIndexer.index(out.media(), runStarts())));
      verifier.checkRenderedPackets(out.media(), spliced.rendered(), findings);
      listener.message("verifying seams");
      OutputVerifier.SeamCounts seams = verifier.checkSeams(windows, Background.get(decodes), Background.get(reference), findings);
      ContentIndexer.Indexed indexed = Background.get(indexing);
      long kept = verifier.checkKeptGops(indexed.index().regions(), spliced.bridgedFrames(), job.force(), findings);
      phases.add(PatchResult.Phase.VERIFY, t, System.nanoTime());
      if (!findings.isEmpty()) {
        throw new VerificationException("the patched output failed verification; nothing was published", findings);
      }
      PatchResult.Verification verification = new PatchResult.Verification(out.media().frameCount(), kept, seams.decoded(),
          seams.matched());

      cancelPoint();
      phases.time(PatchResult.Phase.PUBLISH, () -> publish(temp, outputSidecar(indexed)));
      listener.message("published " + job.output().getFileName());
      return new PatchResult(job.output(), job.outputSidecar(), plan, stats(out.media(), renderTimes), verification,
          Duration.ofNanos(System.nanoTime() - started), phases.list());
    }
  }

  /**
   * Drops the audio of rendered segments that bring exactly the master's own samples (a picture-only change), so that
   * the splice copies the master's audio instead of assembling it again; where every segment's audio is the master's,
   * the audio streams are copied bit for bit.
   */
  private void keepMastersOwnAudio(MediaProbe master, Map<Segment, RenderedSegment> rendered, List<SameAudio.Span> spans, List<String> masterHashes) {
    for (int i = 0; i < spans.size(); i++) {
      SameAudio.Span span = spans.get(i);
      RenderedSegment r = rendered.get(span.segment());
      if (!r.hasAudio()) continue;
      boolean same = span.count() == 0
          || SameAudio.rendered(tools, master, r.rendered(), span).equals(masterHashes.get(i));
      if (same) {
        log.debug("the audio rendered for {} is the master's own; the master's audio is kept there", span.segment());
        rendered.put(span.segment(), r.withoutAudio());
      }
    }
  }

  /**
   * Work that runs beside the patch's own thread (the master's reference decodes, hashing the output). Closing it
   * interrupts what still runs (stopping its ffmpeg) and waits for it, so nothing outlives the patch.
   */
  private static final class Background implements AutoCloseable {
    private final ExecutorService executor = Executors.newFixedThreadPool(3, r -> {
      Thread thread = new Thread(r, "patchwork-patch-background");
      thread.setDaemon(true);
      return thread;
    });

    <T> Future<T> submit(Callable<T> task) {
      return executor.submit(task);
    }

    /** The task's result; its exception rethrown as it was thrown. */
    static <T> T get(Future<T> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancelledException("the patch was cancelled");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) throw re;
        if (cause instanceof Error er) throw er;
        throw new PatchworkException(String.valueOf(cause.getMessage()), cause);
      }
    }

    @Override
    public void close() {
      executor.shutdownNow();
      boolean interrupted = Thread.interrupted();
      try {
        while (true) {
          try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) log.warn("background work of the patch did not stop within 30 s");
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        if (interrupted) Thread.currentThread().interrupt();
      }
    }
  }

  // --- checks ----------------------------------------------------------------------------------------------

  private void checkOutput() {
    List<ValidationException.Problem> problems = new ArrayList<>();
    if (Files.exists(job.output())) {
      problems.add(new ValidationException.Problem(job.output().toString(), "the output already exists; choose another name or remove it"));
    }
    if (Files.exists(job.outputSidecar())) {
      problems.add(new ValidationException.Problem(job.outputSidecar().toString(), "the output's sidecar already exists"));
    }
    Path parent = job.output().toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      problems.add(new ValidationException.Problem(job.output().toString(), "the output's directory does not exist"));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  private void checkMaster() {
    listener.message("checking " + job.master().getFileName() + " against its sidecar");
    List<String> mismatches = MasterCheck.mismatches(job.master(), job.sidecar(), plan);
    if (mismatches.isEmpty()) return;
    masterMismatch = true;
    if (!job.force()) {
      List<ValidationException.Problem> problems = new ArrayList<>();
      for (String m : mismatches) {
        problems.add(new ValidationException.Problem(job.master().toString(),
            "the master does not match its sidecar (" + m + "); patch it anyway with --force (force(true) in the API), or adopt it again"));
      }
      throw new ValidationException(problems);
    }
    log.warn("{} does not match its sidecar ({}); patching anyway (force)", job.master(), String.join("; ", mismatches));
    listener.message("the master does not match its sidecar; patching anyway (force)");
  }

  private void checkProbeAgainstSidecar(MediaProbe master) {
    MasterInfo info = job.sidecar().master();
    List<String> differences = new ArrayList<>();
    if (master.frameCount() != info.frameCount()) {
      differences.add("it has " + master.frameCount() + " frames, its sidecar says " + info.frameCount());
    }
    if (!master.frameRate().equals(info.frameRate())) {
      differences.add("it runs at " + master.frameRate() + " fps, its sidecar says " + info.frameRate());
    }
    if (!differences.isEmpty()) {
      throw new ValidationException(job.master().toString(), "the master does not match its sidecar: " + String.join("; ", differences));
    }
  }

  /**
   * Refuses to start when the output's disk cannot hold the patched master and the work files beside it: the master's
   * size, 2 % and 64 MiB to spare, and for the re-rendered frames three times their share of the master (the renderer's
   * file, its re-wrapped video, their place in the output) — twelve times where they become intra pictures in the
   * master's picture slots before an open GOP (an intra picture costs several times a long-GOP frame).
   */
  private void checkDiskSpace(MasterTimeline timeline) {
    Path dir = job.output().toAbsolutePath().getParent();
    try {
      long masterSize = Files.size(job.master());
      long perFrame = masterSize / Math.max(1, timeline.frameCount());
      long rendered = 0;
      for (Segment s : plan.renderSegments()) rendered += s.frames() * perFrame * (timeline.slotsBefore(s) ? 12 : 3);
      long need = masterSize + masterSize / 50 + rendered + SPACE_MARGIN;
      long free = Files.getFileStore(dir).getUsableSpace();
      if (free < need) {
        throw new ValidationException(dir.toString(), String.format(Locale.ROOT,
            "not enough free disk space for the patched master: %d MiB free, about %d MiB needed", free >> 20, need >> 20));
      }
    } catch (IOException e) {
      throw new PatchworkException("cannot check the free space in " + dir + ": " + e, e);
    }
  }

  private static void cancelPoint() {
    if (Thread.currentThread().isInterrupted()) throw new CancelledException("the patch was cancelled");
  }

  // --- publishing ----------------------------------------------------------------------------------------

  /** Intra-only output regions: the master's runs, also cut where the plan's segments start. */
  private SortedSet<Long> runStarts() {
    SortedSet<Long> starts = new TreeSet<>();
    for (Region r : job.sidecar().content().regions()) starts.add(r.start());
    for (Segment s : plan.segments()) starts.add(s.start());
    return starts;
  }

  private Sidecar outputSidecar(ContentIndexer.Indexed indexed) {
    Sidecar m = job.sidecar();
    MasterInfo mi = m.master();
    MasterInfo info = new MasterInfo(job.output().getFileName().toString(), indexed.size(), indexed.sha256(), mi.container(),
        mi.frameCount(), mi.frameRate(), mi.startTimecode());
    ContentIndex content = indexed.index();
    HistoryEntry entry = HistoryEntry.now(job.clock(), "patchwork", version(), parentSha256(), indexed.sha256(), job.changes(),
        job.renderer().description());
    List<HistoryEntry> history = new ArrayList<>(m.history());
    history.add(entry);
    return new Sidecar(info, m.video(), m.audio(), m.encoder(), m.origin(), content, history);
  }

  private String parentSha256() {
    if (!masterMismatch) return job.sidecar().master().sha256();
    listener.message("hashing the master (it does not match its sidecar)");
    try (FileChannel ch = FileChannel.open(job.master(), StandardOpenOption.READ)) {
      return Hashing.sha256(ch, 0, ch.size());
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + job.master() + ": " + e, e);
    }
  }

  private void publish(Path temp, Sidecar sidecar) {
    Path output = job.output();
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      if (Files.exists(output)) throw new ValidationException(output.toString(), "the output appeared while patching; nothing was published");
      Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new PatchworkException("cannot move the patched master into place at " + output + ": " + e, e);
    }
    try {
      Sidecars.write(sidecar, job.outputSidecar());
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(output);
      } catch (IOException d) {
        e.addSuppressed(d);
      }
      throw e;
    }
  }

  private List<PatchResult.SegmentStats> stats(MediaProbe out, Map<Segment, Duration> times) {
    Map<Segment, Long> bytes = new HashMap<>();
    PacketIndex idx = out.packets();
    for (int i = 0; i < idx.packetCount(); i++) {
      int f = idx.frameOf(i);
      if (f >= 0 && f < plan.frameCount()) bytes.merge(plan.segmentAt(f), (long) idx.byteSize(i), Long::sum);
    }
    List<PatchResult.SegmentStats> stats = new ArrayList<>();
    for (Segment s : plan.segments()) {
      stats.add(new PatchResult.SegmentStats(s, times.getOrDefault(s, Duration.ZERO), bytes.getOrDefault(s, 0L)));
    }
    return stats;
  }

  static String version() {
    String v = FfmpegPatchEngine.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "development" : v;
  }

  private static String extension(Path p) {
    String n = p.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? "media" : n.substring(dot + 1);
  }
}
