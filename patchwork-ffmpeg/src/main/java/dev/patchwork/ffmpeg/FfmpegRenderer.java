package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.change.Change;
import dev.patchwork.ffmpeg.internal.ParameterSets;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.spi.Renderer;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ffmpeg {@link Renderer}: re-encodes one RENDER segment of a plan with the master's exact encoder settings, from
 * a <b>new source</b> (the edited timeline as one media file with the master's frame count and rate) or from
 * <b>insert clips</b> placed at master frames, taking the frames between and around the inserts from the decoded
 * master.
 *
 * <h2>What a render writes</h2>
 *
 * {@code request.output()} is a Matroska file (whatever its extension) holding
 * <ul>
 *   <li>stream 0: the segment's video, exactly {@code segment.frames()} frames, encoded as {@link VideoEncoding}
 *       describes (the master's codec, profile, level, pixel format, colour tags, sample aspect ratio and encoder
 *       settings; x264/x265 from the option string in the master's stream), its first frame a closed random-access
 *       point and further key frames exactly at the master's random-access points inside the segment (frame
 *       {@code j} of the master at offset {@code j − segment.start()}); time base {@code 1/rate};
 *   <li>stream 1, when the source (or an insert over the segment) has audio and the master has audio: the audio of
 *       the segment's time span as PCM in the master's PCM format ({@code pcm_s24le} when the master's audio is not
 *       PCM or not storable in Matroska), at the master's sample rate and channel layout, exactly
 *       {@link PcmSamples#count} samples: master frames {@code [start, end)} ↔ samples
 *       {@code [PcmSamples.startOf(start), PcmSamples.startOf(end))}. Where an insert has no audio, that range holds the
 *       master's audio; when no insert over the segment has audio there is no audio stream, and the master's audio
 *       stays.
 * </ul>
 * The file is written under a temporary name beside {@code request.output()}, checked, and renamed into place; on
 * failure or interruption nothing remains.
 *
 * <h2>How frames are reached</h2>
 *
 * Every input is opened at a seek point ({@code -ss} before {@code -i}, {@code -noaccurate_seek}, timestamps kept with
 * {@code -copyts}) and the frames wanted are cut by their own timestamps (half a frame of margin each side): the master
 * at the random-access point at or before the first frame needed, a source or clip at the key frame ffmpeg finds before
 * it. Nothing is decoded from frame 0 except audio from containers whose timestamps cannot name a sample (Matroska's
 * milliseconds), which is cut by counting samples from the stream's start.
 *
 * <h2>Checked before the file is published</h2>
 *
 * The segment is probed with {@link FfprobeProber}: its frame count, that its first frame is a closed point and that its
 * key frames are exactly where expected; its stream parameters (codec, profile, level, pixel format, size, sample
 * aspect ratio, colour) are compared with the master's; the audio sample count is counted. x264/x265 options that
 * ffmpeg reports it could not apply, and any mismatch of the stream parameters, refuse the master
 * ({@link UnsupportedMasterException}) rather than deliver a segment that does not match. For H.264/HEVC a difference
 * between the segment's parameter sets and the master's is logged as a warning (the splicer carries them in-band).
 *
 * <p>Immutable and thread-safe: several segments may render at once.
 */
public final class FfmpegRenderer implements Renderer {

  private static final Logger log = LoggerFactory.getLogger(FfmpegRenderer.class);
  private static final List<String> MKV_PCM = List.of("pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_f64le", "pcm_u8",
      "pcm_s16be", "pcm_s24be", "pcm_s32be");
  /** What ffmpeg's libx264/libx265 wrappers log (as warnings, without failing) for options the library rejects. */
  private static final List<String> OPTION_WARNINGS = List.of("Error parsing option", "Unknown option", "Invalid value for");

  private final FfmpegTools tools;
  /** The new source, or {@code null} when rendering from inserts. */
  private final InputInfo source;
  /** The insert clips in master order; empty when rendering from a new source. */
  private final List<Clip> clips;

  /** An insert with what was learned about its clip. */
  private record Clip(Insert insert, InputInfo info) {
    long frames() {
      return info.video().frameCount();
    }

    FrameRange range() {
      return FrameRange.ofLength(insert.frame(), frames());
    }

    String where() {
      return "--insert " + insert;
    }
  }

  private FfmpegRenderer(FfmpegTools tools, InputInfo source, List<Clip> clips) {
    this.tools = tools;
    this.source = source;
    this.clips = List.copyOf(clips);
  }

  /**
   * Renders from {@code newSource}: the edited timeline as one file, frame {@code i} of it replacing master frame
   * {@code i}. The source is probed now (once); {@link #validate} checks it against a master.
   *
   * @throws ValidationException if the file is missing, not media, or has no video
   */
  public static FfmpegRenderer fromSource(Path newSource, FfmpegTools tools) {
    Objects.requireNonNull(newSource, "newSource");
    Objects.requireNonNull(tools, "tools");
    InputInfo info = InputInfo.probe(tools, newSource, true, "--source");
    if (info.video().frameCount() <= 0) throw new ValidationException("--source", newSource + " has no video frames");
    return new FfmpegRenderer(tools, info, List.of());
  }

  /**
   * Renders from insert clips. Each clip is probed now (once) for its frame count, rate, size and audio; the change
   * each makes is {@code [frame, frame + clip frames)} ({@link #insertChanges()}).
   *
   * @throws ValidationException if there are no inserts, a clip is missing or not media, or two inserts overlap
   */
  public static FfmpegRenderer fromInserts(List<Insert> inserts, FfmpegTools tools) {
    Objects.requireNonNull(inserts, "inserts");
    Objects.requireNonNull(tools, "tools");
    if (inserts.isEmpty()) throw new ValidationException("--insert", "no insert clips given");
    List<Clip> clips = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Insert insert : inserts) {
      Objects.requireNonNull(insert, "inserts holds null");
      String where = "--insert " + insert;
      try {
        InputInfo info = InputInfo.probe(tools, insert.clip(), true, where);
        if (info.video().frameCount() <= 0) {
          problems.add(new Problem(where, insert.clip() + " has no video frames"));
        } else {
          clips.add(new Clip(insert, info));
        }
      } catch (ValidationException e) {
        problems.addAll(e.problems());
      }
    }
    clips.sort(Comparator.comparingLong(c -> c.insert().frame()));
    for (int i = 1; i < clips.size(); i++) {
      Clip a = clips.get(i - 1);
      Clip b = clips.get(i);
      if (a.range().overlaps(b.range())) {
        problems.add(new Problem(b.where(), String.format(Locale.ROOT,
            "replaces master frames %d..%d, which overlap frames %d..%d of %s; inserts must not overlap",
            b.range().start(), b.range().lastFrame(), a.range().start(), a.range().lastFrame(), a.where())));
      }
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    return new FfmpegRenderer(tools, null, clips);
  }

  /** {@code "ffmpeg"}. */
  @Override
  public String name() {
    return "ffmpeg";
  }

  /** The ffmpeg that renders and where it came from, e.g. {@code ffmpeg version 7.1 … (bundled org.bytedeco:…)}. */
  @Override
  public String description() {
    return tools.versionLine() + " (" + tools.description() + ")";
  }

  /**
   * The changes the inserts make, in master order: {@code [frame, frame + clip frames)}, origin
   * {@code "--insert FRAME=CLIP"}. Empty for a renderer from a new source.
   */
  public List<Change> insertChanges() {
    List<Change> out = new ArrayList<>();
    for (Clip c : clips) out.add(new Change(c.range(), null, null, null, c.where()));
    return List.copyOf(out);
  }

  /**
   * Checks that changes given as well as inserts ({@code --change} with {@code --insert}) agree with them: together
   * they must name exactly the frames the inserts replace. No {@code given} changes always agree.
   *
   * @throws ValidationException naming each change that covers frames no insert replaces and each insert whose frames
   *                             no change covers
   */
  public static void checkChangesAgree(List<Change> given, List<Change> inserts) {
    Objects.requireNonNull(given, "given");
    Objects.requireNonNull(inserts, "inserts");
    if (given.isEmpty()) return;
    List<FrameRange> insertFrames = union(inserts);
    List<FrameRange> givenFrames = union(given);
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      Change c = given.get(i);
      List<FrameRange> extra = minus(List.of(c.range()), insertFrames);
      if (!extra.isEmpty()) {
        problems.add(new Problem(c.origin() != null ? c.origin() : "--change", "covers master frames " + describe(extra)
            + ", which no insert replaces (the inserts replace " + describe(insertFrames)
            + "); with --insert the changes are the inserts' own frames, so a --change given as well must name the same frames"));
      }
    }
    for (Change c : inserts) {
      List<FrameRange> missing = minus(List.of(c.range()), givenFrames);
      if (!missing.isEmpty()) {
        problems.add(new Problem(c.origin() != null ? c.origin() : "--insert", "replaces master frames " + describe(missing)
            + ", which no --change names (the changes name " + describe(givenFrames) + "); give --change ranges that agree with "
            + "the inserts, or leave --change out"));
      }
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  /**
   * Checks, without running ffmpeg, that this renderer can serve {@code sidecar}'s master: the new source has the
   * master's frame count, rate and picture size (inserts: the master's rate and size, and they lie inside the
   * master), and the master's codec and encoder settings are ones the renderer can match. {@link #render} checks this
   * too; call it early to refuse before any work is done.
   *
   * @throws ValidationException        if the source or an insert does not fit the master
   * @throws UnsupportedMasterException if the master's codec, encoder or settings cannot be matched
   */
  public void validate(Sidecar sidecar) {
    Objects.requireNonNull(sidecar, "sidecar");
    long frames = sidecar.master().frameCount();
    FrameRate rate = sidecar.master().frameRate();
    List<Problem> problems = new ArrayList<>();
    if (source != null) {
      InputInfo.Video v = source.video();
      if (v.frameCount() != frames || !sameRate(rate, v.rate())) {
        problems.add(new Problem("--source", String.format(Locale.ROOT,
            "the new source %s has %d frames at %s fps but the master has %d frames at %s fps; the new source must be the "
                + "whole edited timeline with the master's frame count and frame rate",
            source.path(), v.frameCount(), describe(v.rate(), rate), frames, describe(rate, v.rate()))));
      }
      sizeProblem("--source", source, sidecar).ifPresent(problems::add);
    }
    for (Clip c : clips) {
      InputInfo.Video v = c.info().video();
      if (!sameRate(rate, v.rate())) {
        problems.add(new Problem(c.where(), String.format(Locale.ROOT, "the clip runs at %s fps but the master at %s fps",
            describe(v.rate(), rate), describe(rate, v.rate()))));
      }
      if (c.range().endExclusive() > frames) {
        problems.add(new Problem(c.where(), String.format(Locale.ROOT,
            "the clip's %d frames replace master frames %d..%d, past the master's last frame %d", c.frames(),
            c.range().start(), c.range().lastFrame(), frames - 1)));
      }
      sizeProblem(c.where(), c.info(), sidecar).ifPresent(problems::add);
    }
    if (!problems.isEmpty()) throw new ValidationException(problems);
    VideoEncoding.of(sidecar, null, format -> null);
  }

  /**
   * True if a source or clip that ffprobe reads at {@code probed} fps runs at the master's {@code rate}: the same rate,
   * or one within 0.5 ppm of it, which is how ffprobe reads the nanosecond frame duration of a Matroska file (59.94 fps
   * as 19001/317, 0.05 ppm off). Frames are taken from such a file by their timestamps, so it serves the master. 29.97
   * taken literally (2997/100) is 1 ppm off 30000/1001, and is refused.
   */
  static boolean sameRate(FrameRate rate, FrameRate probed) {
    if (probed == null) return false;
    if (rate.equals(probed)) return true;
    return Math.abs(probed.toDouble() - rate.toDouble()) <= rate.toDouble() * 5e-7;
  }

  /** {@code r} for a message that compares it with {@code other}: exact where the two decimals would read alike. */
  private static String describe(FrameRate r, FrameRate other) {
    if (r == null) return "an unknown rate of";
    boolean alike = other != null && !r.equals(other) && r.toDecimalString().equals(other.toDecimalString());
    return alike ? r.toDecimalString() + " (" + r + ")" : r.toDecimalString();
  }

  private static Optional<Problem> sizeProblem(String where, InputInfo input, Sidecar sidecar) {
    InputInfo.Video v = input.video();
    int w = sidecar.video().width();
    int h = sidecar.video().height();
    if (v.width() == w && v.height() == h) return Optional.empty();
    return Optional.of(new Problem(where, String.format(Locale.ROOT,
        "%s is %dx%d but the master is %dx%d; Patchwork does not scale pictures, so give it the master's size",
        input.path().getFileName(), v.width(), v.height(), w, h)));
  }

  /**
   * Renders {@code request.segment()} into {@code request.output()} (see the class description).
   *
   * @throws ValidationException        if the source or an insert does not fit the master
   * @throws UnsupportedMasterException if the master cannot be matched (also when the rendered segment turns out not to
   *                                    match it)
   * @throws dev.patchwork.ToolFailedException if ffmpeg failed
   * @throws dev.patchwork.CancelledException  if the calling thread was interrupted; ffmpeg is stopped, nothing remains
   */
  @Override
  public void render(Request request) {
    Objects.requireNonNull(request, "request");
    Sidecar sidecar = request.sidecar();
    Segment segment = request.segment();
    validate(sidecar);
    long frameCount = sidecar.master().frameCount();
    if (segment.endExclusive() > frameCount) {
      throw new ValidationException("segment", "segment " + segment + " reaches past the master's " + frameCount + " frames");
    }
    InputInfo master = InputInfo.probe(tools, request.master(), false, "master");
    VideoEncoding encoding = VideoEncoding.of(sidecar, master.video(), format -> firstVideoPacket(master, format));
    if (request.intra() && !encoding.intraOnly() && !encoding.codec().equals("h264")) {
      throw new UnsupportedMasterException(sidecar.master().fileName() + ": intra pictures in the master's picture slots are only made "
          + "for H.264 (x264) masters, not " + sidecar.video().codec());
    }
    Job job = new Job(sidecar, segment, master, encoding, request.intra());
    List<String> argv = job.command();

    Path output = request.output().toAbsolutePath();
    Path dir = output.getParent();
    Path temp;
    try {
      temp = Files.createTempFile(dir, "." + output.getFileName() + ".", ".part");
    } catch (IOException e) {
      throw new PatchworkException("cannot create a temporary file beside " + output + ": " + e.getMessage(), e);
    }
    argv.add(temp.toString());
    boolean done = false;
    try {
      run(argv, segment, PatchListener.safe(request.listener()));
      job.verify(temp);
      move(temp, output);
      done = true;
    } finally {
      if (!done) deleteQuietly(temp);
    }
  }

  private void run(List<String> argv, Segment segment, PatchListener listener) {
    List<String> optionWarnings = Collections.synchronizedList(new ArrayList<>());
    ProcessRunner.command(argv).environment(tools.environment())
        .onProgress(p -> {
          if (p.frame() >= 0) listener.progress(segment, Math.min(p.frame(), segment.frames()), segment.frames());
        })
        .onStderrLine(line -> {
          for (String w : OPTION_WARNINGS) {
            if (line.contains(w)) optionWarnings.add(line.strip());
          }
        })
        .run();
    if (!optionWarnings.isEmpty()) {
      throw new UnsupportedMasterException("the master's encoder settings cannot be matched: the encoder rejected "
          + String.join("; ", optionWarnings));
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // One render

  /** A run of consecutive segment frames taken from one input. */
  private record Piece(InputInfo input, long first, long frames, long masterFrame, Kind kind) {
    enum Kind { MASTER, SOURCE, CLIP }
  }

  private final class Job {
    private final Sidecar sidecar;
    private final Segment segment;
    private final InputInfo master;
    private final VideoEncoding encoding;
    private final FrameRate rate;
    private final List<Piece> video;
    private final List<Piece> audio;
    private final int sampleRate;
    private final String pcmCodec;
    private final List<Long> keyFrames;

    private final boolean intra;

    Job(Sidecar sidecar, Segment segment, InputInfo master, VideoEncoding encoding, boolean intra) {
      this.intra = intra && !encoding.intraOnly();
      this.sidecar = sidecar;
      this.segment = segment;
      this.master = master;
      this.encoding = encoding;
      this.rate = sidecar.master().frameRate();
      this.video = videoPieces();
      Optional<InputInfo.Audio> masterAudio = sidecar.audio().isEmpty() ? Optional.empty() : master.audio();
      this.audio = masterAudio.isPresent() ? audioPieces() : List.of();
      this.sampleRate = masterAudio.map(InputInfo.Audio::sampleRate).orElse(0);
      String codec = sidecar.audio().isEmpty() ? "" : sidecar.audio().get(0).codec();
      this.pcmCodec = MKV_PCM.contains(codec) ? codec : "pcm_s24le";
      this.keyFrames = keyFrames();
    }

    private List<Piece> videoPieces() {
      long s = segment.start();
      long e = segment.endExclusive();
      if (source != null) return List.of(new Piece(source, s, segment.frames(), s, Piece.Kind.SOURCE));
      List<Piece> out = new ArrayList<>();
      long at = s;
      for (Clip c : clips) {
        Optional<FrameRange> over = c.range().intersection(FrameRange.of(s, e));
        if (over.isEmpty()) continue;
        FrameRange o = over.get();
        if (o.start() > at) out.add(new Piece(master, at, o.start() - at, at, Piece.Kind.MASTER));
        out.add(new Piece(c.info(), o.start() - c.insert().frame(), o.frames(), o.start(), Piece.Kind.CLIP));
        at = o.endExclusive();
      }
      if (at < e) out.add(new Piece(master, at, e - at, at, Piece.Kind.MASTER));
      return out;
    }

    /** The audio pieces: from the source or the inserts that have audio, the master's elsewhere; none if none has any. */
    private List<Piece> audioPieces() {
      if (source != null) {
        return source.audio().isPresent() ? video : List.of();
      }
      boolean any = video.stream().anyMatch(p -> p.kind() == Piece.Kind.CLIP && p.input().audio().isPresent());
      if (!any) return List.of();
      List<Piece> out = new ArrayList<>();
      for (Piece p : video) {
        if (p.kind() == Piece.Kind.CLIP && p.input().audio().isEmpty()) {
          out.add(new Piece(master, p.masterFrame(), p.frames(), p.masterFrame(), Piece.Kind.MASTER));
        } else {
          out.add(p);
        }
      }
      return out;
    }

    /**
     * Segment offsets that must be key frames: 0 and every master random-access point inside the segment; every
     * frame for an intra request.
     */
    private List<Long> keyFrames() {
      if (encoding.intraOnly()) return List.of();
      List<Long> out = new ArrayList<>();
      if (intra) {
        for (long i = 0; i < segment.frames(); i++) out.add(i);
        return out;
      }
      out.add(0L);
      for (RandomAccessPoint p : sidecar.masterFacts().randomAccessPoints()) {
        if (p.frame() > segment.start() && p.frame() < segment.endExclusive()) out.add(p.frame() - segment.start());
      }
      return out;
    }

    /** The ffmpeg argv, without the output file name. */
    List<String> command() {
      List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostats", "-loglevel", "warning",
          "-progress", "pipe:1", "-y", "-copyts"));
      StringBuilder graph = new StringBuilder();
      int input = 0;
      List<String> videoLabels = new ArrayList<>();
      for (Piece p : video) {
        BigDecimal seek = videoSeek(p);
        if (!p.input().seeksByIndex()) seek = checkedSeek(p, seek);
        addInput(argv, p.input(), seek);
        String label = "v" + input;
        graph.append('[').append(input).append(':').append(p.input().video().index()).append(']')
            .append(videoCut(p)).append(",setpts=PTS-STARTPTS").append(convert(p.input()))
            .append(",setsar=").append(encoding.sar()).append('[').append(label).append("];");
        videoLabels.add(label);
        input++;
      }
      for (String l : videoLabels) graph.append('[').append(l).append(']');
      if (videoLabels.size() > 1) graph.append("concat=n=").append(videoLabels.size()).append(":v=1:a=0,");
      graph.append("setparams=").append(encoding.setparams())
          .append(",settb=").append(rate.denominator()).append('/').append(rate.numerator()).append(",setpts=N,fps=").append(rate).append("[vout]");

      if (!audio.isEmpty()) {
        // inputs whose audio is cut by counting samples from the start are opened once and split between their pieces
        Map<Path, Integer> counted = new LinkedHashMap<>();
        Map<Path, Integer> branches = new HashMap<>();
        for (Piece p : audio) {
          if (!p.input().audio().orElseThrow().sampleExactTimestamps()) branches.merge(p.input().path(), 1, Integer::sum);
        }
        List<String> audioLabels = new ArrayList<>();
        Map<Path, Integer> used = new HashMap<>();
        for (int i = 0; i < audio.size(); i++) {
          Piece p = audio.get(i);
          InputInfo.Audio a = p.input().audio().orElseThrow();
          long samples = PcmSamples.count(p.masterFrame(), p.masterFrame() + p.frames(), rate, sampleRate);
          String in;
          if (a.sampleExactTimestamps()) {
            in = "[" + input + ":" + a.index() + "]";
            addInput(argv, p.input(), audioSeek(p, a));
            input++;
          } else {
            Path path = p.input().path();
            if (!counted.containsKey(path)) {
              counted.put(path, input);
              addInput(argv, p.input(), BigDecimal.ZERO);
              int n = branches.get(path);
              graph.append(";[").append(input).append(':').append(a.index()).append(']');
              if (n == 1) {
                graph.append("anull[c").append(input).append("_0]");
              } else {
                graph.append("asplit=").append(n);
                for (int b = 0; b < n; b++) graph.append("[c").append(input).append('_').append(b).append(']');
              }
              input++;
            }
            int branch = used.merge(path, 1, Integer::sum) - 1;
            in = "[c" + counted.get(path) + "_" + branch + "]";
          }
          String label = "a" + i;
          graph.append(';').append(in).append(audioCut(p, a)).append(",asetpts=PTS-STARTPTS");
          long silence = leadingSilence(p, a);
          if (silence > 0) graph.append(",adelay=delays=").append(silence).append("S:all=1");
          graph.append(",aformat=sample_fmts=").append(sampleFormat())
              .append(":sample_rates=").append(sampleRate).append(":channel_layouts=").append(layout())
              .append(",apad=whole_len=").append(samples).append(",atrim=end_sample=").append(samples)
              .append('[').append(label).append(']');
          audioLabels.add(label);
        }
        graph.append(';');
        for (String l : audioLabels) graph.append('[').append(l).append(']');
        if (audioLabels.size() > 1) graph.append("concat=n=").append(audioLabels.size()).append(":v=0:a=1,");
        else graph.append("anull,");
        graph.append("asetpts=N/SR/TB[aout]");
      }

      argv.addAll(List.of("-filter_complex", graph.toString(), "-map", "[vout]"));
      argv.addAll(encoding.args());
      if (encoding.codec().equals("mpeg2video")) argv.addAll(List.of("-g", Long.toString(segment.frames() + 1)));
      argv.addAll(List.of("-fps_mode", "passthrough"));
      if (!keyFrames.isEmpty()) argv.addAll(List.of("-force_key_frames", "expr:" + keyFrameExpression(keyFrames)));
      if (intra) argv.addAll(List.of("-forced-idr", "1")); // each frame an IDR picture, whatever open-gop says
      if (!audio.isEmpty()) argv.addAll(List.of("-map", "[aout]", "-c:a", pcmCodec));
      argv.addAll(List.of("-map_metadata", "-1", "-map_chapters", "-1", "-f", "matroska"));
      return argv;
    }

    private void addInput(List<String> argv, InputInfo in, BigDecimal seekSeconds) {
      argv.add("-noaccurate_seek");
      if (seekSeconds.signum() > 0) argv.addAll(List.of("-ss", seekSeconds.toPlainString()));
      argv.addAll(List.of("-i", in.path().toString()));
    }

    /** Where to open an input for a video piece, in seconds from the container's start. */
    private BigDecimal videoSeek(Piece p) {
      InputInfo.Video v = p.input().video();
      FrameRate r = v.rate() != null ? v.rate() : rate;
      BigDecimal time;
      if (p.kind() == Piece.Kind.MASTER && !encoding.intraOnly()) {
        // the random-access point at or before the first frame: decoding starts there
        time = v.start().add(frameTime(rapAtOrBefore(p.first()), r));
      } else if (p.input().seeksByIndex()) {
        // a quarter frame after the first frame's start: a key frame on that very frame is where decoding starts (half a
        // frame before it, the seek went back to the key frame before, a whole GOP of the source decoded for nothing);
        // the next frame starts three quarters later, so no later key frame can be taken
        time = v.start().add(frameTime(p.first(), r)).add(halfFrame(r).divide(BigDecimal.valueOf(2), 12, RoundingMode.HALF_EVEN));
      } else {
        time = v.start().add(frameTime(p.first(), r)).subtract(halfFrame(r));
      }
      return floorMicros(time.subtract(p.input().formatStart()));
    }

    /**
     * For a container that seeks by estimate (MPEG-TS): moves the seek point back until decoding from it yields the
     * piece's first frame or an earlier one (checked by decoding one frame), and gives up seeking after a few tries.
     */
    private BigDecimal checkedSeek(Piece p, BigDecimal seek) {
      InputInfo.Video v = p.input().video();
      FrameRate r = v.rate() != null ? v.rate() : rate;
      BigDecimal wanted = v.start().add(frameTime(p.first(), r)).subtract(halfFrame(r)).subtract(p.input().formatStart());
      for (int attempt = 0; attempt < 4 && seek.signum() > 0; attempt++) {
        Optional<BigDecimal> first = firstFrameAfterSeek(p.input(), seek);
        log.debug("{}: seeking to {} s gives a first frame at {} s (the container's clock)", p.input().path(), seek, first.orElse(null));
        if (first.isPresent() && first.get().subtract(p.input().formatStart()).compareTo(wanted) <= 0) return seek;
        BigDecimal overshoot = first.map(f -> f.subtract(p.input().formatStart()).subtract(wanted)).orElse(BigDecimal.ONE);
        seek = floorMicros(seek.subtract(overshoot).subtract(BigDecimal.valueOf(1L << attempt)));
        log.debug("{}: seeking missed frame {}; trying {} s", p.input().path(), p.first(), seek);
      }
      return seek.signum() > 0 ? seek : BigDecimal.ZERO;
    }

    private long rapAtOrBefore(long frame) {
      MasterFacts facts = sidecar.masterFacts();
      long best = 0;
      for (RandomAccessPoint p : facts.randomAccessPoints()) {
        if (p.frame() <= frame) best = p.frame();
        else break;
      }
      return best;
    }

    /** The video frames of a piece, by their timestamps with half a frame of margin: {@code trim=start=…:end=…}. */
    private String videoCut(Piece p) {
      InputInfo.Video v = p.input().video();
      FrameRate r = v.rate() != null ? v.rate() : rate;
      BigDecimal start = v.start().add(frameTime(p.first(), r)).subtract(halfFrame(r));
      BigDecimal end = v.start().add(frameTime(p.first() + p.frames(), r)).subtract(halfFrame(r));
      StringBuilder sb = new StringBuilder("trim=");
      if (p.first() > 0) sb.append("start=").append(micros(start)).append(':');
      sb.append("end=").append(micros(end));
      return sb.toString();
    }

    /** Conversion into the master's pixel format (and, from RGB, with the master's matrix and range). */
    private String convert(InputInfo in) {
      String from = in.video().pixFmt();
      if (from.equals(encoding.pixFmt())) return "";
      StringBuilder sb = new StringBuilder();
      boolean rgb = from.startsWith("rgb") || from.startsWith("bgr") || from.startsWith("gbr") || from.startsWith("argb")
          || from.startsWith("abgr") || from.startsWith("0rgb") || from.startsWith("0bgr");
      if (rgb) {
        String matrix = switch (Objects.requireNonNullElse(sidecar.video().color().matrix(), "")) {
          case "bt709" -> "bt709";
          case "bt470bg", "smpte170m" -> "bt601";
          case "smpte240m" -> "smpte240m";
          case "fcc" -> "fcc";
          case "bt2020nc", "bt2020c" -> "bt2020";
          default -> "";
        };
        List<String> opts = new ArrayList<>();
        if (!matrix.isEmpty()) opts.add("out_color_matrix=" + matrix);
        String range = sidecar.video().color().range();
        if (range != null) opts.add("out_range=" + range);
        if (!opts.isEmpty()) sb.append(",scale=").append(String.join(":", opts));
      }
      return sb.append(",format=").append(encoding.pixFmt()).toString();
    }

    /** Where to open an input for an audio piece cut by timestamp: a second before its first sample. */
    private BigDecimal audioSeek(Piece p, InputInfo.Audio a) {
      InputInfo in = p.input();
      long first = PcmSamples.startOf(p.first(), rate, a.sampleRate());
      BigDecimal target = in.video().start().add(BigDecimal.valueOf(first).divide(BigDecimal.valueOf(a.sampleRate()), 9, RoundingMode.HALF_UP));
      return floorMicros(target.subtract(BigDecimal.ONE).subtract(in.formatStart()));
    }

    /**
     * The cut of an audio piece ({@code atrim=…}). The timeline's zero is the input's first video frame; inside ffmpeg's
     * filters audio timestamps count samples ({@code 1/sample rate}), so with sample-exact container timestamps the cut
     * is by timestamp, otherwise (Matroska's milliseconds) by counting samples from the stream's first one.
     */
    private String audioCut(Piece p, InputInfo.Audio a) {
      InputInfo in = p.input();
      BigDecimal v0 = in.video().start();
      long first = PcmSamples.startOf(p.first(), rate, a.sampleRate());
      long last = PcmSamples.startOf(p.first() + p.frames(), rate, a.sampleRate());
      if (a.sampleExactTimestamps()) {
        long zero = samples(v0, a.sampleRate());
        return "atrim=start_pts=" + (zero + first) + ":end_pts=" + (zero + last);
      }
      long offset = samples(v0.subtract(a.start()), a.sampleRate());
      return "atrim=start_sample=" + Math.max(0, offset + first) + ":end_sample=" + Math.max(0, offset + last);
    }

    /**
     * Samples of silence before an audio piece's first sample where the input's sound starts after the piece's first
     * frame (audio that begins half a second into the picture): the cut yields only the samples from there on, which
     * must keep their place after the frame.
     */
    private long leadingSilence(Piece p, InputInfo.Audio a) {
      long audioFirst = samples(a.start(), a.sampleRate());
      long videoFirst = samples(p.input().video().start(), a.sampleRate());
      long first = PcmSamples.startOf(p.first(), rate, a.sampleRate());
      return Math.max(0, audioFirst - videoFirst - first);
    }

    /** {@code seconds} as a number of samples at {@code sampleRate}, rounded half up. */
    private static long samples(BigDecimal seconds, int sampleRate) {
      return seconds.multiply(BigDecimal.valueOf(sampleRate)).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    private String sampleFormat() {
      return switch (pcmCodec) {
        case "pcm_s16le", "pcm_s16be" -> "s16";
        case "pcm_f32le" -> "flt";
        case "pcm_f64le" -> "dbl";
        case "pcm_u8" -> "u8";
        default -> "s32";
      };
    }

    private String layout() {
      String l = sidecar.audio().get(0).layout();
      if (l == null || l.isBlank()) l = master.audio().map(InputInfo.Audio::layout).orElse("");
      if (l.isBlank()) l = sidecar.audio().get(0).channels() + "c";
      return l;
    }

    private int bytesPerSample() {
      return switch (pcmCodec) {
        case "pcm_s16le", "pcm_s16be" -> 2;
        case "pcm_s24le", "pcm_s24be" -> 3;
        case "pcm_f64le" -> 8;
        case "pcm_u8" -> 1;
        default -> 4;
      };
    }

    // --- checks ---------------------------------------------------------------------------------------------

    void verify(Path temp) {
      String what = "the rendered segment " + segment;
      MediaProbe probe;
      FfprobeProber.Probed probed;
      try {
        // with the audio's length and the video's extradata from the same ffprobe runs
        probed = new FfprobeProber(tools).probe(temp, !audio.isEmpty());
        probe = probed.media();
      } catch (ValidationException | UnsupportedMasterException e) {
        throw new PatchworkException(what + " is not usable: " + e.getMessage(), e);
      }
      if (probe.frameCount() != segment.frames()) {
        throw new PatchworkException(what + " has " + probe.frameCount() + " frames; expected " + segment.frames());
      }
      if (!encoding.intraOnly()) {
        List<Long> actual = new ArrayList<>();
        if (probe.intraOnly()) {
          for (long i = 0; i < probe.frameCount(); i++) actual.add(i);
        } else {
          for (AccessPoint p : probe.accessPoints()) actual.add(p.frame());
        }
        if (!actual.equals(keyFrames)) {
          throw new PatchworkException(what + " has random-access points at offsets " + actual + "; the master's GOP structure needs "
              + keyFrames);
        }
        if (!probe.intraOnly()) {
          AccessPoint first = probe.accessPoints().get(0);
          if (!first.isClosed() || first.kind() == AccessPoint.Kind.CRA || first.kind() == AccessPoint.Kind.OPEN_GOP) {
            throw new PatchworkException(what + " does not start with a closed random-access point (" + first.kind() + ")");
          }
        }
      }
      InputInfo rendered = InputInfo.of(tools, temp, probed.description(), false, "segment");
      List<String> differences = new ArrayList<>();
      List<String> fields = new ArrayList<>(List.of("codec_name", "profile", "pix_fmt", "width", "height", "sample_aspect_ratio",
          "color_range", "color_space", "color_transfer", "color_primaries"));
      if (List.of("h264", "hevc", "mpeg2video").contains(encoding.codec())) fields.add("level");
      for (String f : fields) {
        String m = master.video().field(f);
        String r = rendered.video().field(f);
        // where the master's stream says nothing (no VUI colour, no aspect ratio), the segment's container may still tag a
        // default (ffmpeg tags YUV as limited range): only what the master states must match
        if (m.isEmpty() || m.equals("0:1")) continue;
        if (!m.equals(r)) differences.add(f + " " + (r.isEmpty() ? "(none)" : r) + " instead of " + (m.isEmpty() ? "(none)" : m));
      }
      if (!differences.isEmpty()) {
        throw new UnsupportedMasterException(sidecar.master().fileName() + ": the re-encoded segment does not match the master ("
            + String.join(", ", differences) + "); Patchwork refuses rather than splice a different stream into it");
      }
      if (!audio.isEmpty()) {
        long expected = PcmSamples.count(segment.start(), segment.endExclusive(), rate, sampleRate);
        long actual = probe.audioStreams().isEmpty() ? 0
            : probed.audio().get(0).bytes() / ((long) sidecar.audio().get(0).channels() * bytesPerSample());
        if (actual != expected) throw new PatchworkException(what + " has " + actual + " audio samples; expected " + expected);
      }
      if (encoding.codec().equals("h264") || encoding.codec().equals("hevc")) {
        boolean hevc = encoding.codec().equals("hevc");
        List<String> m = ParameterSets.of(master.video().extradata(), hevc);
        byte[] own = probed.videoExtradata() != null ? probed.videoExtradata() : rendered.video().extradata();
        if (!m.isEmpty() && !m.equals(ParameterSets.of(own, hevc))) {
          log.warn("{}: the segment's parameter sets differ from the master's; the splice must carry them in-band", what);
        }
      }
    }

  }

  // ---------------------------------------------------------------------------------------------------------
  // ffmpeg/ffprobe helpers

  /** The time (seconds, the container's clock) of the first frame decoding yields after seeking to {@code seek}. */
  private Optional<BigDecimal> firstFrameAfterSeek(InputInfo in, BigDecimal seek) {
    List<String> argv = List.of(tools.ffmpeg().toString(), "-hide_banner", "-v", "info", "-nostdin", "-nostats", "-copyts", "-noaccurate_seek",
        "-ss", seek.toPlainString(), "-i", in.path().toString(), "-map", "0:" + in.video().index(), "-frames:v", "1",
        "-vf", "showinfo", "-f", "null", "-");
    List<String> found = new ArrayList<>();
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).onStderrLine(line -> {
      int at = line.indexOf("pts_time:");
      if (at >= 0 && found.isEmpty()) found.add(line.substring(at + "pts_time:".length()).strip().split("\\s+")[0]);
    }).run();
    try {
      return found.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(found.get(0)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The master's first video packet as a raw elementary stream of {@code format} ({@code h264}: Annex B with its SPS and
   * PPS; {@code mpeg2video}: with its sequence and picture headers).
   */
  private byte[] firstVideoPacket(InputInfo master, String format) {
    List<String> argv = List.of(tools.ffmpeg().toString(), "-hide_banner", "-v", "error", "-nostdin", "-i", master.path().toString(),
        "-map", "0:" + master.video().index(), "-c", "copy", "-frames:v", "1", "-f", format, "pipe:1");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false).onStdout(in -> in.transferTo(out)).run();
    return out.toByteArray();
  }

  /**
   * A {@code -force_key_frames expr:} expression true exactly at {@code frames}: runs with a constant step become one
   * {@code between(n,a,b)*not(mod(n-a,step))} term, the rest {@code eq(n,x)}.
   */
  static String keyFrameExpression(List<Long> frames) {
    List<String> terms = new ArrayList<>();
    int i = 0;
    while (i < frames.size()) {
      int j = i;
      if (i + 2 < frames.size()) {
        long step = frames.get(i + 1) - frames.get(i);
        j = i + 1;
        while (j + 1 < frames.size() && frames.get(j + 1) - frames.get(j) == step) j++;
        if (j - i >= 2) {
          terms.add("between(n," + frames.get(i) + "," + frames.get(j) + ")*not(mod(n-" + frames.get(i) + "," + step + "))");
          i = j + 1;
          continue;
        }
      }
      terms.add("eq(n," + frames.get(i) + ")");
      i++;
    }
    return String.join("+", terms);
  }

  private static BigDecimal frameTime(long frame, FrameRate rate) {
    return BigDecimal.valueOf(frame).multiply(BigDecimal.valueOf(rate.denominator()))
        .divide(BigDecimal.valueOf(rate.numerator()), 12, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal halfFrame(FrameRate rate) {
    return BigDecimal.valueOf(rate.denominator()).divide(BigDecimal.valueOf(rate.numerator() * 2), 12, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal floorMicros(BigDecimal seconds) {
    return seconds.signum() <= 0 ? BigDecimal.ZERO : seconds.setScale(6, RoundingMode.FLOOR);
  }

  private static String micros(BigDecimal seconds) {
    return seconds.max(BigDecimal.ZERO).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static void move(Path temp, Path output) {
    try {
      try {
        Files.move(temp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, output, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the rendered segment to " + output, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("cannot delete the temporary file {}", p, e);
    }
  }

  // --- frame-range arithmetic for checkChangesAgree ---------------------------------------------------------

  private static List<FrameRange> union(List<Change> changes) {
    List<FrameRange> ranges = new ArrayList<>();
    for (Change c : changes) ranges.add(c.range());
    ranges.sort(Comparator.naturalOrder());
    List<FrameRange> out = new ArrayList<>();
    for (FrameRange r : ranges) {
      if (!out.isEmpty() && (out.get(out.size() - 1).overlaps(r) || out.get(out.size() - 1).meets(r))) {
        out.set(out.size() - 1, out.get(out.size() - 1).span(r));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  private static List<FrameRange> minus(List<FrameRange> from, List<FrameRange> take) {
    List<FrameRange> out = new ArrayList<>(from);
    for (FrameRange t : take) {
      List<FrameRange> next = new ArrayList<>();
      for (FrameRange r : out) {
        if (!r.overlaps(t)) {
          next.add(r);
          continue;
        }
        if (r.start() < t.start()) next.add(FrameRange.of(r.start(), t.start()));
        if (t.endExclusive() < r.endExclusive()) next.add(FrameRange.of(t.endExclusive(), r.endExclusive()));
      }
      out = next;
    }
    return out;
  }

  private static String describe(List<FrameRange> ranges) {
    if (ranges.isEmpty()) return "no frames";
    List<String> parts = new ArrayList<>();
    for (FrameRange r : ranges) parts.add(r.start() + ".." + r.lastFrame());
    return String.join(", ", parts);
  }
}
