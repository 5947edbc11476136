package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a spliced output before it is published, with evidence independent of the splice's own bookkeeping:
 * <ol>
 *   <li>{@link #checkStream}: the output, probed afresh, has the master's frame count, frame rate (every frame's
 *       timestamp on the constant grid), start timecode and audio streams, and each audio stream lasts as long as the
 *       master's (PCM: to the sample);
 *   <li>{@link #checkRenderedPackets}: the video packets of every re-rendered segment in the output are the rendered
 *       segment's, byte for byte (SHA-256 of their payloads as the output file stores them);
 *   <li>{@link #checkSeams}: every re-rendered segment and one GOP either side ({@link #windows}) decode without a
 *       single error, and the kept frames there decode to exactly the master's pictures (per-frame hashes of both
 *       decodes, the master's taken with {@link #referenceDecodes} — which needs no output, so it may run while the
 *       segments render);
 *   <li>{@link #checkKeptGops}: every kept GOP of the master that was not bridged is in the output with its video
 *       packets unchanged: the SHA-256 of the output region's packet payloads equals the sidecar's {@code video_sha256}
 *       (no decoding).
 * </ol>
 * Decoded frames are compared by 128-bit MurmurHash3 ({@code -f framehash -hash murmur3}): the pictures of two decodes
 * are equal or not whatever the hash; MD5 cost twice the decoding itself at 1080p. Re-rendered frames are compared by
 * their packets rather than by a decode of the segment on its own: a segment starts with a closed random-access point,
 * so identical packets, decoded cleanly in the output, are identical pictures.
 */
final class OutputVerifier {

  /** The frames decoded around one re-rendered segment: {@code [first, end)}, starting at a random-access point. */
  record Window(Segment segment, long first, long end) {
    long frames() {
      return end - first;
    }
  }

  /** Decoded frame hashes (in display order) and any errors ffmpeg reported. */
  record Decode(List<String> hashes, List<String> errors) {}

  /** What {@link #checkSeams} counted. */
  record SeamCounts(long decoded, long matched) {}

  private final FfmpegTools tools;
  private final FfprobeProber.Probed master;
  private final Sidecar sidecar;
  private final PatchPlan plan;
  private final PatchListener listener;

  OutputVerifier(FfmpegTools tools, FfprobeProber.Probed master, Sidecar sidecar, PatchPlan plan, PatchListener listener) {
    this.tools = tools;
    this.master = master;
    this.sidecar = sidecar;
    this.plan = plan;
    this.listener = listener;
  }

  /**
   * The decode windows: for each RENDER segment, from the random-access point of the master's GOP before it to the end
   * of the GOP after it (from the sidecar's regions, which the output keeps around every seam).
   */
  List<Window> windows() {
    long n = master.media().frameCount();
    List<Window> out = new ArrayList<>();
    for (Segment s : plan.renderSegments()) {
      long first = s.start() == 0 ? 0 : regionOf(sidecar.content().regions(), s.start() - 1).randomAccessFrame();
      long end;
      if (s.endExclusive() == n) {
        end = n;
      } else {
        Region after = regionOf(sidecar.content().regions(), s.endExclusive());
        end = after.start() + after.frames();
      }
      out.add(new Window(s, first, end));
    }
    return out;
  }

  /**
   * The master's own decode of every window's kept frames, each decode's hashes aligned to its window (the
   * re-rendered frames' places hold an empty string: nothing compares with them). Where the GOP after the segment starts
   * at a random-access point with no leading pictures, the master's frames of the segment itself are not decoded: the
   * GOP before and the GOP after are decoded on their own (a third less decoding for a one-GOP change). Otherwise the
   * window is decoded whole, as the leading pictures need the frames before them.
   */
  List<Decode> referenceDecodes(List<Window> windows) {
    List<Decode> out = new ArrayList<>();
    Path path = master.media().path();
    PacketIndex times = master.media().packets();
    for (Window w : windows) {
      Segment s = w.segment();
      boolean after = s.endExclusive() < w.end();
      if (after && regionOf(sidecar.content().regions(), s.endExclusive()).leading() > 0) {
        out.add(decode(path, times, w.first(), w.frames()));
        continue;
      }
      List<String> hashes = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      if (w.first() < s.start()) append(decode(path, times, w.first(), s.start() - w.first()), s.start() - w.first(), hashes, errors);
      append(new Decode(List.of(), List.of()), s.frames(), hashes, errors);
      if (after) append(decode(path, times, s.endExclusive(), w.end() - s.endExclusive()), w.end() - s.endExclusive(), hashes, errors);
      out.add(new Decode(hashes, errors));
    }
    return out;
  }

  /** Adds {@code d}'s hashes as exactly {@code frames} entries (missing pictures as empty strings) and its errors. */
  private static void append(Decode d, long frames, List<String> hashes, List<String> errors) {
    for (int i = 0; i < frames; i++) hashes.add(i < d.hashes().size() ? d.hashes().get(i) : "");
    errors.addAll(d.errors());
  }

  /**
   * The output's decode of every window, started before the output is probed: it seeks to where the master has the
   * window's first frame (the output keeps the master's timestamps; were they moved, the decode would start elsewhere
   * and its frames fail the comparison).
   */
  List<Decode> outputDecodes(Path output, List<Window> windows) {
    List<Decode> out = new ArrayList<>();
    for (Window w : windows) out.add(decode(output, master.media().packets(), w.first(), w.frames()));
    return out;
  }

  /** 1. Frame count, rate, start timecode and audio of the output; false if it failed (the rest need not be checked). */
  boolean checkStream(FfprobeProber.Probed output, List<String> findings) {
    MediaProbe out = output.media();
    MediaProbe m = master.media();
    int before = findings.size();
    if (out.frameCount() != m.frameCount()) {
      findings.add("the output has " + out.frameCount() + " frames, the master " + m.frameCount());
    }
    if (!out.frameRate().equals(m.frameRate())) {
      findings.add("the output runs at " + out.frameRate() + " fps, the master at " + m.frameRate());
    }
    if (!out.startTimecode().equals(sidecar.master().startTimecode())) {
      findings.add("the output starts at timecode " + out.startTimecode() + ", the master at " + sidecar.master().startTimecode());
    }
    checkAudio(output, findings);
    return findings.size() == before;
  }

  /** 2. The re-rendered segments' packets in the output are the segments' own. */
  void checkRenderedPackets(MediaProbe output, Map<Segment, RenderedSegment> rendered, List<String> findings) {
    PacketIndex idx = output.packets();
    for (Segment s : plan.renderSegments()) {
      RenderedSegment r = rendered.get(s);
      int first = idx.packetOf(r.firstFrame());
      int end = first + r.packets();
      Optional<String> sha = Optional.empty();
      if (r.videoSha256() != null && end <= idx.packetCount()) {
        try {
          sha = Hashing.payloadSha256(output.path(), output.formatName(), idx, first, end);
        } catch (IOException e) {
          throw new PatchworkException("cannot read " + output.path() + ": " + e, e);
        }
      }
      if (sha.isPresent()) {
        if (!sha.get().equals(r.videoSha256())) {
          findings.add("the re-rendered frames " + s.start() + "-" + (s.endExclusive() - 1) + " (" + sidecar.timecodeAt(s.start())
              + ") are not the rendered segment's packets in the output");
        }
      } else {
        checkRenderedByDecoding(output, s, r, findings); // a container whose packets cannot be located in the file
      }
    }
  }

  /** Where the packets cannot be read from the files: the output's decode of the segment against the segment's own. */
  private void checkRenderedByDecoding(MediaProbe output, Segment s, RenderedSegment r, List<String> findings) {
    Decode out = decode(output.path(), output.packets(), s.start(), s.frames());
    Decode own = decodeAll(r.video());
    if (!out.hashes().equals(own.hashes())) {
      findings.add("the re-rendered frames " + s.start() + "-" + (s.endExclusive() - 1) + " (" + sidecar.timecodeAt(s.start())
          + ") decode differently from the rendered segment");
    }
  }

  /**
   * 3. Each window of the output decodes without errors beyond the master's own, to the right number of frames, and
   * its kept frames to the master's pictures.
   */
  SeamCounts checkSeams(List<Window> windows, List<Decode> outputs, List<Decode> reference, List<String> findings) {
    long decoded = 0;
    long matched = 0;
    for (int k = 0; k < windows.size(); k++) {
      Window w = windows.get(k);
      Segment s = w.segment();
      Decode out = outputs.get(k);
      Decode ref = reference.get(k);
      decoded += out.hashes().size();
      List<String> errors = beyond(out.errors(), ref.errors());
      if (!errors.isEmpty()) {
        findings.add(String.format(Locale.ROOT, "decoding frames %d-%d of the output reported errors: %s", w.first(), w.end() - 1,
            String.join(" / ", errors.subList(0, Math.min(3, errors.size())))));
      }
      if (out.hashes().size() != w.frames()) {
        findings.add("decoding frames " + w.first() + "-" + (w.end() - 1) + " of the output gave " + out.hashes().size()
            + " pictures, not " + w.frames());
        continue;
      }
      for (long f = w.first(); f < w.end(); f++) {
        if (f >= s.start() && f < s.endExclusive()) continue;
        int i = (int) (f - w.first());
        if (i < ref.hashes().size() && !ref.hashes().get(i).isEmpty() && ref.hashes().get(i).equals(out.hashes().get(i))) {
          matched++;
        } else {
          findings.add("kept frame " + f + " (" + sidecar.timecodeAt(f) + ") decodes differently from the master's");
        }
      }
    }
    return new SeamCounts(decoded, matched);
  }

  /** 4. Kept GOPs, by their packets; returns how many matched. */
  long checkKeptGops(List<Region> outputRegions, Set<Long> bridged, boolean force, List<String> findings) {
    listener.message("verifying kept GOPs");
    Map<Long, Region> byStart = new HashMap<>();
    for (Region r : outputRegions) byStart.put(r.start(), r);
    long keptIdentical = 0;
    List<ValidationException.Problem> changedMaster = new ArrayList<>();
    for (Region m : sidecar.content().regions()) {
      if (!insideKeep(m) || bridged.contains(m.randomAccessFrame())) continue;
      Region o = byStart.get(m.start());
      if (o == null || o.frames() != m.frames() || o.leading() != m.leading()) {
        findings.add("the kept GOP " + sidecar.describe(m) + " is not a GOP of the output");
      } else if (o.videoSha256().equals(m.videoSha256())) {
        keptIdentical++;
      } else if (!masterStillHas(m)) {
        // the master itself changed there since its sidecar was written: bad input, not a fault of the splice
        if (!force) {
          changedMaster.add(new ValidationException.Problem(master.media().path().toString(), "the master does not match its sidecar ("
              + sidecar.describe(m) + " differs from the master); patch it anyway with --force (force(true) in the API), or adopt it again"));
        } else if (o.videoSha256().equals(masterVideoSha256(m))) {
          keptIdentical++; // forced: the kept GOP is the master's as it is now
        } else {
          findings.add("the kept GOP " + sidecar.describe(m) + " has other video packets in the output than in the master");
        }
      } else {
        findings.add("the kept GOP " + sidecar.describe(m) + " has other video packets in the output");
      }
    }
    if (!changedMaster.isEmpty()) throw new ValidationException(changedMaster);
    return keptIdentical;
  }

  /** True if the master's bytes of region {@code r} are still those its sidecar hashed. */
  private boolean masterStillHas(Region r) {
    try (FileChannel ch = FileChannel.open(master.media().path(), StandardOpenOption.READ)) {
      return Hashing.sha256(ch, r.offset(), r.length()).equals(r.sha256());
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + master.media().path() + ": " + e, e);
    }
  }

  /** The SHA-256 of the master's video payloads in region {@code r}, as they are now (decode order). */
  private String masterVideoSha256(Region r) {
    MediaProbe m = master.media();
    List<AccessPoint> points = m.accessPoints();
    int from = -1;
    int to = m.packets().packetCount();
    for (int i = 0; i < points.size(); i++) {
      if (points.get(i).frame() == r.randomAccessFrame()) {
        from = points.get(i).packet();
        if (i + 1 < points.size()) to = points.get(i + 1).packet();
      }
    }
    if (from < 0) return "";
    try {
      return Hashing.payloadSha256(m.path(), m.formatName(), m.packets(), from, to).orElse("");
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + m.path() + ": " + e, e);
    }
  }

  /**
   * The decoder messages of the output that the master's own decode from the same point does not also print. Starting
   * in the middle of a stream at an open random-access point (an x264 open-GOP I picture, an MPEG-2 open GOP) makes
   * decoders complain about the references they never saw, in the master as much as in the output; those are not
   * faults of the splice. Messages are compared without their {@code [codec @ 0x…]} prefix, as a multiset.
   */
  static List<String> beyond(List<String> output, List<String> master) {
    List<String> remaining = new ArrayList<>();
    for (String m : master) remaining.add(normalize(m));
    List<String> extra = new ArrayList<>();
    for (String o : output) {
      if (!remaining.remove(normalize(o))) extra.add(o);
    }
    return extra;
  }

  private static String normalize(String message) {
    return message.replaceAll("\\[[^\\]]*@ 0x[0-9a-fA-F]+\\]\\s*", "").strip();
  }

  private boolean insideKeep(Region r) {
    Segment a = plan.segmentAt(r.start());
    return !a.isRender() && a.endExclusive() >= r.start() + r.frames();
  }

  private static Region regionOf(List<Region> regions, long frame) {
    for (Region r : regions) {
      if (r.start() <= frame && frame < r.start() + r.frames()) return r;
    }
    throw new PatchworkException("no GOP of the master holds frame " + frame);
  }

  private void checkAudio(FfprobeProber.Probed output, List<String> findings) {
    List<AudioStream> ma = master.media().audioStreams();
    List<AudioStream> oa = output.media().audioStreams();
    if (ma.size() != oa.size()) {
      findings.add("the output has " + oa.size() + " audio streams, the master " + ma.size());
      return;
    }
    for (int i = 0; i < ma.size(); i++) {
      AudioStream m = ma.get(i);
      AudioStream o = oa.get(i);
      if (!m.codecName().equals(o.codecName()) || m.sampleRate() != o.sampleRate() || m.channels() != o.channels()) {
        findings.add("audio stream " + i + " is " + o.codecName() + " " + o.sampleRate() + " Hz " + o.channels() + " ch in the output, "
            + m.codecName() + " " + m.sampleRate() + " Hz " + m.channels() + " ch in the master");
        continue;
      }
      AudioLength.Totals mt = totals(master, i);
      AudioLength.Totals ot = totals(output, i);
      // where the sound starts against the picture: a millisecond for PCM, one 1024-sample frame re-encoded
      long ms = AudioLength.startMicros(mt);
      long os = AudioLength.startMicros(ot);
      boolean pcm = AudioLength.pcmBytes(m.codecName()) > 0;
      long frameTolerance = 1024L * SpliceTime.MICROS / m.sampleRate() + 1000;
      long startTolerance = pcm ? SpliceTime.MICROS / m.sampleRate() + 1000 : frameTolerance;
      if (Math.abs(ms - os) > startTolerance) {
        findings.add(String.format(Locale.ROOT, "audio stream %d starts at %s s in the output, at %s s in the master", i,
            SpliceTime.seconds(os), SpliceTime.seconds(ms)));
      }
      if (pcm) {
        long mn = AudioLength.samples(mt, m);
        long on = AudioLength.samples(ot, o);
        if (mn != on) findings.add("audio stream " + i + " has " + on + " samples in the output, " + mn + " in the master");
        continue;
      }
      // a re-encoded track must end within one 1024-sample frame of the master's
      long me = AudioLength.endMicros(mt);
      long oe = AudioLength.endMicros(ot);
      if (Math.abs(me - oe) > frameTolerance) {
        findings.add(String.format(Locale.ROOT, "audio stream %d ends at %s s in the output, at %s s in the master", i,
            SpliceTime.seconds(oe), SpliceTime.seconds(me)));
      }
    }
  }

  /** Audio stream {@code i}'s packet totals: from the probe's own pass when it took them, else one pass of its own. */
  private AudioLength.Totals totals(FfprobeProber.Probed p, int i) {
    if (i < p.audio().size()) return p.audio().get(i);
    return AudioLength.totals(tools, p.media().path(), i);
  }

  /**
   * Decodes {@code frames} frames of {@code media} from frame {@code first} (a random-access point), seeking to that
   * frame's timestamp in {@code times}.
   */
  private Decode decode(Path media, PacketIndex times, long first, long frames) {
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error"));
    if (first > 0) {
      long pts = times.pts(times.packetOf(first));
      argv.addAll(List.of("-seek_timestamp", "1", "-ss", SpliceTime.seconds(SpliceTime.floorMicros(pts, times.timeBase()))));
    }
    argv.addAll(List.of("-i", media.toString(), "-map", "0:v:0", "-frames:v", Long.toString(frames), "-f", "framehash",
        "-hash", "murmur3", "pipe:1"));
    return run(argv);
  }

  private Decode decodeAll(Path media) {
    return run(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-i", media.toString(), "-map", "0:v:0",
        "-f", "framehash", "-hash", "murmur3", "pipe:1"));
  }

  private Decode run(List<String> argv) {
    List<String> hashes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try {
      ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false)
          .onStdoutLine(line -> {
            if (line.startsWith("#") || line.isBlank()) return;
            int comma = line.lastIndexOf(',');
            hashes.add(line.substring(comma + 1).strip());
          })
          .onStderrLine(line -> {
            if (!line.isBlank()) errors.add(line.strip());
          })
          .run();
    } catch (ToolFailedException e) {
      errors.add(e.getMessage());
    }
    return new Decode(hashes, errors);
  }
}
