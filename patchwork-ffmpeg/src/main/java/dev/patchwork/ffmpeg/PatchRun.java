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
    // a master whose sidecar rules out picture slots (not H.264, or every GOP closed) renders while it is probed: the
    // renderer needs only the sidecar, the probe reads the master's whole packet index (0.3-0.6 s at ten minutes)
    boolean early = !plan.renderSegments().isEmpty() && !mayNeedSlots();
    listener.message("probing " + job.master().getFileName());

    try (Workspace ws = Workspace.besides(job.output()); Background background = new Background()) {
      Future<Master> probing = background.submit(() -> probeMaster(phases));
      Master m = early ? null : Background.get(probing);
      // and so can the master's side of the check whether the rendered audio is the master's own
      Future<List<String>> masterAudio = background.submit(() -> {
        Master q = Background.get(probing);
        return phases.time(PatchResult.Phase.RENDER,
            () -> java.util.stream.Stream.concat(q.audioSpans().stream(), q.keptAudio().stream())
                .map(a -> SameAudio.master(tools, q.media(), q.probed().audio().get(0), a)).toList());
      });

      Map<Segment, Path> files = new LinkedHashMap<>();
      Map<Segment, Duration> renderTimes = new HashMap<>();
      try {
        for (Segment s : plan.renderSegments()) {
          Path file = ws.file("render-" + files.size() + ".mkv");
          render(s, file, m != null && m.timeline().slotsBefore(s), renderTimes, phases);
          files.put(s, file);
        }
      } catch (RuntimeException e) {
        if (early) Background.get(probing); // a master that failed its probe says so, not the render that ran beside it
        throw e;
      }
      if (early) {
        m = Background.get(probing);
        for (Segment s : plan.renderSegments()) {
          if (!m.timeline().slotsBefore(s)) continue;
          // the sidecar said closed GOPs, the master has an x264 open GOP after the segment: render it again as intra pictures
          log.warn("{}: an open GOP follows {} although the sidecar says the GOPs are closed; rendering it again", job.master(), s);
          render(s, files.get(s), true, renderTimes, phases);
        }
      }
      // the master's side of the seam check needs no output: it decodes while the segments are checked and spliced
      // (the splice is mostly a kernel copy and a flush to disk; beside the render it took the encoder's CPU)
      Master probedMaster = m;
      Future<List<OutputVerifier.Decode>> reference = background.submit(
          () -> phases.time(PatchResult.Phase.VERIFY, () -> probedMaster.verifier().referenceDecodes(probedMaster.windows())));
      String ext = extension(job.master());
      Map<Segment, RenderedSegment> rendered = new LinkedHashMap<>();
      int n = 0;
      for (Map.Entry<Segment, Path> e : files.entrySet()) {
        long t = System.nanoTime();
        rendered.put(e.getKey(), RenderedSegment.prepare(tools, m.probed(), m.container(), e.getKey(), e.getValue(),
            ws.file("segment-" + n++ + "." + ext)));
        phases.add(PatchResult.Phase.RENDER, t, System.nanoTime());
      }
      FfprobeProber.Probed probed = m.probed();
      MediaProbe master = m.media();
      SpliceContainer container = m.container();
      MasterTimeline timeline = m.timeline();
      OutputVerifier verifier = m.verifier();
      List<OutputVerifier.Window> windows = m.windows();
      List<SameAudio.Span> audioSpans = m.audioSpans();
      long t = System.nanoTime();
      List<String> masterAudioHashes = Background.get(masterAudio);
      Map<Segment, String> renderedAudio = keepMastersOwnAudio(master, rendered, audioSpans, masterAudioHashes);
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
      // an output written front to back is hashed whole as it is written (the splice copies in the kernel, a core is free)
      GrowingFileHash follower = new GrowingFileHash(temp);
      List<Future<GrowingFileHash.Hashed>> following = new ArrayList<>(1);
      Splicer.Output spliced = phases.time(PatchResult.Phase.SPLICE,
          () -> new Splicer(tools, timeline, container, ws, firstAudio, probed.videoExtradata()).withAudioSpans(audioSpans)
              .splice(plan, rendered, temp, listener,
              () -> following.add(background.submit(() -> phases.time(PatchResult.Phase.INDEX, () -> {
                try {
                  return follower.call();
                } catch (IOException e) {
                  throw new PatchworkException("cannot read " + temp + ": " + e, e);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new CancelledException("hashing " + temp + " was interrupted");
                }
              })))));
      try {
        follower.finished(Files.size(temp));
      } catch (IOException e) {
        throw new PatchworkException("cannot read " + temp + ": " + e, e);
      }
      java.util.function.Supplier<GrowingFileHash.Hashed> wholeFile = following.isEmpty() ? null : () -> Background.get(following.get(0));

      // the output goes to disk while it is verified from the page cache; nothing is published before it is there
      Future<Void> onDisk = background.submit(() -> {
        phases.time(PatchResult.Phase.SPLICE, () -> forceToDisk(temp));
        return null;
      });
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
      // the output's sound where it changed and a second either side, against what the splice was to put there (PCM)
      List<SameAudio.Span> audioChecks = new ArrayList<>(audioSpans);
      audioChecks.addAll(m.keptAudio());
      Future<List<String>> outputAudio = background.submit(() -> audioChecks.stream()
          .map(a -> a.count() == 0 ? "" : SameAudio.master(tools, out.media(), out.audio().get(0), a)).toList());
      // the output's content index (its hashes, and the kept GOPs' evidence) is read while its seams decode (3 workers)
      Future<ContentIndexer.Indexed> indexing = background.submit(
          () -> phases.time(PatchResult.Phase.INDEX, () -> ContentIndexer.index(out.media(), runStarts(), wholeFile)));
      verifier.checkRenderedPackets(out.media(), spliced.rendered(), findings);
      listener.message("verifying seams");
      OutputVerifier.SeamCounts seams = verifier.checkSeams(windows, Background.get(decodes), Background.get(reference), findings);
      ContentIndexer.Indexed indexed = Background.get(indexing);
      long kept = verifier.checkKeptGops(indexed.index().regions(), spliced.bridgedFrames(), job.force(), findings);
      checkAudio(audioChecks, audioSpans.size(), masterAudioHashes, renderedAudio, Background.get(outputAudio), findings);
      phases.add(PatchResult.Phase.VERIFY, t, System.nanoTime());
      if (!findings.isEmpty()) {
        throw new VerificationException("the patched output failed verification; nothing was published", findings);
      }
      PatchResult.Verification verification = new PatchResult.Verification(out.media().frameCount(), kept, seams.decoded(),
          seams.matched());

      Background.get(onDisk);
      cancelPoint();
      phases.time(PatchResult.Phase.PUBLISH, () -> publish(temp, outputSidecar(indexed)));
      listener.message("published " + job.output().getFileName());
      return new PatchResult(job.output(), job.outputSidecar(), plan, stats(out.media(), renderTimes), verification,
          Duration.ofNanos(System.nanoTime() - started), phases.list());
    }
  }

  /** What the patch learns from probing the master, with what is derived from it before anything is spliced. */
  private record Master(FfprobeProber.Probed probed, SpliceContainer container, MasterTimeline timeline, OutputVerifier verifier,
      List<OutputVerifier.Window> windows, List<SameAudio.Span> audioSpans, List<SameAudio.Span> keptAudio) {
    MediaProbe media() {
      return probed.media();
    }
  }

  /** Probes the master and checks it against its sidecar, the plan and the free disk space. */
  private Master probeMaster(PhaseTimes phases) {
    long t = System.nanoTime();
    FfprobeProber.Probed probed = new FfprobeProber(tools).probe(job.master(), true);
    MediaProbe master = probed.media();
    SpliceContainer container = SpliceContainer.of(job.master(), master.formatName());
    checkProbeAgainstSidecar(master);
    MasterTimeline timeline = new MasterTimeline(master);
    timeline.checkPlan(plan, container);
    phases.add(PatchResult.Phase.PROBE, t, System.nanoTime());
    phases.time(PatchResult.Phase.CHECK, () -> checkDiskSpace(timeline));
    OutputVerifier verifier = new OutputVerifier(tools, probed, job.sidecar(), plan, listener);
    List<SameAudio.Span> audioSpans = SameAudio.comparable(master)
        ? SameAudio.spans(plan.renderSegments(), master, AudioLength.samples(probed.audio().get(0), master.audioStreams().get(0)),
            AudioLength.Start.of(probed.audio().get(0), master))
        : List.of();
    List<SameAudio.Span> keptAudio = audioSpans.isEmpty() ? List.of()
        : SameAudio.around(audioSpans, AudioLength.samples(probed.audio().get(0), master.audioStreams().get(0)),
            master.audioStreams().get(0).sampleRate());
    return new Master(probed, container, timeline, verifier, verifier.windows(), audioSpans, keptAudio);
  }

  /**
   * True if the sidecar leaves room for an x264 open GOP after a re-rendered segment, whose frames must then be
   * rendered as intra pictures for the master's picture slots: H.264 with GOPs not known to be closed.
   */
  private boolean mayNeedSlots() {
    var video = job.sidecar().video();
    return video.codec().equals("h264") && !video.gop().intraOnly() && !Boolean.TRUE.equals(video.gop().closed());
  }

  /** Renders {@code s} into {@code file} (replacing it), timed. */
  private void render(Segment s, Path file, boolean slots, Map<Segment, Duration> renderTimes, PhaseTimes phases) {
    cancelPoint();
    listener.segmentStarted(s);
    long t = System.nanoTime();
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new PatchworkException("cannot replace " + file + ": " + e, e);
    }
    job.renderer().render(new Renderer.Request(job.master(), job.sidecar(), s, file, listener, slots));
    renderTimes.put(s, Duration.ofNanos(System.nanoTime() - t));
    phases.add(PatchResult.Phase.RENDER, t, System.nanoTime());
    listener.segmentFinished(s);
    cancelPoint();
    if (!Files.isRegularFile(file)) {
      throw new PatchworkException("the renderer '" + job.renderer().name() + "' wrote no file for " + s);
    }
  }

  /**
   * Drops the audio of rendered segments that bring exactly the master's own samples (a picture-only change), so that
   * the splice copies the master's audio instead of assembling it again; where every segment's audio is the master's,
   * the audio streams are copied bit for bit.
   */
  private Map<Segment, String> keepMastersOwnAudio(MediaProbe master, Map<Segment, RenderedSegment> rendered, List<SameAudio.Span> spans,
      List<String> masterHashes) {
    Map<Segment, String> renderedHashes = new HashMap<>();
    for (int i = 0; i < spans.size(); i++) {
      SameAudio.Span span = spans.get(i);
      RenderedSegment r = rendered.get(span.segment());
      if (!r.hasAudio() || span.count() == 0) continue;
      String hash = SameAudio.rendered(tools, master, r.rendered(), span);
      renderedHashes.put(span.segment(), hash);
      if (hash.equals(masterHashes.get(i))) {
        log.debug("the audio rendered for {} is the master's own; the master's audio is kept there", span.segment());
        rendered.put(span.segment(), r.withoutAudio());
      }
    }
    return renderedHashes;
  }

  /**
   * Compares the output's PCM samples over each span of {@code checks} with what the splice was to put there: the first
   * {@code taken} are the spans over the re-rendered frames (the rendered segment's samples where it brought sound of
   * its own, else the master's), the rest the master's kept samples either side of them.
   */
  private static void checkAudio(List<SameAudio.Span> checks, int taken, List<String> masterHashes, Map<Segment, String> renderedHashes,
      List<String> output, List<String> findings) {
    for (int i = 0; i < checks.size(); i++) {
      SameAudio.Span span = checks.get(i);
      if (span.count() == 0) continue;
      boolean inside = i < taken;
      String expected = inside && renderedHashes.containsKey(span.segment()) ? renderedHashes.get(span.segment()) : masterHashes.get(i);
      if (expected.equals(output.get(i))) continue;
      Segment s = span.segment();
      findings.add("the output's first audio track, samples " + span.from() + "-" + (span.from() + span.count() - 1)
          + (inside ? " (the re-rendered frames " + s.start() + "-" + (s.endExclusive() - 1) + "), is not the "
              + (renderedHashes.containsKey(s) ? "rendered segment's" : "master's") + " sound"
              : " (next to the re-rendered frames " + s.start() + "-" + (s.endExclusive() - 1) + "), is not the master's sound"));
    }
  }

  /**
   * Work that runs beside the patch's own thread (the master's reference decodes, hashing the output). Closing it
   * interrupts what still runs (stopping its ffmpeg) and waits for it, so nothing outlives the patch.
   */
  private static final class Background implements AutoCloseable {
    private final ExecutorService executor = Executors.newFixedThreadPool(6, r -> {
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

  private static void forceToDisk(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (java.nio.channels.ClosedByInterruptException e) {
      throw new CancelledException("writing " + file + " to disk was interrupted");
    } catch (IOException e) {
      throw new PatchworkException("cannot write " + file + " to disk: " + e, e);
    }
  }

  private void publish(Path temp, Sidecar sidecar) {
    Path output = job.output();
    forceToDisk(temp); // done beside the verification already; kept here so that nothing is published unflushed
    try {
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
