package dev.patchwork.resolve;

import dev.patchwork.PatchListener;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.ffmpeg.FfmpegRenderer;
import dev.patchwork.ffmpeg.FfmpegTools;
import dev.patchwork.ffmpeg.FfprobeProber;
import dev.patchwork.ffmpeg.Insert;
import dev.patchwork.ffmpeg.MediaProbe;
import dev.patchwork.ffmpeg.PcmSamples;
import dev.patchwork.plan.Segment;
import dev.patchwork.resolve.internal.FfmpegSteps;
import dev.patchwork.resolve.internal.RenderSession;
import dev.patchwork.resolve.internal.WorkFiles;
import dev.patchwork.sidecar.AudioStream;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.spi.Renderer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DaVinci Resolve {@link Renderer}: renders each RENDER segment of a patch from the timeline open in Resolve, then
 * turns Resolve's file into the segment the splicer takes (the {@link Renderer} contract, as {@link FfmpegRenderer}
 * describes it: Matroska, exactly the segment's frames encoded like the master, a closed random-access point first,
 * key frames at the master's random-access points, optional PCM audio covering exactly the segment).
 *
 * <h2>Which frames</h2>
 * The master is the whole timeline rendered once: master frame {@code i} is timeline offset {@code i}. A segment
 * {@code [s, s + n)} is rendered with {@code MarkIn = GetStartFrame() + s} and
 * {@code MarkOut = MarkIn + n − 1} — Resolve's MarkOut is taken as <em>inclusive</em> ({@link #MARK_OUT_INCLUSIVE};
 * this could not be confirmed against a real Resolve, so it is a setting: {@link #withMarkOutInclusive}). The file
 * Resolve writes is counted, and a count other than {@code n} fails the render with a message naming that setting.
 * Before anything is rendered the timeline is checked against the master's sidecar: same frame count and frame rate,
 * and for a master Resolve rendered ({@code [origin] kind = "resolve"}) the same project and timeline name.
 *
 * <h2>How a segment matches the master</h2>
 * Resolve's own encoders cannot be told to place key frames or to reproduce another encoder's stream, so there are two
 * ways ({@link Mode}):
 * <ul>
 *   <li>{@link Mode#NATIVE} — for intra-only masters that Resolve rendered itself (ProRes, DNxHR; the sidecar's origin
 *       is Resolve): the segment is rendered with the master's own render preset, format and codec, so Resolve's encoder
 *       encodes it exactly as it encoded the master; its video is copied unchanged into the segment, its audio converted
 *       to PCM of exactly the segment's length. The result is probed: frame count, intra-only, codec, profile, pixel
 *       format and size must equal the master's.
 *   <li>{@link Mode#INTERMEDIATE} — everything else (x264/x265/MPEG-2 masters, masters adopted from other tools): Resolve
 *       renders the segment in a lossless intermediate (the first "Uncompressed" QuickTime codec {@code GetRenderCodecs}
 *       offers, 10-bit for masters deeper than 8 bits; or the one set with {@link #withIntermediate}), with the master's
 *       render preset when it has one; then {@link FfmpegRenderer} encodes it with the master's exact settings as an insert
 *       covering the whole segment — the same encode that gives x264/x265 masters parameter sets equal to the master's.
 * </ul>
 * {@link Mode#AUTO} (the default) chooses NATIVE for intra-only masters whose origin is Resolve, INTERMEDIATE otherwise.
 * A long-GOP master that Resolve encoded itself (its H.264/HEVC encoder) cannot be matched either way and is refused by
 * the ffmpeg encode ({@link UnsupportedMasterException}).
 *
 * <h2>Resolve's state</h2>
 * Each render adds one job and deletes it afterwards; the user's render settings (format, codec, mode, In/Out marks and
 * everything a render preset holds) are restored. Renders are made one at a time on the connection (Resolve renders one
 * job at a time anyway); the ffmpeg step of one segment may overlap Resolve's render of the next.
 *
 * <p>Immutable and thread-safe.
 */
public final class ResolveRenderer implements Renderer {

  private static final Logger log = LoggerFactory.getLogger(ResolveRenderer.class);

  /**
   * Whether Resolve's {@code MarkOut} names the last frame rendered (true) or the frame after it. Resolve's scripting
   * README does not say; renders in the field suggest inclusive. The rendered file's frame count is always checked.
   */
  public static final boolean MARK_OUT_INCLUSIVE = true;

  /** The default time between {@code GetRenderJobStatus} polls. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
  /** The default longest time one segment may render in Resolve. */
  public static final Duration DEFAULT_RENDER_TIMEOUT = Duration.ofHours(4);

  private static final List<String> MKV_PCM = List.of("pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_f64le", "pcm_u8",
      "pcm_s16be", "pcm_s24be", "pcm_s32be");

  /** How a segment is made to match the master; see the class description. */
  public enum Mode {
    /** NATIVE for intra-only masters Resolve rendered, INTERMEDIATE otherwise. */
    AUTO,
    /** Resolve renders in the master's own preset, format and codec; the video is copied. */
    NATIVE,
    /** Resolve renders a lossless intermediate; ffmpeg encodes it with the master's settings. */
    INTERMEDIATE
  }

  private final Resolve resolve;
  private final FfmpegTools tools;
  private final boolean markOutInclusive;
  private final Mode mode;
  private final RenderFormat intermediate; // null: chosen per master
  private final Duration pollInterval;
  private final Duration renderTimeout;

  private ResolveRenderer(Resolve resolve, FfmpegTools tools, boolean markOutInclusive, Mode mode, RenderFormat intermediate,
      Duration pollInterval, Duration renderTimeout) {
    this.resolve = resolve;
    this.tools = tools;
    this.markOutInclusive = markOutInclusive;
    this.mode = mode;
    this.intermediate = intermediate;
    this.pollInterval = pollInterval;
    this.renderTimeout = renderTimeout;
  }

  /** Renders with {@code resolve}'s current timeline and encodes with {@code tools}. */
  public static ResolveRenderer of(Resolve resolve, FfmpegTools tools) {
    return new ResolveRenderer(Objects.requireNonNull(resolve, "resolve"), Objects.requireNonNull(tools, "tools"),
        MARK_OUT_INCLUSIVE, Mode.AUTO, null, DEFAULT_POLL_INTERVAL, DEFAULT_RENDER_TIMEOUT);
  }

  /** Whether {@code MarkOut} is the last frame rendered (see {@link #MARK_OUT_INCLUSIVE}). */
  public ResolveRenderer withMarkOutInclusive(boolean inclusive) {
    return new ResolveRenderer(resolve, tools, inclusive, mode, intermediate, pollInterval, renderTimeout);
  }

  /** How segments are made to match the master. */
  public ResolveRenderer withMode(Mode newMode) {
    return new ResolveRenderer(resolve, tools, markOutInclusive, Objects.requireNonNull(newMode, "mode"), intermediate, pollInterval,
        renderTimeout);
  }

  /** The format and codec Resolve renders INTERMEDIATE segments in (lossless, or as near as the user accepts). */
  public ResolveRenderer withIntermediate(RenderFormat format) {
    return new ResolveRenderer(resolve, tools, markOutInclusive, mode, Objects.requireNonNull(format, "format"), pollInterval,
        renderTimeout);
  }

  /** Time between status polls. */
  public ResolveRenderer withPollInterval(Duration interval) {
    requirePositive(interval, "pollInterval");
    return new ResolveRenderer(resolve, tools, markOutInclusive, mode, intermediate, interval, renderTimeout);
  }

  /** The longest one segment may render in Resolve. */
  public ResolveRenderer withRenderTimeout(Duration timeout) {
    requirePositive(timeout, "renderTimeout");
    return new ResolveRenderer(resolve, tools, markOutInclusive, mode, intermediate, pollInterval, timeout);
  }

  /** {@code "resolve"}. */
  @Override
  public String name() {
    return "resolve";
  }

  /**
   * What renders, for the sidecar's history: Resolve's product name, version and node, and the ffmpeg that encodes
   * intermediate renders — e.g. {@code DaVinci Resolve Studio 19.1.3.7; intermediate renders encoded by ffmpeg version 7.1 …}.
   */
  @Override
  public String description() {
    String product = resolve.productName().isBlank() ? "DaVinci Resolve" : resolve.productName();
    String text = product + (resolve.version().isBlank() ? "" : " " + resolve.version()) + resolve.host().map(h -> " on " + h).orElse("");
    if (mode == Mode.NATIVE) return text;
    return text + "; intermediate renders encoded by " + tools.versionLine() + " (" + tools.description() + ")";
  }

  public boolean markOutInclusive() {
    return markOutInclusive;
  }

  /**
   * Checks, before anything is rendered, that the timeline open in Resolve is the master's: the same frame count and
   * frame rate, and for a master Resolve rendered, the project and timeline named in its sidecar.
   *
   * @throws ValidationException listing every difference
   */
  public void validate(Sidecar sidecar) {
    Objects.requireNonNull(sidecar, "sidecar");
    TimelineInfo tl = resolve.timeline();
    List<Problem> problems = new ArrayList<>();
    String where = "timeline '" + tl.name() + "'";
    RenderOrigin origin = sidecar.origin();
    if (origin.kind() == RenderOrigin.Kind.RESOLVE) {
      String project = resolve.projectName();
      if (!project.equals(origin.project())) {
        problems.add(new Problem("Resolve project", "Resolve has the project '" + project + "' open, but "
            + sidecar.master().fileName() + " was rendered from the project '" + origin.project() + "'; open that project"));
      }
      if (!tl.name().equals(origin.timeline())) {
        problems.add(new Problem(where, "the master was rendered from the timeline '" + origin.timeline()
            + "'; make that timeline current in Resolve"));
      }
    }
    if (tl.frameCount() != sidecar.master().frameCount()) {
      problems.add(new Problem(where, "has " + tl.frameCount() + " frames but the master " + sidecar.master().fileName() + " has "
          + sidecar.master().frameCount() + "; the timeline must be the whole master, frame for frame"));
    }
    if (problems.isEmpty() && !tl.rate().equals(sidecar.master().frameRate())) {
      problems.add(new Problem(where, "runs at " + tl.rate().toDecimalString() + " fps but the master at "
          + sidecar.master().frameRate().toDecimalString() + " fps"));
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    if (!tl.startTimecode().equals(sidecar.master().startTimecode())) {
      log.info("{} starts at {} but the master at {}; frames are matched by offset from the first frame", where, tl.startTimecode(),
          sidecar.master().startTimecode());
    }
  }

  /** The mode used for {@code sidecar}'s master (AUTO resolved). */
  public Mode modeFor(Sidecar sidecar) {
    if (mode != Mode.AUTO) return mode;
    return sidecar.origin().kind() == RenderOrigin.Kind.RESOLVE && sidecar.video().intraOnly() ? Mode.NATIVE : Mode.INTERMEDIATE;
  }

  /**
   * The intermediate format and codec for {@code sidecar}'s master: the one set, else the first QuickTime codec whose
   * description says "Uncompressed" — one saying 10-bit (or more) for masters deeper than 8 bits, 8-bit otherwise.
   *
   * @throws UnsupportedMasterException if Resolve offers no uncompressed QuickTime codec and none was set
   */
  public RenderFormat intermediateFor(Sidecar sidecar) {
    if (intermediate != null) return intermediate;
    Map<String, String> codecs = resolve.renderCodecs("mov");
    boolean deep = sidecar.video().pixelFormat().matches(".*(p10|p12|p16|10le|12le|16le|10be|12be|16be).*");
    List<Map.Entry<String, String>> uncompressed = codecs.entrySet().stream()
        .filter(e -> e.getKey().toLowerCase(Locale.ROOT).contains("uncompressed"))
        .sorted(Comparator.comparing(Map.Entry::getKey)).toList();
    for (Map.Entry<String, String> e : uncompressed) {
      boolean tenBit = e.getKey().matches("(?i).*\\b(10|12|16)[- ]?bit.*");
      if (tenBit == deep) return new RenderFormat("mov", e.getValue());
    }
    if (!uncompressed.isEmpty()) return new RenderFormat("mov", uncompressed.get(0).getValue());
    throw new UnsupportedMasterException("Resolve offers no uncompressed QuickTime codec to render segments in (GetRenderCodecs(\"mov\") "
        + "gives " + String.join(", ", codecs.keySet()) + "); name a lossless format and codec for the intermediate");
  }

  /**
   * Renders {@code request.segment()} in Resolve and writes it to {@code request.output()} (see the class description).
   *
   * @throws ValidationException        if the timeline in Resolve is not the master's
   * @throws ResolveException           if Resolve refuses, fails, or renders the wrong number of frames
   * @throws UnsupportedMasterException if the master cannot be matched
   * @throws dev.patchwork.ToolFailedException if ffmpeg fails
   * @throws dev.patchwork.CancelledException  if interrupted; Resolve's render is stopped and nothing remains
   */
  @Override
  public void render(Request request) {
    Objects.requireNonNull(request, "request");
    Sidecar sidecar = request.sidecar();
    Segment segment = request.segment();
    PatchListener listener = PatchListener.safe(request.listener());
    Path output = request.output().toAbsolutePath();
    try (WorkFiles work = WorkFiles.beside(output, ".resolve-segment-")) {
      Mode m = modeFor(sidecar);
      RenderSession.Result rendered;
      synchronized (resolve) {
        validate(sidecar);
        TimelineInfo tl = resolve.timeline();
        long markIn = tl.absoluteFrame(segment.start());
        long markOut = markIn + segment.frames() - (markOutInclusive ? 1 : 0);
        RenderOrigin origin = sidecar.origin();
        RenderFormat format = m == Mode.NATIVE ? nativeFormat(sidecar) : intermediateFor(sidecar);
        Optional<String> preset = origin.kind() == RenderOrigin.Kind.RESOLVE ? Optional.ofNullable(origin.preset()) : Optional.empty();
        listener.message(String.format(Locale.ROOT, "rendering frames %d-%d in Resolve (%s, MarkIn %d, MarkOut %d)", segment.start(),
            segment.endExclusive() - 1, format, markIn, markOut));
        RenderSession.Spec spec = new RenderSession.Spec(preset, Optional.of(format), markIn, markOut, false, work.dir(),
            "segment-" + segment.start() + "-" + segment.frames(), !sidecar.audio().isEmpty(), f -> {}, pollInterval,
            renderTimeout);
        rendered = RenderSession.render(resolve, spec, percent -> listener.progress(segment, percent * segment.frames() / 100,
            segment.frames()));
      }
      long frames = FfmpegSteps.videoFrames(tools, rendered.file());
      if (frames != segment.frames()) {
        throw new ResolveException(ResolveException.RENDER, "Resolve rendered " + frames + " frames for master frames "
            + segment.start() + "-" + (segment.endExclusive() - 1) + " (" + segment.frames() + " expected). MarkOut was sent as "
            + (markOutInclusive ? "the last frame (inclusive)" : "the frame after the last (exclusive)")
            + "; if this Resolve reads it the other way, set markOutInclusive to " + !markOutInclusive);
      }
      if (m == Mode.NATIVE) {
        nativeSegment(rendered.file(), request, work);
      } else {
        listener.message("encoding frames " + segment.start() + "-" + (segment.endExclusive() - 1) + " like the master");
        FfmpegRenderer.fromInserts(List.of(new Insert(segment.start(), rendered.file())), tools).render(request);
      }
    }
  }

  private static RenderFormat nativeFormat(Sidecar sidecar) {
    RenderOrigin o = sidecar.origin();
    if (o.kind() != RenderOrigin.Kind.RESOLVE) {
      throw new UnsupportedMasterException(sidecar.master().fileName() + " was not rendered by Resolve (its sidecar's origin is "
          + o.kind().tomlName() + "), so it has no Resolve format and codec to render segments in natively");
    }
    if (!sidecar.video().intraOnly()) {
      throw new UnsupportedMasterException(sidecar.master().fileName() + " is long-GOP " + sidecar.video().codec()
          + "; Resolve cannot place its key frames, so segments cannot be rendered natively");
    }
    return new RenderFormat(o.format(), o.codec());
  }

  /** Copies Resolve's intra-only video into the segment, audio as PCM of exactly the segment's length, and checks it. */
  private void nativeSegment(Path file, Request request, WorkFiles work) {
    Sidecar sidecar = request.sidecar();
    Segment segment = request.segment();
    long samples = 0;
    String pcm = "pcm_s24le";
    int sampleRate = 0;
    String layout = "stereo";
    if (!sidecar.audio().isEmpty() && FfmpegSteps.audioStreams(tools, file) > 0) {
      AudioStream a = sidecar.audio().get(0);
      sampleRate = a.sampleRate();
      samples = PcmSamples.count(segment.start(), segment.endExclusive(), sidecar.master().frameRate(), sampleRate);
      if (MKV_PCM.contains(a.codec())) pcm = a.codec();
      layout = a.layout() != null ? a.layout() : a.channels() + "c";
    }
    Path temp = work.file("segment.mkv");
    FfmpegSteps.remuxSegment(tools, file, temp, samples, pcm, sampleRate, layout);
    MediaProbe probe = new FfprobeProber(tools).probeMedia(temp);
    List<String> differences = new ArrayList<>();
    var v = sidecar.video();
    if (probe.frameCount() != segment.frames()) differences.add(probe.frameCount() + " frames instead of " + segment.frames());
    if (!probe.intraOnly()) differences.add("not intra-only");
    if (!probe.video().codecName().equals(v.codec())) differences.add("codec " + probe.video().codecName() + " instead of " + v.codec());
    if (v.profile() != null && !probe.video().profile().equalsIgnoreCase(v.profile())) {
      differences.add("profile " + probe.video().profile() + " instead of " + v.profile());
    }
    if (!probe.video().pixFmt().equals(v.pixelFormat())) differences.add("pixel format " + probe.video().pixFmt() + " instead of "
        + v.pixelFormat());
    if (probe.video().width() != v.width() || probe.video().height() != v.height()) {
      differences.add("size " + probe.video().width() + "x" + probe.video().height() + " instead of " + v.width() + "x" + v.height());
    }
    if (!differences.isEmpty()) {
      throw new UnsupportedMasterException("Resolve rendered the segment " + segment + " of " + sidecar.master().fileName()
          + " differently from the master (" + String.join(", ", differences) + "); do the render preset, format and codec in its "
          + "sidecar still describe how it was rendered?");
    }
    work.moveInto(temp, request.output().toAbsolutePath());
  }

  private static void requirePositive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive: " + d);
  }

  @Override
  public String toString() {
    return "ResolveRenderer[" + resolve + ", mode=" + mode + ", markOutInclusive=" + markOutInclusive + "]";
  }
}
