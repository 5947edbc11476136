package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.VerificationReport.Finding;
import dev.patchwork.ffmpeg.VerificationReport.Kind;
import dev.patchwork.ffmpeg.internal.Cancellation;
import dev.patchwork.ffmpeg.internal.ContentHasher;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a master against its sidecar.
 *
 * <p>One sequential read hashes the whole file and every region of the sidecar's content index. The master matches
 * when its size and SHA-256 are the sidecar's. Otherwise every region whose bytes differ is a finding named with its
 * frames and timecodes ({@link Sidecar#describe(Region)}), so any single changed byte is found and placed; a master
 * that is shorter or longer than recorded is a finding of its own (with the region where it ends and the regions it
 * lacks).
 *
 * <p>With {@code deep}, the master is also decoded in full ({@code ffmpeg -v error -i M -map 0:v:0 -f null -}): every
 * error ffmpeg reports is a finding, and so is a decoded frame count other than the sidecar's.
 *
 * <p>Progress goes to the {@link PatchListener}: {@code progress(null, bytes, total)} while hashing (on the calling
 * thread), {@code progress(null, frames, frameCount)} while decoding (on the thread reading ffmpeg's progress).
 * Interrupting the calling thread stops the work with a {@link dev.patchwork.CancelledException}. Thread-safe.
 */
public final class MasterVerifier {

  private static final Logger log = LoggerFactory.getLogger(MasterVerifier.class);
  /** Decoder error lines kept as findings; further ones are counted. */
  static final int MAX_DECODE_FINDINGS = 10;

  private final LazyTools tools;

  /** Locates ffmpeg with {@link FfmpegTools#locate()} when first needed (only {@code deep} needs it). */
  public MasterVerifier() {
    this.tools = new LazyTools();
  }

  public MasterVerifier(FfmpegTools tools) {
    this.tools = new LazyTools(tools);
  }

  private FfmpegTools tools() {
    return tools.get();
  }

  /**
   * Verifies {@code master} against the sidecar file {@code sidecar}.
   *
   * @throws ValidationException if the master is missing, or the sidecar is missing or invalid
   */
  public VerificationReport verify(Path master, Path sidecar, boolean deep, PatchListener listener) {
    Objects.requireNonNull(sidecar, "sidecar");
    checkMaster(master);
    return verify(master, Sidecars.read(sidecar), deep, listener);
  }

  /**
   * Verifies {@code master} against {@code sidecar}.
   *
   * @throws ValidationException if the master is missing or not a readable file
   * @throws dev.patchwork.ToolNotFoundException if {@code deep} and ffmpeg cannot be found
   */
  public VerificationReport verify(Path master, Sidecar sidecar, boolean deep, PatchListener listener) {
    Objects.requireNonNull(sidecar, "sidecar");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    checkMaster(master);
    List<Region> spans = sidecar.content().all();
    long[] bounds = new long[spans.size() + 1];
    for (int i = 0; i < spans.size(); i++) bounds[i] = spans.get(i).offset();
    bounds[spans.size()] = spans.get(spans.size() - 1).endOffset();

    l.message("hashing " + master.getFileName() + " (" + FfmpegAdopter.bytesText(sizeOf(master)) + ")");
    ContentHasher.Result hashed;
    try {
      hashed = ContentHasher.hash(master, bounds, ContentHasher.Ranges.NONE, (done, total) -> l.progress(null, done, total),
          Cancellation.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + master, e);
    }
    List<Finding> findings = new ArrayList<>(contentFindings(sidecar, spans, hashed));

    long decoded = -1;
    if (deep) {
      l.message("decoding " + master.getFileName() + " in full (" + sidecar.master().frameCount() + " frames)");
      Decode d = decode(master, sidecar.master().frameCount(), l);
      decoded = d.frames;
      findings.addAll(d.findings);
      if (d.frames != sidecar.master().frameCount()) {
        findings.add(new Finding(Kind.FRAME_COUNT, null, String.format(Locale.ROOT,
            "master.frame_count: a full decode yields %d frames, the sidecar records %d", d.frames, sidecar.master().frameCount())));
      }
    }
    HashStats stats = new HashStats(hashed.bytesRead(), hashed.elapsed());
    log.debug("{}: hashed {} bytes in {} ms ({} MB/s), {} findings", master, stats.bytes(), stats.elapsed().toMillis(),
        stats.bytesPerSecond() / 1_000_000, findings.size());
    return new VerificationReport(master, hashed.bytesRead(), hashed.fileSha256(), deep, decoded, findings, stats);
  }

  private static void checkMaster(Path master) {
    Objects.requireNonNull(master, "master");
    if (!Files.exists(master)) throw new ValidationException(master.toString(), "the master does not exist");
    if (!Files.isRegularFile(master)) throw new ValidationException(master.toString(), "not a regular file");
    if (!Files.isReadable(master)) throw new ValidationException(master.toString(), "the file cannot be read (permissions)");
  }

  private static long sizeOf(Path master) {
    try {
      return Files.size(master);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + master, e);
    }
  }

  // --- content ---------------------------------------------------------------------------------------------

  static List<Finding> contentFindings(Sidecar sidecar, List<Region> spans, ContentHasher.Result hashed) {
    long recorded = sidecar.master().size();
    long actual = hashed.bytesRead();
    if (actual == recorded && hashed.fileSha256().equals(sidecar.master().sha256())) return List.of();

    List<Finding> findings = new ArrayList<>();
    if (actual < recorded) {
      findings.add(new Finding(Kind.SIZE, null, String.format(Locale.ROOT,
          "master.size: the master has %d bytes but its sidecar records %d: it is truncated, the last %d bytes are missing",
          actual, recorded, recorded - actual)));
    } else if (actual > recorded) {
      findings.add(new Finding(Kind.SIZE, null, String.format(Locale.ROOT,
          "master.size: the master has %d bytes but its sidecar records %d: %d bytes follow the end the sidecar knows",
          actual, recorded, actual - recorded)));
    }
    int firstMissing = -1;
    for (int i = 0; i < spans.size(); i++) {
      Region r = spans.get(i);
      long read = hashed.spanRead()[i];
      if (read == 0 && r.length() > 0) {
        if (firstMissing < 0) firstMissing = i;
        continue;
      }
      if (read < r.length()) {
        findings.add(new Finding(Kind.CONTENT, r, sidecar.describe(r) + ": the file ends at byte " + actual + " inside it"));
      } else if (!hashed.spanSha256()[i].equals(r.sha256())) {
        findings.add(new Finding(Kind.CONTENT, r, sidecar.describe(r) + ": its bytes differ from the sidecar's hash"));
      }
    }
    if (firstMissing >= 0) {
      Region first = spans.get(firstMissing);
      Region last = spans.get(spans.size() - 1);
      long gops = spans.subList(firstMissing, spans.size()).stream().filter(r -> r.kind() == Region.Kind.GOP).count();
      String frames = "";
      if (gops > 0) {
        Region firstGop = spans.subList(firstMissing, spans.size()).stream().filter(r -> r.kind() == Region.Kind.GOP).findFirst().orElseThrow();
        long from = firstGop.start();
        long to = sidecar.master().frameCount() - 1;
        frames = String.format(Locale.ROOT, ", frames %d-%d (%s-%s)", from, to, sidecar.timecodeAt(from), sidecar.timecodeAt(to));
      }
      String which = first == last ? sidecar.content().pathOf(first)
          : sidecar.content().pathOf(first) + " to " + sidecar.content().pathOf(last);
      findings.add(new Finding(Kind.CONTENT, first, String.format(Locale.ROOT, "%s: missing (bytes %d-%d%s)", which, first.offset(),
          last.endOffset() - 1, frames)));
    }
    if (findings.isEmpty()) {
      findings.add(new Finding(Kind.FILE_HASH, null, "master.sha256: the master's SHA-256 is " + hashed.fileSha256()
          + ", the sidecar records " + sidecar.master().sha256() + ", yet every region matches: the sidecar contradicts itself"));
    }
    return findings;
  }

  // --- full decode -----------------------------------------------------------------------------------------

  private record Decode(long frames, List<Finding> findings) {}

  private Decode decode(Path master, long expectedFrames, PatchListener l) {
    FfmpegTools t = tools();
    // stdin stays open: a cancelled decode is asked to quit with 'q' before it is killed. -enc_time_base -1 keeps the
    // decoded frames' own time base: by default the null output counts in 1/frame rate, and a Matroska file whose start
    // is shifted by half a frame (AAC priming of 1024 samples at 48 kHz is 0.51 of a frame at 24 fps) has its millisecond
    // timestamps rounded onto the same count there, which ffmpeg reports as "non monotonically increasing dts to muxer"
    // for a file that decodes perfectly
    List<String> argv = List.of(t.ffmpeg().toString(), "-hide_banner", "-v", "error", "-i", master.toString(),
        "-map", "0:v:0", "-fps_mode", "passthrough", "-enc_time_base", "-1", "-f", "null", "-progress", "pipe:1", "-nostats", "-");
    AtomicLong frames = new AtomicLong();
    List<String> errors = new ArrayList<>();
    AtomicLong moreErrors = new AtomicLong();
    try {
      ProcessRunner.command(argv).environment(t.environment()).quitOnCancel(true)
          .onProgress(p -> {
            if (p.frame() >= 0) {
              frames.set(p.frame());
              l.progress(null, p.frame(), expectedFrames);
            }
          })
          .onStderrLine(line -> {
            if (line.isBlank()) return;
            synchronized (errors) {
              if (errors.size() < MAX_DECODE_FINDINGS) {
                errors.add(line.strip());
              } else {
                moreErrors.incrementAndGet();
              }
            }
          })
          .run();
    } catch (ToolFailedException e) {
      synchronized (errors) {
        String last = e.stderrTail().lines().reduce((a, b) -> b).orElse("exit code " + e.exitCode());
        if (errors.isEmpty()) errors.add("ffmpeg could not decode the master (exit code " + e.exitCode() + "): " + last);
      }
    }
    List<Finding> findings = new ArrayList<>();
    synchronized (errors) {
      for (String e : errors) findings.add(new Finding(Kind.DECODE, null, "decode: " + e));
      if (moreErrors.get() > 0) findings.add(new Finding(Kind.DECODE, null, "decode: " + moreErrors.get() + " more errors"));
    }
    return new Decode(frames.get(), findings);
  }
}
