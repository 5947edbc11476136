package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchResult;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a spliced output before it is published, with evidence independent of the splice's own bookkeeping:
 * <ol>
 *   <li>the output, probed afresh, has the master's frame count, frame rate (every frame's timestamp on the constant
 *       grid), start timecode and audio streams, and each audio stream lasts as long as the master's;
 *   <li>every kept GOP of the master that was not bridged is in the output with its video packets unchanged: the
 *       SHA-256 of the output region's packet payloads equals the sidecar's {@code video_sha256} (no decoding);
 *   <li>every re-rendered segment and one GOP either side decode without a single error, the kept frames there
 *       decode to exactly the master's pictures (frame MD5s of both decodes), and the re-rendered frames to the
 *       rendered segment's own pictures.
 * </ol>
 */
final class OutputVerifier {

  private final FfmpegTools tools;
  private final MediaProbe master;
  private final Sidecar sidecar;
  private final PatchPlan plan;
  private final PatchListener listener;

  OutputVerifier(FfmpegTools tools, MediaProbe master, Sidecar sidecar, PatchPlan plan, PatchListener listener) {
    this.tools = tools;
    this.master = master;
    this.sidecar = sidecar;
    this.plan = plan;
    this.listener = listener;
  }

  /**
   * @return the counts for {@link PatchResult.Verification}; findings go to {@code findings}
   */
  PatchResult.Verification verify(MediaProbe output, List<Region> outputRegions, Set<Long> bridged,
      Map<Segment, RenderedSegment> rendered, List<String> findings) {
    // 1. the whole stream
    if (output.frameCount() != master.frameCount()) {
      findings.add("the output has " + output.frameCount() + " frames, the master " + master.frameCount());
    }
    if (!output.frameRate().equals(master.frameRate())) {
      findings.add("the output runs at " + output.frameRate() + " fps, the master at " + master.frameRate());
    }
    if (!output.startTimecode().equals(sidecar.master().startTimecode())) {
      findings.add("the output starts at timecode " + output.startTimecode() + ", the master at " + sidecar.master().startTimecode());
    }
    checkAudio(output, findings);
    if (!findings.isEmpty()) return new PatchResult.Verification(output.frameCount(), 0, 0, 0);

    // 2. kept GOPs, by their packets
    listener.message("verifying kept GOPs");
    Map<Long, Region> byStart = new HashMap<>();
    for (Region r : outputRegions) byStart.put(r.start(), r);
    long keptIdentical = 0;
    for (Region m : sidecar.content().regions()) {
      if (!insideKeep(m) || bridged.contains(m.randomAccessFrame())) continue;
      Region o = byStart.get(m.start());
      if (o == null || o.frames() != m.frames() || o.leading() != m.leading()) {
        findings.add("the kept GOP " + sidecar.describe(m) + " is not a GOP of the output");
      } else if (!o.videoSha256().equals(m.videoSha256())) {
        findings.add("the kept GOP " + sidecar.describe(m) + " has other video packets in the output");
      } else {
        keptIdentical++;
      }
    }

    // 3. re-rendered segments and their seams, decoded
    listener.message("verifying seams");
    long decoded = 0;
    long seamMatched = 0;
    for (Segment s : plan.renderSegments()) {
      long w0 = s.start() == 0 ? 0 : regionOf(outputRegions, s.start() - 1).randomAccessFrame();
      long w1;
      if (s.endExclusive() == master.frameCount()) {
        w1 = s.endExclusive();
      } else {
        Region after = regionOf(outputRegions, s.endExclusive());
        w1 = after.start() + after.frames();
      }
      Decode out = decode(output, w0, w1 - w0);
      Decode ref = decode(master, w0, w1 - w0);
      decoded += out.md5s().size();
      List<String> errors = beyond(out.errors(), ref.errors());
      if (!errors.isEmpty()) {
        findings.add(String.format(Locale.ROOT, "decoding frames %d-%d of the output reported errors: %s", w0, w1 - 1,
            String.join(" / ", errors.subList(0, Math.min(3, errors.size())))));
      }
      if (out.md5s().size() != w1 - w0) {
        findings.add("decoding frames " + w0 + "-" + (w1 - 1) + " of the output gave " + out.md5s().size() + " pictures, not " + (w1 - w0));
        continue;
      }
      for (long f = w0; f < w1; f++) {
        if (f >= s.start() && f < s.endExclusive()) continue;
        int i = (int) (f - w0);
        if (i < ref.md5s().size() && ref.md5s().get(i).equals(out.md5s().get(i))) {
          seamMatched++;
        } else {
          findings.add("kept frame " + f + " (" + sidecar.timecodeAt(f) + ") decodes differently from the master's");
        }
      }
      RenderedSegment r = rendered.get(s);
      Decode own = decodeAll(r.video());
      for (long f = s.start(); f < s.endExclusive(); f++) {
        int i = (int) (f - s.start());
        int j = (int) (f - w0);
        if (i >= own.md5s().size() || !own.md5s().get(i).equals(out.md5s().get(j))) {
          findings.add("re-rendered frame " + f + " (" + sidecar.timecodeAt(f) + ") decodes differently from the rendered segment");
          break;
        }
      }
    }
    return new PatchResult.Verification(output.frameCount(), keptIdentical, decoded, seamMatched);
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
    throw new PatchworkException("no GOP of the output holds frame " + frame);
  }

