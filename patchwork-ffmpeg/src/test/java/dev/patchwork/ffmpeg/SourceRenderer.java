package dev.patchwork.ffmpeg;

import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Region;
import dev.patchwork.spi.Renderer;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A test-only {@link Renderer}: encodes a segment's frames from a new source (same frame count and rate as the
 * master) with the encoder arguments the test master was made with, as the renderer contract asks: Matroska, video
 * first with exactly the segment's frames and key frames at the master's random-access points, then (if the source
 * has audio) the segment's audio as PCM covering exactly its frames. A copy of every rendered file is kept for the
 * test's own evidence.
 */
final class SourceRenderer implements Renderer {

  private final Path source;
  private final List<String> videoArgs;
  private final boolean audio;
  private final Path keepDir;
  private final Map<Segment, Path> kept = new ConcurrentHashMap<>();

  SourceRenderer(Path source, List<String> videoArgs, boolean audio, Path keepDir) {
    this.source = source;
    this.videoArgs = List.copyOf(videoArgs);
    this.audio = audio;
    this.keepDir = keepDir;
  }

  @Override
  public String name() {
    return "test-source";
  }

  /** The copy of what was rendered for {@code segment}. */
  Path rendered(Segment segment) {
    return kept.get(segment);
  }

  @Override
  public void render(Request request) {
    Segment s = request.segment();
    FrameRate rate = request.sidecar().master().frameRate();
    int sampleRate = request.sidecar().audio().isEmpty() ? 48000 : request.sidecar().audio().get(0).sampleRate();
    // seek to half a frame before the first one: safe against the source's millisecond timestamps
    long halfBefore = Math.max(0, (2 * s.start() - 1) * rate.denominator() * 1_000_000L / (2 * rate.numerator()));
    List<String> argv = new ArrayList<>(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error"));
    if (s.start() > 0) argv.addAll(List.of("-ss", SpliceTime.seconds(halfBefore)));
    argv.addAll(List.of("-i", source.toString()));
    if (audio) argv.addAll(List.of("-i", source.toString()));
    // a trim filter, not -frames:v: with -frames:v ffmpeg's sync queue would also cut the audio short at the end
    argv.addAll(List.of("-map", "0:v:0", "-vf", "trim=end_frame=" + s.frames()));
    argv.addAll(videoArgs);
    StringJoiner keys = new StringJoiner("+", "expr:", "");
    for (Region r : request.sidecar().content().regions()) {
      long k = r.randomAccessFrame();
      if (k > s.start() && k < s.endExclusive()) keys.add("eq(n," + (k - s.start()) + ")");
    }
    if (request.intra()) {
      argv.addAll(List.of("-force_key_frames", "expr:1", "-forced-idr", "1")); // every frame an IDR picture
    } else if (keys.length() > "expr:".length()) {
      argv.addAll(List.of("-force_key_frames", keys.toString()));
    }
    if (audio) {
      long from = SpliceTime.sampleOfFrame(s.start(), rate, sampleRate);
      long to = SpliceTime.sampleOfFrame(s.endExclusive(), rate, sampleRate);
      argv.addAll(List.of("-map", "1:a:0", "-af", "atrim=start_sample=" + from + ":end_sample=" + to + ",asetpts=PTS-STARTPTS",
          "-c:a", "pcm_s24le"));
    }
    argv.addAll(List.of("-f", "matroska", request.output().toString()));
    ProcessRunner.command(argv).environment(RealFfmpeg.tools().environment()).run();
    try {
      Path copy = keepDir.resolve("rendered-" + s.start() + "-" + s.frames() + ".mkv");
      Files.copy(request.output(), copy, StandardCopyOption.REPLACE_EXISTING);
      kept.put(s, copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
