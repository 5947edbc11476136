package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.PatchListener;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.MasterSettings.Audio;
import dev.patchwork.ffmpeg.MasterSettings.Codec;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.spi.ChunkJob;
import dev.patchwork.spi.ChunkRenderer;
import dev.patchwork.spi.ChunkReport;
import dev.patchwork.spi.ChunkTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * First renders in chunks, checked against the source and against one monolithic ffmpeg encode of it with the same
 * settings: frame count, key frames, stream parameters, timecode, audio length, picture fidelity (PSNR), and a clean decode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MasterRenderTest {

  @TempDir static Path tmp;
  Path dir;
  /** 150 frames at 25 fps (6 s), stereo sine, timecode 10:00:00:00, lossless. */
  Path source;
  MasterRender render;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    source = RealFfmpeg.ffmpeg(dir.resolve("Quelle 25.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-frames:v", "150", "-af", "atrim=end_sample=" + 150 * 1920, "-ac", "2",
        "-c:v", "ffv1", "-c:a", "pcm_s24le", "-timecode", "10:00:00:00");
    render = new MasterRender(RealFfmpeg.tools());
  }

  @Test
  void h264InChunksIsWhatOneEncodeGivesAndMatchesTheSource() throws IOException {
    Path out = dir.resolve("Ausgabe h264.mp4");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(25).withChunkDuration(Duration.ofSeconds(2)).withEncoderThreads(1)
        .withPreset("veryfast");
    List<String> messages = Collections.synchronizedList(new ArrayList<>());
    MasterResult r = render.render(source, out, s, LocalChunkExecutor.withWorkers(2), new PatchListener() {
      @Override
      public void message(String text) {
        messages.add(text);
      }
    });

    assertThat(r.job().videoTasks()).hasSize(3);
    assertThat(out).isRegularFile();
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(150);
    assertThat(decodeErrors(out)).isEmpty();
    // key frames exactly at the GOP boundaries, each an IDR (I picture); nothing else is a key frame
    List<Long> keys = new ArrayList<>();
    List<RealFfmpeg.ProbedPacket> packets = RealFfmpeg.packets(out, "v:0");
    List<Long> pts = packets.stream().map(RealFfmpeg.ProbedPacket::pts).sorted().toList();
    for (RealFfmpeg.ProbedPacket p : packets) if (p.key()) keys.add((long) pts.indexOf(p.pts()));
    assertThat(keys).containsExactly(0L, 25L, 50L, 75L, 100L, 125L);
    String types = RealFfmpeg.decodedPictTypes(out);
    for (long k : keys) assertThat(types.charAt((int) k)).isEqualTo('I');

    // the same settings in one ffmpeg run
    Path mono = RealFfmpeg.ffmpeg(dir.resolve("mono h264.mp4"), "-i", source.toString(), "-map", "0:v", "-map", "0:a", "-c:v", "libx264",
        "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p", "-crf", "18", "-x264-params",
        "keyint=25:min-keyint=25:scenecut=0:open-gop=0", "-c:a", "aac", "-b:a", "256k");
    assertThat(streamFacts(out)).isEqualTo(streamFacts(mono));
    assertThat(keyFrames(out)).isEqualTo(keyFrames(mono));

    // audio: the video's length (AAC decodes to whole 1024-sample frames, as the monolithic encode does)
    assertThat(audioSamples(out)).isBetween(150L * 1920, 150L * 1920 + 1023).isEqualTo(audioSamples(mono));
    assertThat(psnr(out, source)).isGreaterThan(35.0);

    Sidecar sidecar = Sidecars.read(SidecarPaths.defaultFor(out));
    assertThat(sidecar.master().fileName()).isEqualTo(out.getFileName().toString());
    assertThat(sidecar.master().frameCount()).isEqualTo(150);
    assertThat(sidecar.master().startTimecode().toString()).isEqualTo("10:00:00:00");
    assertThat(sidecar.master().size()).isEqualTo(Files.size(out));
    assertThat(sidecar.content().regions()).hasSize(6);
    // nothing but the output and its sidecar is left beside it
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.contains("Ausgabe")))
          .containsExactlyInAnyOrder(out.getFileName().toString(), out.getFileName() + ".patchwork.toml");
    }
    assertThat(messages).anyMatch(m -> m.startsWith("verifying"));
  }

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource({"HEVC, mp4", "PRORES, mov", "DNXHR, mxf", "MPEG2, mxf"})
  void otherCodecsInChunksHaveTheStructureOfOneEncode(Codec codec, String container) {
    Path out = dir.resolve("Ausgabe " + codec + "." + container);
    MasterSettings s = MasterSettings.of(codec).withChunkDuration(Duration.ofMillis(1500)).withEncoderThreads(1).withPreset("ultrafast");
    if (!codec.intraOnly()) s = s.withGop(15);
    if (codec == Codec.MPEG2) s = s.withBitrate(8_000_000);
    MasterResult r = render.render(source, out, s, LocalChunkExecutor.withWorkers(2), PatchListener.NONE);
    assertThat(r.job().videoTasks().size()).isGreaterThan(2);

    // the same encoder settings in one ffmpeg run over the whole source
    List<String> args = new ArrayList<>(List.of("-i", source.toString(), "-map", "0:v", "-map", "0:a", "-fps_mode", "cfr", "-r", "25"));
    args.addAll(new MasterRender.Encoder(codec, s, r.job().gop(), r.job().rate()).args(150));
    args.addAll(List.of("-c:a", codec == Codec.HEVC ? "aac" : "pcm_s24le"));
    if (codec == Codec.HEVC) args.addAll(List.of("-b:a", "256k"));
    Path mono = RealFfmpeg.ffmpeg(dir.resolve("mono " + codec + "." + container), args.toArray(String[]::new));

    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(150);
    assertThat(decodeErrors(out)).isEmpty();
    assertThat(streamFacts(out)).isEqualTo(streamFacts(mono));
    assertThat(keyFrames(out)).isEqualTo(keyFrames(mono));
    assertThat(RealFfmpeg.decodedPictTypes(out)).isEqualTo(RealFfmpeg.decodedPictTypes(mono));
    assertThat(audioSamples(out)).isEqualTo(audioSamples(mono));
    if (codec != Codec.HEVC) assertThat(audioSamples(out)).isEqualTo(150 * 1920); // PCM: sample-exact
    // pictures as faithful as the monolithic encode's (DNxHR HQ is made for HD: at 320x240 it stays near 25 dB either way)
    double mine = psnr(out, source);
    assertThat(mine).isGreaterThan(24.0).isGreaterThan(psnr(mono, source) - 0.5);
    assertThat(Sidecars.read(SidecarPaths.defaultFor(out)).master().frameCount()).isEqualTo(150);
  }

  @Test
  void rerunKeepsCompleteChunksAndRedoesDamagedOnes() throws IOException {
    Path out = dir.resolve("resume.mov");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(25).withChunkDuration(Duration.ofSeconds(1)).withEncoderThreads(1)
        .withPreset("ultrafast");
    ChunkJob job = render.plan(source, out, s);
    assertThat(job.videoTasks()).hasSize(6);
    FfmpegChunkRenderer real = new FfmpegChunkRenderer(RealFfmpeg.tools());
    // an earlier, interrupted run finished chunks 0, 1 and 4; chunk 2 was left damaged, chunk 3 from another setting
    for (int i : new int[] {0, 1, 2, 3, 4}) real.render(job, job.task(i), Duration.ofMinutes(1), PatchListener.NONE);
    Path damaged = Path.of(job.task(2).output());
    byte[] bytes = Files.readAllBytes(damaged);
    Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    ChunkJob other = render.plan(source, out, s.withCrf(30));
    Files.copy(Path.of(task(other, 3)), Path.of(job.task(3).output()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    List<Integer> rendered = Collections.synchronizedList(new ArrayList<>());
    ChunkRenderer counting = new ChunkRenderer() {
      @Override public String name() { return "counting"; }
      @Override public boolean isComplete(ChunkJob j, ChunkTask t) { return real.isComplete(j, t); }
      @Override public void render(ChunkJob j, ChunkTask t, Duration limit, PatchListener l) { rendered.add(t.index()); real.render(j, t, limit, l); }
      @Override public void assemble(ChunkJob j, PatchListener l) { real.assemble(j, l); }
      @Override public boolean isAssembled(ChunkJob j) { return real.isAssembled(j); }
    };
    ChunkReport report = LocalChunkExecutor.withWorkers(2).execute(job, counting, PatchListener.NONE);

    assertThat(rendered).containsExactlyInAnyOrder(2, 3, 5, 6); // 6 is the audio
    assertThat(report.runs()).filteredOn(ChunkReport.TaskRun::reused).extracting(ChunkReport.TaskRun::index).containsExactly(0, 1, 4);
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(150);
    assertThat(decodeErrors(out)).isEmpty();
    assertThat(Path.of(job.workDirectory())).doesNotExist();
  }

  @Test
  void anInterruptBeforeAnyChunkIsCompleteLeavesNoChunkDirectory() throws Exception {
    Path out = dir.resolve("stopped early.mp4");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(25).withChunkDuration(Duration.ofSeconds(1)).withPreset("ultrafast");
    ChunkJob job = render.plan(source, out, s);
    Path work = Path.of(job.workDirectory());
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    ChunkRenderer slow = new ChunkRenderer() {
      @Override public String name() { return "slow"; }
      @Override public boolean isComplete(ChunkJob j, ChunkTask t) { return false; }
      @Override public void render(ChunkJob j, ChunkTask t, Duration limit, PatchListener l) {
        try {
          Files.createDirectories(work); // as a real chunk's temporary file beside its output does
          started.countDown();
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          throw new dev.patchwork.CancelledException("stopped");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      @Override public void assemble(ChunkJob j, PatchListener l) { throw new AssertionError("not to be assembled"); }
      @Override public boolean isAssembled(ChunkJob j) { return false; }
    };
    Thread caller = Thread.currentThread();
    Thread stopper = new Thread(() -> {
      try {
        started.await();
      } catch (InterruptedException e) {
        return;
      }
      caller.interrupt();
    });
    stopper.start();
    try {
      assertThatThrownBy(() -> LocalChunkExecutor.withWorkers(2).execute(job, slow, PatchListener.NONE))
          .isInstanceOf(dev.patchwork.CancelledException.class);
    } finally {
      stopper.join();
      Thread.interrupted();
    }
    assertThat(work).doesNotExist();
    assertThat(out).doesNotExist();
  }

  @Test
  void h264IntoMatroskaKeepsTheTimecodeAndDecodesCleanly() throws IOException {
    // Matroska writes the timecode tag as TIMECODE, which the output's probe did not read ("start timecode 00:00:00:00
    // instead of 01:00:00:00"); and at 24 fps the AAC priming (21 ms, half a frame) made the decode check's null output
    // report "non monotonically increasing dts" for a clean file. Either failed every such render (exit 1).
    Path src = RealFfmpeg.ffmpeg(dir.resolve("Quelle 24.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24", "-f", "lavfi", "-i",
        "sine=frequency=440:sample_rate=48000", "-frames:v", "72", "-shortest", "-c:v", "prores_ks", "-profile:v", "0",
        "-c:a", "pcm_s24le", "-timecode", "01:00:00:00");
    Path out = dir.resolve("Matroska 24.mkv");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(24).withChunkDuration(Duration.ofSeconds(1)).withEncoderThreads(1)
        .withPreset("veryfast");

    render.render(src, out, s, LocalChunkExecutor.withWorkers(2), PatchListener.NONE);

    assertThat(RealFfmpeg.timecode(out)).isEqualTo("01:00:00:00");
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(72);
    Sidecar sidecar = Sidecars.read(SidecarPaths.defaultFor(out));
    assertThat(sidecar.master().startTimecode()).hasToString("01:00:00:00");
    assertThat(sidecar.master().frameCount()).isEqualTo(72);
  }

  /** Renders one task of {@code job} into a scratch file and returns its path. */
  private String task(ChunkJob job, int index) {
    new FfmpegChunkRenderer(RealFfmpeg.tools()).render(job, job.task(index), Duration.ofMinutes(1), PatchListener.NONE);
    return job.task(index).output();
  }

  @Test
  void aHungFfmpegIsStoppedAtTheTimeLimitAndTheChunkRetried() throws IOException {
    Path fakeDir = Files.createDirectories(dir.resolve("fake ffmpeg"));
    Path log = fakeDir.resolve("runs.log");
    Path marker = fakeDir.resolve("hung once");
    FfmpegTools real = RealFfmpeg.tools();
    String env = real.environment().entrySet().stream().map(e -> "export " + e.getKey() + "='" + e.getValue() + "'")
        .collect(Collectors.joining("\n"));
    // hangs (as a stuck encoder would) the first time it is asked for chunk 1, then behaves
    Path fake = TestPaths.script(fakeDir, "ffmpeg", env + "\n"
        + "for a in \"$@\"; do case \"$a\" in *chunk-00001*) echo \"chunk 1\" >> '" + log + "'; "
        + "if mkdir '" + marker + "' 2>/dev/null; then exec sleep 120; fi;; esac; done\n"
        + "exec '" + real.ffmpeg() + "' \"$@\"");
    FfmpegTools tools = FfmpegTools.of(fake, fakeProbe(fakeDir));
    Path out = dir.resolve("hung.mp4");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(25).withChunkDuration(Duration.ofSeconds(2)).withEncoderThreads(1)
        .withPreset("ultrafast").withTimeLimit(Duration.ofSeconds(3));
    ChunkJob job = new MasterRender(tools).plan(source, out, s);
    long start = System.nanoTime();
    ChunkReport report = new LocalChunkExecutor(2, 3, Duration.ofMillis(200)).execute(job, new FfmpegChunkRenderer(tools), PatchListener.NONE);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(marker).isDirectory();
    assertThat(Files.readAllLines(log)).hasSize(2);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofSeconds(60));
    assertThat(report.runs().get(1).attempts()).isEqualTo(2);
    assertThat(RealFfmpeg.decodedFrameCount(out)).isEqualTo(150);
    // no process of the hung attempt is left
    assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 120")).count()).isZero();
  }

  @Test
  void aChunkThatKeepsFailingFailsTheRenderAndPublishesNothing() throws IOException {
    Path fakeDir = Files.createDirectories(dir.resolve("broken ffmpeg"));
    FfmpegTools real = RealFfmpeg.tools();
    String env = real.environment().entrySet().stream().map(e -> "export " + e.getKey() + "='" + e.getValue() + "'")
        .collect(Collectors.joining("\n"));
    Path fake = TestPaths.script(fakeDir, "ffmpeg", env + "\n"
        + "for a in \"$@\"; do case \"$a\" in *chunk-00002*) echo 'simulated encoder crash' >&2; exit 3;; esac; done\n"
        + "exec '" + real.ffmpeg() + "' \"$@\"");
    FfmpegTools tools = FfmpegTools.of(fake, fakeProbe(fakeDir));
    Path out = dir.resolve("broken.mp4");
    MasterSettings s = MasterSettings.of(Codec.H264).withGop(25).withChunkDuration(Duration.ofSeconds(1)).withPreset("ultrafast");
    assertThatThrownBy(() -> new MasterRender(tools).run(new MasterRender(tools).plan(source, out, s), new LocalChunkExecutor(2, 2, Duration.ZERO),
        PatchListener.NONE))
        .isInstanceOf(ToolFailedException.class).hasMessageContaining("simulated encoder crash");
    assertThat(out).doesNotExist();
    assertThat(SidecarPaths.defaultFor(out)).doesNotExist();
  }

  @Test
  void refusesWhatTheContainerOrCodecCannotTake() {
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.mp4"), MasterSettings.of(Codec.PRORES)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("--codec").hasMessageContaining("MP4");
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.mov"), MasterSettings.of(Codec.PRORES).withCrf(20)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("--crf");
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.mp4"), MasterSettings.of(Codec.H264).withAudio(Audio.PCM)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("--audio");
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.avi"), MasterSettings.of(Codec.H264)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("-o").hasMessageContaining(".avi");
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.mp4"), MasterSettings.of(Codec.H264).withCrf(18).withBitrate(5_000_000)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("not both");
    assertThatThrownBy(() -> render.plan(dir.resolve("missing.mov"), dir.resolve("x.mp4"), MasterSettings.of(Codec.H264)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("<source>");
    // a misspelt preset is refused before any chunk runs (it failed every chunk three times: a tool failure, exit 4)
    assertThatThrownBy(() -> render.plan(source, dir.resolve("x.mp4"), MasterSettings.of(Codec.H264).withPreset("veryslowest")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("--preset").hasMessageContaining("'veryslowest'")
        .hasMessageContaining("ultrafast, superfast, veryfast");
    assertThat(render.plan(source, dir.resolve("x.mp4"), MasterSettings.of(Codec.HEVC).withPreset("placebo")).tasks()).isNotEmpty();
    // an odd picture size cannot be 4:2:0: refused up front (every chunk failed three times, exit 4); ProRes takes it
    Path odd = RealFfmpeg.ffmpeg(dir.resolve("odd 321x241.mkv"), "-f", "lavfi", "-i", "testsrc2=size=322x242:rate=25,format=yuv444p,"
        + "crop=321:241:0:0", "-frames:v", "10", "-c:v", "ffv1");
    assertThat(RealFfmpeg.ffprobe(odd, "-show_entries", "stream=width,height", "-of", "csv=p=0").strip()).isEqualTo("321,241");
    assertThatThrownBy(() -> render.plan(odd, dir.resolve("x.mp4"), MasterSettings.of(Codec.H264)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("321x241").hasMessageContaining("even");
    assertThat(render.plan(odd, dir.resolve("x.mov"), MasterSettings.of(Codec.PRORES)).tasks()).isNotEmpty();
  }

  /** An ffprobe beside a fake ffmpeg: the real one with the environment it needs. */
  static Path fakeProbe(Path dir) throws IOException {
    FfmpegTools real = RealFfmpeg.tools();
    return TestPaths.script(dir, "ffprobe", environment(real) + "\nexec '" + real.ffprobe() + "' \"$@\"");
  }

  static String environment(FfmpegTools real) {
    return real.environment().entrySet().stream().map(e -> "export " + e.getKey() + "='" + e.getValue() + "'")
        .collect(Collectors.joining("\n"));
  }

  // --- evidence -------------------------------------------------------------------------------------------

  /** Stream facts that must agree with a monolithic encode: video codec, profile, level, format, size, rate; timecode. */
  static Map<String, String> streamFacts(Path media) {
    String out = RealFfmpeg.ffprobe(media, "-select_streams", "v:0", "-show_entries",
        "stream=codec_name,profile,level,pix_fmt,width,height,r_frame_rate,avg_frame_rate,sample_aspect_ratio,field_order,color_range"
            + ":stream_tags=timecode", "-of", "default=nw=1");
    Map<String, String> facts = new java.util.TreeMap<>();
    for (String line : out.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) facts.put(line.substring(0, eq), line.substring(eq + 1).strip());
    }
    facts.put("timecode", RealFfmpeg.ffprobe(media, "-show_entries", "format_tags=timecode:stream_tags=timecode", "-of", "csv=p=0")
        .lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(""));
    return facts;
  }

  /** Display positions of the key frames. */
  static List<Long> keyFrames(Path media) {
    List<RealFfmpeg.ProbedPacket> packets = RealFfmpeg.packets(media, "v:0");
    List<Long> pts = packets.stream().map(RealFfmpeg.ProbedPacket::pts).sorted().toList();
    List<Long> keys = new ArrayList<>();
    for (RealFfmpeg.ProbedPacket p : packets) if (p.key()) keys.add((long) pts.indexOf(p.pts()));
    Collections.sort(keys);
    return keys;
  }

  /** What a full decode of every stream reports as errors. */
  static List<String> decodeErrors(Path media) {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    ProcessRunner.command(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map", "0:v",
        "-map", "0:a?", "-f", "null", "-")).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    return lines;
  }

  /** Samples of the first audio stream, decoded. */
  static long audioSamples(Path media) {
    long[] bytes = {0};
    ProcessRunner.command(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map", "0:a:0",
        "-ac", "1", "-f", "s16le", "pipe:1")).environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStdout(in -> {
          byte[] buf = new byte[65536];
          int n;
          while ((n = in.read(buf)) >= 0) bytes[0] += n;
        }).run();
    return bytes[0] / 2;
  }

  private static final Pattern AVERAGE = Pattern.compile("average:([0-9.]+|inf)");

  /** Average PSNR of the first video streams of two files (ffmpeg's psnr filter), in dB. */
  static double psnr(Path a, Path b) {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    ProcessRunner.command(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-i", a.toString(), "-i", b.toString(),
        "-lavfi", "[0:v]format=yuv444p[x];[1:v]format=yuv444p[y];[x][y]psnr", "-f", "null", "-"))
        .environment(RealFfmpeg.tools().environment()).quitOnCancel(false).onStderrLine(lines::add).run();
    for (String l : lines) {
      Matcher m = AVERAGE.matcher(l);
      if (l.contains("PSNR") && m.find()) return m.group(1).equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
    }
    throw new AssertionError("no PSNR in " + lines);
  }
}
