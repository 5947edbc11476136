package dev.patchwork.ffmpeg;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.ffmpeg.MasterSettings.Audio;
import dev.patchwork.ffmpeg.MasterSettings.Codec;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.ChunkPlan;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.spi.ChunkExecutor;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkReport;
import dev.patchwork.spi.ChunkTask;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first render of a deliverable from a source, in GOP-aligned chunks that render in parallel and are spliced by stream
 * copy.
 *
 * <ul>
 *   <li>{@link #plan} probes the source and makes the {@link ChunkJob}: a {@link ChunkPlan} of chunks of about
 *       {@link MasterSettings#chunkDuration()} (whole GOPs, balanced), one video task per chunk and one audio task for the
 *       whole file. Each video chunk is encoded with a fixed, closed GOP and starts with a closed IDR (MPEG-2: a closed
 *       GOP), so chunk edges are GOP edges and the spliced stream has the GOP structure one monolithic encode with the
 *       same settings gives.
 *   <li>{@link #render} runs the job on a {@link ChunkExecutor} ({@link LocalChunkExecutor} by default) with an
 *       {@link FfmpegChunkRenderer}: chunks are rendered (or found complete from an earlier run), the audio is encoded once,
 *       everything is spliced with ffmpeg's concat demuxer ({@code -auto_convert 0}, every packet copied), verified
 *       (frame count, constant frame rate, key frames, stream parameters, timecode, a full decode without errors) and the
 *       output's sidecar ({@code OUT.patchwork.toml}) is written by {@link FfmpegAdopter}.
 * </ul>
 *
 * <h2>One chunk's ffmpeg run</h2>
 *
 * <pre>
 * ffmpeg -copyts -noaccurate_seek -ss &lt;key frame before the chunk&gt; -i SOURCE -map 0:V
 *   -vf trim=start=&lt;t(first) − ½ frame&gt;:end=&lt;t(end) − ½ frame&gt;,setpts=PTS-STARTPTS
 *   -fps_mode cfr -r RATE -frames:v N &lt;encoder settings&gt; -an -map_metadata -1 -f mov CHUNK
 * </pre>
 *
 * Frames are cut by their own timestamps after a seek to a key frame, so nothing is decoded from frame 0; {@code -r}
 * gives the encoder the time base {@code 1/rate} and every packet its duration.
 *
 * <p>Immutable and thread-safe.
 */
public final class MasterRender {

  private static final Logger log = LoggerFactory.getLogger(MasterRender.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Seconds to seek before a chunk in containers that seek by estimate (MPEG-TS): decoding then reaches the chunk. */
  private static final BigDecimal ESTIMATED_SEEK_MARGIN = BigDecimal.TEN;
  private static final String AAC_BITRATE = "256k";

  /** x264's and x265's presets, fastest first: an unknown name would fail every chunk only once ffmpeg runs. */
  static final List<String> X26X_PRESETS = List.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
      "veryslow", "placebo");
  private static final Map<String, String> EXTENSIONS = Map.of("mp4", "mp4", "m4v", "mp4", "mov", "mov", "qt", "mov", "mxf", "mxf",
      "mkv", "matroska");
  private static final Map<String, Set<Codec>> CONTAINER_CODECS = Map.of(
      "mp4", Set.of(Codec.H264, Codec.HEVC, Codec.MPEG2),
      "mov", Set.of(Codec.values()),
      "mxf", Set.of(Codec.DNXHR, Codec.MPEG2),
      "matroska", Set.of(Codec.values()));
  /** Audio codecs each container takes by stream copy (besides what a render writes). */
  private static final Map<String, Set<String>> CONTAINER_AUDIO = Map.of(
      "mp4", Set.of("aac", "mp3", "ac3", "eac3", "alac", "opus", "flac"),
      "mxf", Set.of("pcm_s16le", "pcm_s24le"));

  private final FfmpegTools tools;

  public MasterRender(FfmpegTools tools) {
    this.tools = Objects.requireNonNull(tools, "tools");
  }

  public FfmpegTools tools() {
    return tools;
  }

  /**
   * Plans the render of {@code source} into {@code output}: probes the source (one ffprobe call, plus a count of its
   * video packets where the container does not state the frame count) and checks the settings against it and the
   * output's container. Writes nothing.
   *
   * @throws ValidationException naming each problem: a missing or unreadable source, one without video or a known frame
   *                             rate, an output that exists or whose directory does not, a codec or audio the container
   *                             cannot hold, settings the codec does not take
   */
  public ChunkJob plan(Path source, Path output, MasterSettings settings) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(settings, "settings");
    Path src = source.toAbsolutePath().normalize();
    Path out = output.toAbsolutePath().normalize();
    List<Problem> problems = new ArrayList<>();
    String container = container(out, settings.codec(), problems);
    Path dir = out.getParent();
    if (dir == null || !Files.isDirectory(dir)) problems.add(new Problem("-o", "the directory " + dir + " does not exist"));
    if (out.equals(src)) problems.add(new Problem("-o", "is the source itself"));
    checkRateControl(settings, problems);
    if (!problems.isEmpty()) throw new ValidationException(problems);

    InputInfo in = InputInfo.probe(tools, src, true, "<source>");
    InputInfo.Video v = in.video();
    if (v.rate() == null) throw new ValidationException("<source>", src + " does not state a frame rate for its video");
    if (v.frameCount() <= 0) throw new ValidationException("<source>", src + " has no video frames");
    FrameRate rate = v.rate();
    long frames = v.frameCount();
    Codec codec = settings.codec();
    if ((codec == Codec.H264 || codec == Codec.HEVC || codec == Codec.MPEG2) && (v.width() % 2 != 0 || v.height() % 2 != 0)) {
      // 4:2:0 halves the chroma both ways: the encoder cannot take the pictures, and every chunk would fail three times
      throw new ValidationException("<source>", src + " has pictures of " + v.width() + "x" + v.height() + "; " + codec
          + " in 4:2:0 needs an even width and height; crop or pad the source first, or render ProRes");
    }
    int gop = codec.intraOnly() ? 1 : settings.gop() > 0 ? settings.gop() : defaultGop(rate);
    Audio audio = settings.audio() != null ? settings.audio() : (codec == Codec.H264 || codec == Codec.HEVC ? Audio.AAC : Audio.PCM);
    Optional<InputInfo.Audio> sourceAudio = in.audio();
    checkAudio(audio, container, sourceAudio, problems);
    if (!problems.isEmpty()) throw new ValidationException(problems);

    ChunkPlan plan = ChunkPlan.of(frames, rate, gop, settings.chunkDuration());
    String id = ChunkJob.idFor(out);
    Path work = dir.resolve("." + out.getFileName() + ".patchwork-chunks");
    Encoder encoder = new Encoder(codec, settings, gop, rate);
    List<ChunkTask> tasks = new ArrayList<>();
    for (FrameRange r : plan.chunks()) {
      String name = String.format(Locale.ROOT, "chunk-%05d.mov", tasks.size());
      tasks.add(ChunkTask.video(tasks.size(), r, work.resolve(name).toString(), videoArguments(in, r, rate, encoder), "mov"));
    }
    Path audioOut = null;
    if (sourceAudio.isPresent() && audio != Audio.COPY) {
      audioOut = work.resolve("audio.mov");
      tasks.add(ChunkTask.audio(tasks.size(), frames, audioOut.toString(), audioArguments(in, sourceAudio.get(), frames, rate, audio), "mov"));
    }
    Timecode timecode = sourceTimecode(src, rate);
    List<String> assembly = assemblyArguments(src, sourceAudio, audioOut, timecode, codec, container);
    Duration limit = settings.timeLimit() != null ? settings.timeLimit()
        : Duration.ofMinutes(10).plus(settings.chunkDuration().multipliedBy(30));
    ChunkJob job = ChunkJob.create(id, src.toString(), stamp(src), out.toString(), work.toString(), rate, frames, gop, codec.intraOnly(),
        timecode, tasks, assembly, container, limit);
    log.debug("planned {}: {} frames at {} in {} chunks of GOP {}, {}", out, frames, rate, plan.chunks().size(), gop, container);
    return job;
  }

  /**
   * The command of one monolithic ffmpeg encode of {@code source} into {@code output} with the same settings as
   * {@link #plan} (video, the same audio treatment, timecode and container, in one run): what a chunked render is compared
   * with. The executable comes first; run it with {@link FfmpegTools#environment()}.
   *
   * @throws ValidationException as {@link #plan}
   */
  public List<String> monolithicCommand(Path source, Path output, MasterSettings settings) {
    ChunkJob job = plan(source, output, settings);
    InputInfo in = InputInfo.probe(tools, Path.of(job.source()), false, "<source>");
    FrameRate rate = job.rate();
    Codec codec = settings.codec();
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning",
        "-y", "-i", job.source(), "-map", "0:" + in.video().index(), "-fps_mode", "cfr", "-r", rate.toString(), "-frames:v",
        Long.toString(job.frameCount())));
    argv.addAll(new Encoder(codec, settings, job.gop(), rate).args(job.frameCount()));
    Optional<ChunkTask> audio = job.audioTask();
    if (audio.isPresent()) {
      List<String> a = audio.get().arguments();
      // the audio task's stream map, filter and encoder, without its input
      argv.addAll(List.of("-map", "0:" + in.audio().orElseThrow().index()));
      argv.addAll(a.subList(a.indexOf("-af"), a.indexOf("-map_metadata")));
    } else if (in.audio().isPresent() && settings.audio() == Audio.COPY) {
      argv.addAll(List.of("-map", "0:" + in.audio().get().index(), "-c:a", "copy"));
    }
    argv.addAll(List.of("-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1"));
    job.timecode().ifPresent(tc -> argv.addAll(List.of("-timecode", tc.toString())));
    argv.addAll(List.of("-f", job.format(), output.toAbsolutePath().toString()));
    return argv;
  }

  /**
   * Plans and runs the render on {@code executor}. Running it again after a failure or an interruption resumes: chunks
   * whose files are complete are kept.
   *
   * @throws ValidationException                  see {@link #plan}; also if the output exists already
   * @throws dev.patchwork.ToolFailedException    if a chunk still failed after its retries, or the splice failed
   * @throws dev.patchwork.VerificationException  if the spliced output failed verification (nothing was published)
   * @throws dev.patchwork.CancelledException     if interrupted
   */
  public MasterResult render(Path source, Path output, MasterSettings settings, ChunkExecutor executor, PatchListener listener) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(listener, "listener");
    Path out = output.toAbsolutePath();
    if (Files.exists(out)) {
      throw new ValidationException("-o", out + " exists; Patchwork does not overwrite a deliverable. Remove it (and its sidecar) or "
          + "choose another output");
    }
    return run(plan(source, output, settings), executor, listener);
  }

  /**
   * Runs a planned job (see {@link #render}); an executor that finds the job assembled already (a distributed one whose
   * job finished while its coordinator was away) returns at once.
   */
  public MasterResult run(ChunkJob job, ChunkExecutor executor, PatchListener listener) {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(listener, "listener");
    long start = System.nanoTime();
    ChunkReport report = executor.execute(job, new FfmpegChunkRenderer(tools), PatchListener.safe(listener));
    Path out = Path.of(job.output());
    return new MasterResult(out, SidecarPaths.defaultFor(out), job, report, Duration.ofNanos(System.nanoTime() - start));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Checks

  private static String container(Path out, Codec codec, List<Problem> problems) {
    String name = out.getFileName() == null ? "" : out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String container;
    if (dot <= 0) {
      container = codec.defaultContainer();
    } else {
      container = EXTENSIONS.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (container == null) {
        problems.add(new Problem("-o", "unknown container extension '" + name.substring(dot) + "'; expected .mp4, .mov, .mxf or .mkv"
            + " (" + codec.cliName() + " defaults to ." + codec.defaultContainer() + ")"));
        return codec.defaultContainer();
      }
    }
    if (!CONTAINER_CODECS.get(container).contains(codec)) {
      problems.add(new Problem("--codec", codec.cliName() + " cannot be written to " + container.toUpperCase(Locale.ROOT)
          + "; use ." + codec.defaultContainer() + " or .mov"));
    }
    return container;
  }

  private static void checkRateControl(MasterSettings s, List<Problem> problems) {
    Codec c = s.codec();
    if (s.crf() != null && s.bitrate() > 0) problems.add(new Problem("--crf", "give --crf or --bitrate, not both"));
    if (c.intraOnly()) {
      if (s.gop() > 0) problems.add(new Problem("--gop", c.cliName() + " is intra-only: every frame is a key frame, there is no GOP to set"));
      if (s.crf() != null) problems.add(new Problem("--crf", c.cliName() + "'s quality is fixed by its profile; it takes no --crf"));
      if (s.bitrate() > 0) problems.add(new Problem("--bitrate", c.cliName() + "'s data rate is fixed by its profile; it takes no --bitrate"));
    }
    if (c == Codec.MPEG2 && s.crf() != null) problems.add(new Problem("--crf", "mpeg2 is encoded at a bit rate; use --bitrate"));
    if (s.crf() != null && (s.crf() < 0 || s.crf() > 51)) problems.add(new Problem("--crf", "must be 0-51, not " + s.crf()));
    if (s.preset() != null && (c == Codec.H264 || c == Codec.HEVC) && !X26X_PRESETS.contains(s.preset())) {
      problems.add(new Problem("--preset", "not an x264/x265 preset name: '" + s.preset() + "'; expected one of "
          + String.join(", ", X26X_PRESETS)));
    }
  }

  private static void checkAudio(Audio audio, String container, Optional<InputInfo.Audio> source, List<Problem> problems) {
    if (source.isEmpty()) return;
    if (audio == Audio.PCM && container.equals("mp4")) {
      problems.add(new Problem("--audio", "MP4 does not hold PCM audio; use --audio aac or a .mov output"));
    }
    if (audio == Audio.AAC && container.equals("mxf")) {
      problems.add(new Problem("--audio", "MXF holds PCM audio only; use --audio pcm"));
    }
    if (audio == Audio.COPY) {
      Set<String> allowed = CONTAINER_AUDIO.get(container);
      String codec = source.get().codec();
      if (allowed != null && !allowed.contains(codec)) {
        problems.add(new Problem("--audio", "the source's " + codec + " audio cannot be copied into " + container.toUpperCase(Locale.ROOT)
            + "; use --audio " + (container.equals("mxf") ? "pcm" : "aac")));
      }
    }
  }

  /** About two seconds of frames: {@code round(2 · rate)}. */
  static int defaultGop(FrameRate rate) {
    long num = 2 * rate.numerator();
    return Math.toIntExact(Math.max(1, (2 * num + rate.denominator()) / (2 * rate.denominator())));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Arguments

  /** Encoder arguments per codec. */
  record Encoder(Codec codec, MasterSettings settings, int gop, FrameRate rate) {

    List<String> args(long chunkFrames) {
      List<String> a = new ArrayList<>();
      int threads = settings.encoderThreads();
      String preset = settings.preset() != null ? settings.preset() : "medium";
      switch (codec) {
        case H264 -> {
          a.addAll(List.of("-c:v", "libx264", "-preset", preset, "-profile:v", "high", "-pix_fmt", "yuv420p"));
          rateControl(a, 18);
          String params = "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0:open-gop=0" + (threads > 0 ? ":threads=" + threads : "");
          a.addAll(List.of("-x264-params", params));
        }
        case HEVC -> {
          a.addAll(List.of("-c:v", "libx265", "-preset", preset, "-profile:v", "main", "-pix_fmt", "yuv420p", "-tag:v", "hvc1"));
          rateControl(a, 20);
          String params = "keyint=" + gop + ":min-keyint=" + gop + ":scenecut=0:open-gop=0:log-level=error"
              + (threads > 0 ? ":pools=" + threads + ":frame-threads=" + Math.min(threads, 4) : "");
          a.addAll(List.of("-x265-params", params));
        }
        case PRORES -> {
          a.addAll(List.of("-c:v", "prores_ks", "-profile:v", "hq", "-vendor", "apl0", "-pix_fmt", "yuv422p10le"));
          if (threads > 0) a.addAll(List.of("-threads", Integer.toString(threads)));
        }
        case DNXHR -> {
          a.addAll(List.of("-c:v", "dnxhd", "-profile:v", "dnxhr_hq", "-pix_fmt", "yuv422p"));
          if (threads > 0) a.addAll(List.of("-threads", Integer.toString(threads)));
        }
        case MPEG2 -> {
          long bits = settings.bitrate() > 0 ? settings.bitrate() : 50_000_000L;
          // VBV: about 0.36 s of data in whole 16 kbit units (50 Mb/s gives XDCAM HD422's 17,825,792 bits)
          long vbv = Math.max(16384, bits * 9 / 25 / 16384 * 16384);
          a.addAll(List.of("-c:v", "mpeg2video", "-pix_fmt", "yuv422p", "-profile:v", "0", "-level:v", "2", "-b:v", Long.toString(bits),
              "-maxrate", Long.toString(bits), "-bufsize", Long.toString(vbv), "-bf", "2", "-flags", "+cgop",
              "-sc_threshold", "1000000000",
              // every I-frame forced at the GOP length; the encoder's own GOP longer than the chunk (mpeg2video would
              // otherwise end a stream that stops mid-GOP with an I-frame)
              "-g", Long.toString(chunkFrames + 1), "-force_key_frames", "expr:not(mod(n," + gop + "))"));
          if (threads > 0) a.addAll(List.of("-threads", Integer.toString(threads)));
        }
        default -> throw new IllegalStateException("codec " + codec);
      }
      return a;
    }

    private void rateControl(List<String> a, int defaultCrf) {
      if (settings.bitrate() > 0) {
        String b = Long.toString(settings.bitrate());
        a.addAll(List.of("-b:v", b, "-maxrate", b, "-bufsize", Long.toString(2 * settings.bitrate())));
      } else {
        a.addAll(List.of("-crf", Integer.toString(settings.crf() != null ? settings.crf() : defaultCrf)));
      }
    }
  }

  /** A video chunk's arguments: seek, cut by timestamp, constant frame rate, the encoder; no audio, no metadata. */
  static List<String> videoArguments(InputInfo in, FrameRange chunk, FrameRate rate, Encoder encoder) {
    InputInfo.Video v = in.video();
    BigDecimal half = halfFrame(rate);
    BigDecimal start = v.start().add(frameTime(chunk.start(), rate)).subtract(half);
    BigDecimal end = v.start().add(frameTime(chunk.endExclusive(), rate)).subtract(half);
    List<String> a = new ArrayList<>(List.of("-copyts", "-noaccurate_seek"));
    if (chunk.start() > 0) {
      BigDecimal seek = start.subtract(in.formatStart());
      if (!in.seeksByIndex()) seek = seek.subtract(ESTIMATED_SEEK_MARGIN);
      if (seek.signum() > 0) a.addAll(List.of("-ss", seek.setScale(6, RoundingMode.FLOOR).toPlainString()));
    }
    a.addAll(List.of("-i", in.path().toString(), "-map", "0:" + v.index()));
    String trim = "trim=" + (chunk.start() > 0 ? "start=" + micros(start) + ":" : "") + "end=" + micros(end);
    a.addAll(List.of("-vf", trim + ",setpts=PTS-STARTPTS", "-fps_mode", "cfr", "-r", rate.toString(),
        "-frames:v", Long.toString(chunk.frames())));
    a.addAll(encoder.args(chunk.frames()));
    a.addAll(List.of("-an", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1", "-write_tmcd", "0"));
    return a;
  }

  /**
   * The audio task's arguments: the source's first audio stream aligned to its first video frame and made exactly as long as
   * the video ({@link PcmSamples#count}), then AAC or 24-bit PCM.
   */
  static List<String> audioArguments(InputInfo in, InputInfo.Audio a, long frames, FrameRate rate, Audio mode) {
    int sr = a.sampleRate();
    long samples = PcmSamples.count(0, frames, rate, sr);
    long offset = in.video().start().subtract(a.start()).multiply(BigDecimal.valueOf(sr)).setScale(0, RoundingMode.HALF_UP).longValueExact();
    StringBuilder af = new StringBuilder();
    if (offset > 0) af.append("atrim=start_sample=").append(offset).append(',');
    if (offset < 0) af.append("adelay=delays=").append(-offset).append("S:all=1,");
    af.append("asetpts=N/SR/TB,apad=whole_len=").append(samples).append(",atrim=end_sample=").append(samples);
    List<String> args = new ArrayList<>(List.of("-i", in.path().toString(), "-map", "0:" + a.index(), "-vn", "-sn", "-dn",
        "-af", af.toString()));
    if (mode == Audio.AAC) {
      args.addAll(List.of("-c:a", "aac", "-b:a", AAC_BITRATE));
    } else {
      args.addAll(List.of("-c:a", "pcm_s24le"));
    }
    args.addAll(List.of("-map_metadata", "-1", "-map_chapters", "-1"));
    return args;
  }

  /** The splice's arguments after the concatenated video (input 0): the audio, stream copy, timecode, tags. */
  static List<String> assemblyArguments(Path source, Optional<InputInfo.Audio> sourceAudio, Path audioOut, Timecode timecode, Codec codec,
      String container) {
    List<String> a = new ArrayList<>();
    if (audioOut != null) {
      a.addAll(List.of("-i", audioOut.toString(), "-map", "0:v:0", "-map", "1:a:0"));
    } else if (sourceAudio.isPresent()) {
      a.addAll(List.of("-i", source.toString(), "-map", "0:v:0", "-map", "1:" + sourceAudio.get().index()));
    } else {
      a.addAll(List.of("-map", "0:v:0"));
    }
    a.addAll(List.of("-c", "copy", "-map_metadata", "-1", "-map_chapters", "-1"));
    if (codec == Codec.HEVC && !container.equals("matroska")) a.addAll(List.of("-tag:v", "hvc1"));
    if (timecode != null) a.addAll(List.of("-timecode", timecode.toString()));
    return a;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Source facts

  /** The source's start timecode (video stream, container, or any stream's {@code timecode} tag), if it has a valid one. */
  private Timecode sourceTimecode(Path source, FrameRate rate) {
    List<String> argv = List.of(tools.ffprobe().toString(), "-v", "error", "-show_entries", "format_tags:stream=codec_type:stream_tags",
        "-of", "json", source.toString());
    String text;
    try {
      JsonNode root = JSON.readTree(ProcessRunner.command(argv).environment(tools.environment()).collectStdout().quitOnCancel(false).run().stdout());
      List<String> found = new ArrayList<>();
      for (JsonNode s : root.path("streams")) {
        String tc = timecodeTag(s.path("tags"));
        if (!tc.isEmpty()) {
          if (s.path("codec_type").asText("").equals("video")) found.add(0, tc);
          else found.add(tc);
        }
      }
      String f = timecodeTag(root.path("format").path("tags"));
      if (!f.isEmpty()) found.add(found.isEmpty() ? 0 : 1, f);
      if (found.isEmpty()) return null;
      text = found.get(0);
    } catch (IOException | ToolFailedException e) {
      log.warn("cannot read the timecode of {}: {}", source, e.getMessage());
      return null;
    }
    if (!rate.isIntegral() && !rate.supportsDropFrame() && text.contains(";")) text = text.replace(';', ':');
    try {
      return Timecode.parse(text, rate);
    } catch (IllegalArgumentException e) {
      log.warn("{}: ignoring its start timecode '{}': {}", source, text, e.getMessage());
      return null;
    }
  }

  /** A {@code timecode} tag in any letter case (Matroska writes {@code TIMECODE}). */
  private static String timecodeTag(JsonNode tags) {
    for (var it = tags.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase("timecode")) return e.getValue().asText("").strip();
    }
    return "";
  }

  /** The source's size and modification time: a changed source makes a new job. */
  private static String stamp(Path source) {
    try {
      return "size=" + Files.size(source) + ";modified=" + Files.getLastModifiedTime(source).toMillis();
    } catch (IOException e) {
      throw new PatchworkException("cannot read the size of " + source + ": " + e.getMessage(), e);
    }
  }

  static BigDecimal frameTime(long frame, FrameRate rate) {
    return BigDecimal.valueOf(frame).multiply(BigDecimal.valueOf(rate.denominator()))
        .divide(BigDecimal.valueOf(rate.numerator()), 12, RoundingMode.HALF_EVEN);
  }

  private static BigDecimal halfFrame(FrameRate rate) {
    return BigDecimal.valueOf(rate.denominator()).divide(BigDecimal.valueOf(rate.numerator() * 2), 12, RoundingMode.HALF_EVEN);
  }

  private static String micros(BigDecimal seconds) {
    return seconds.max(BigDecimal.ZERO).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }
}