  private void checkAudio(MediaProbe output, List<String> findings) {
    List<AudioStream> ma = master.audioStreams();
    List<AudioStream> oa = output.audioStreams();
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
      if (AudioLength.pcmBytes(m.codecName()) > 0) {
        long ms = AudioLength.samples(tools, master.path(), i, m);
        long os = AudioLength.samples(tools, output.path(), i, o);
        if (ms != os) findings.add("audio stream " + i + " has " + os + " samples in the output, " + ms + " in the master");
        continue;
      }
      // a re-encoded track must end within one 1024-sample frame of the master's
      long me = AudioLength.endMicros(tools, master.path(), i);
      long oe = AudioLength.endMicros(tools, output.path(), i);
      long tolerance = 1024L * SpliceTime.MICROS / m.sampleRate() + 1000;
      if (Math.abs(me - oe) > tolerance) {
        findings.add(String.format(Locale.ROOT, "audio stream %d ends at %s s in the output, at %s s in the master", i,
            SpliceTime.seconds(oe), SpliceTime.seconds(me)));
      }
    }
  }

  /** Decoded frame MD5s and any errors ffmpeg reported. */
  record Decode(List<String> md5s, List<String> errors) {}

  /** Decodes {@code frames} frames of {@code media} from frame {@code first} (a random-access point). */
  private Decode decode(MediaProbe media, long first, long frames) {
    PacketIndex idx = media.packets();
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error"));
    if (first > 0) {
      long pts = idx.pts(idx.packetOf(first));
      argv.addAll(List.of("-seek_timestamp", "1", "-ss", SpliceTime.seconds(SpliceTime.floorMicros(pts, idx.timeBase()))));
    }
    argv.addAll(List.of("-i", media.path().toString(), "-map", "0:v:0", "-frames:v", Long.toString(frames), "-f", "framemd5", "pipe:1"));
    return run(argv);
  }

  private Decode decodeAll(Path media) {
    return run(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-v", "error", "-i", media.toString(), "-map", "0:v:0",
        "-f", "framemd5", "pipe:1"));
  }

  private Decode run(List<String> argv) {
    List<String> md5s = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    try {
      ProcessRunner.command(argv).environment(tools.environment()).quitOnCancel(false)
          .onStdoutLine(line -> {
            if (line.startsWith("#") || line.isBlank()) return;
            int comma = line.lastIndexOf(',');
            md5s.add(line.substring(comma + 1).strip());
          })
          .onStderrLine(line -> {
            if (!line.isBlank()) errors.add(line.strip());
          })
          .run();
    } catch (ToolFailedException e) {
      errors.add(e.getMessage());
    }
    return new Decode(md5s, errors);
  }
}
