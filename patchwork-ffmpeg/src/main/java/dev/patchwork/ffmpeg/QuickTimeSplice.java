package dev.patchwork.ffmpeg;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splices a MOV/MP4 master by rewriting its boxes instead of remuxing it: the output is the master's file with the
 * re-rendered samples' bytes put where the replaced ones were, its sample tables updated (sizes, sync samples,
 * composition offsets) and every chunk offset moved by the bytes inserted before it. Everything else — the
 * interleaving of the tracks, the audio and timecode samples, the edit lists, the metadata, the box layout — stays
 * the master's, and the file is written with kernel copies ({@link FileChannel#transferTo}) at the speed of a file copy.
 *
 * <p>It applies where the samples can simply change places: a QuickTime master, no segment bringing new audio, no
 * seam that needs bridging or picture slots (an open GOP after a re-rendered segment), a video sample table of the
 * kinds it knows, and re-rendered frames that are shown exactly at the replaced frames' times. Anything else returns
 * null, and the {@link Splicer} remuxes with ffmpeg. The output is verified like any other.
 */
final class QuickTimeSplice {

  private static final Logger log = LoggerFactory.getLogger(QuickTimeSplice.class);

  /** Boxes whose children this reads and may rewrite; every other box is kept as its bytes. */
  private static final Set<String> CONTAINERS = Set.of("moov", "trak", "mdia", "minf", "stbl", "edts");

  /** Boxes of a video sample table this rewrites or keeps knowingly. */
  private static final Set<String> VIDEO_TABLES = Set.of("stsd", "stts", "stss", "ctts", "stsc", "stsz", "stco", "co64", "sdtp", "cslg");

  /** Why a file cannot be spliced here (it can be with ffmpeg). */
  private static final class Declined extends Exception {
    Declined(String message) {
      super(message, null, false, false);
    }
  }

  private QuickTimeSplice() {}

  /**
   * Writes the spliced master to {@code output} (which must not exist; the caller forces it to disk), or returns null
   * if this splice does not apply (the reason is logged).
   *
   * @param audioSpans the samples of the master's first audio track each RENDER segment's sound replaces (for PCM
   *                   masters; empty otherwise, when no segment may bring sound)
   * @param writing    run just before the output is written, from its first byte to its last, never going back
   */
  static Splicer.Output trySplice(FfmpegTools tools, MasterTimeline timeline, SpliceContainer container, PatchPlan plan,
      Map<Segment, RenderedSegment> rendered, List<SameAudio.Span> audioSpans, Workspace workspace, Path output, PatchListener listener,
      Runnable writing) {
    try {
      Rewrite rewrite;
      try {
        rewrite = plan(tools, timeline, container, plan, rendered, audioSpans, workspace);
      } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException | NegativeArraySizeException | ArithmeticException e) {
        throw new Declined("a box that is not what its header says (" + e + ")");
      }
      writing.run();
      listener.segmentStarted(null);
      rewrite.write(output, listener, timeline.frameCount());
      listener.segmentFinished(null);
      return new Splicer.Output(output, Set.of(), Map.copyOf(rendered));
    } catch (Declined d) {
      log.debug("splicing {} with ffmpeg: {}", timeline.probe().path(), d.getMessage());
      return null;
    } catch (ClosedByInterruptException e) {
      throw new CancelledException("the splice was interrupted");
    } catch (IOException e) {
      throw new PatchworkException("cannot write " + output + ": " + e, e);
    }
  }

  // --- planning -------------------------------------------------------------------------------------------------

  private static Rewrite plan(FfmpegTools tools, MasterTimeline timeline, SpliceContainer container, PatchPlan plan,
      Map<Segment, RenderedSegment> rendered, List<SameAudio.Span> audioSpans, Workspace workspace) throws Declined, IOException {
    MediaProbe master = timeline.probe();
    if (!container.isQuickTime()) throw new Declined("not a QuickTime file");
    Map<Segment, SameAudio.Span> soundOf = new LinkedHashMap<>();
    for (Segment s : plan.renderSegments()) {
      RenderedSegment r = rendered.get(s);
      if (r == null) throw new Declined("no rendered file for " + s);
      if (r.hasAudio()) {
        SameAudio.Span span = audioSpans.stream().filter(a -> a.segment().equals(s)).findFirst()
            .orElseThrow(() -> new Declined("a segment brings sound the master's audio track cannot take in place"));
        if (span.count() > 0) soundOf.put(s, span);
      }
      if (!timeline.intraOnly() && s.endExclusive() < timeline.frameCount()) {
        AccessPoint p = timeline.pointAt(s.endExclusive());
        if (p == null || p.lead() > 0 || p.kind() != AccessPoint.Kind.IDR && p.kind() != AccessPoint.Kind.CLOSED_GOP) {
          throw new Declined("the GOP after " + s + " is not closed");
        }
      }
    }
    Path path = master.path();
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
      List<Top> tops = boxes(in);
      Top moovBox = null;
      for (Top t : tops) {
        if (t.type().equals("moof")) throw new Declined("fragmented");
        if (t.type().equals("moov")) {
          if (moovBox != null) throw new Declined("two moov boxes");
          moovBox = t;
        }
      }
      if (moovBox == null) throw new Declined("no moov box");
      if (moovBox.size() > 256L << 20) throw new Declined("moov larger than 256 MiB");
      Box moov = Box.parse("moov", read(in, moovBox.offset() + moovBox.header(), moovBox.size() - moovBox.header()));
      List<Box> traks = moov.all("trak");
      for (Box trak : traks) {
        if (!selfContained(trak.path("mdia", "minf"))) throw new Declined("a track's samples are in another file (dref)");
      }
      Box videoTrak = track(traks, master.video().index(), "vide");
      Table m = Table.of(videoTrak, "video track");
      for (Box b : videoTrak.path("mdia", "minf", "stbl").children) {
        if (!VIDEO_TABLES.contains(b.type)) throw new Declined("the video sample table has a '" + b.type + "' box");
      }
      PacketIndex index = master.packets();
      if (m.count() != index.packetCount()) throw new Declined("the video track has " + m.count() + " samples, ffprobe " + index.packetCount());
      for (int i = 0; i < m.count(); i++) {
        if (index.position(i) != m.offsets[i] || index.byteSize(i) != m.sizes[i]) {
          throw new Declined("video sample " + i + " is not where ffprobe has it");
        }
      }

      List<Run> runs = new ArrayList<>();
      VideoTables video = new VideoTables(m.ctts == null ? new long[m.count()] : m.ctts.clone(), m.sync == null ? null : m.sync.clone(),
          m.sdtp == null ? null : m.sdtp.clone(), m.sizes.clone());
      List<Path> sources = new ArrayList<>();
      for (Segment s : plan.renderSegments()) videoRuns(timeline, s, rendered.get(s), m, video, sources, runs);
      if (m.ctts != null && Arrays.stream(video.ctts()).min().orElse(0) < Arrays.stream(m.ctts).min().orElse(0)) {
        // shown earlier against their decoding than any master frame: the track's composition shift would not cover them
        throw new Declined("the re-rendered frames reorder more deeply than the master's");
      }
      if (!soundOf.isEmpty()) soundRuns(tools, master, traks, soundOf, rendered, workspace, sources, runs);
      runs.sort((x, y) -> Long.compare(x.oldStart(), y.oldStart()));
      for (int i = 1; i < runs.size(); i++) {
        if (runs.get(i).oldStart() < runs.get(i - 1).oldEnd()) throw new Declined("replaced samples overlap");
      }
      // every run inside one mdat's payload
      Map<Top, Long> mdatGrowth = new LinkedHashMap<>();
      for (Run run : runs) {
        Top holder = null;
        for (Top t : tops) {
          if (t.type().equals("mdat") && run.oldStart() >= t.offset() + t.header() && run.oldEnd() <= t.offset() + t.size()) holder = t;
        }
        if (holder == null) throw new Declined("a replaced sample is outside the mdat boxes");
        mdatGrowth.merge(holder, run.delta(), Long::sum);
      }
      for (Map.Entry<Top, Long> e : mdatGrowth.entrySet()) {
        Top t = e.getKey();
        if (!t.toEnd() && t.header() == 8 && t.size() + e.getValue() > 0xFFFFFFFFL) throw new Declined("an mdat outgrows its 32-bit size");
      }

      // the new moov: the video sample table rewritten, every track's chunk offsets moved
      Box vstbl = videoTrak.path("mdia", "minf", "stbl");
      vstbl.replace("stsz", Table.stsz(video.sizes()));
      if (m.ctts != null) {
        vstbl.replace("ctts", Table.ctts(video.ctts(), m.cttsVersion));
        Box cslg = vstbl.child("cslg");
        if (cslg != null) cslg.payload = Table.cslg(cslg.payload, video.ctts());
      }
      if (video.sync() != null) vstbl.replace("stss", Table.stss(video.sync()));
      if (video.sdtp() != null) vstbl.replace("sdtp", Table.sdtp(vstbl.child("sdtp").payload, video.sdtp()));
      long oldMoovSize = moovBox.size();
      long newMoovSize = moov.size(); // offsets' values do not change sizes (stco stays 32-bit or is declined)
      OffsetMap map = new OffsetMap(runs, moovBox.offset(), newMoovSize - oldMoovSize);
      for (Box trak : traks) {
        Box stbl = trak.path("mdia", "minf", "stbl");
        if (stbl == null) continue;
        for (Box b : stbl.children) {
          if (b.type.equals("stco") || b.type.equals("co64")) b.payload = map.chunkOffsets(b.payload, b.type.equals("co64"));
        }
      }
      byte[] moovBytes = moov.bytes();
      if (moovBytes.length != newMoovSize) throw new IllegalStateException("moov size changed while its offsets were written");
      return new Rewrite(path, tops, moovBox, moovBytes, runs, mdatGrowth, sources, in.size());
    }
  }

  /**
   * True if every data reference of a track's media is this file (flag 1): the chunk offsets of a track whose samples
   * live in another file must not move.
   */
  private static boolean selfContained(Box minf) throws Declined {
    Box dinf = minf == null ? null : minf.child("dinf");
    if (dinf == null) return true;
    ByteBuffer b = ByteBuffer.wrap(dinf.payload);
    int pos = 0;
    while (pos + 8 <= dinf.payload.length) {
      long size = b.getInt(pos) & 0xFFFFFFFFL;
      String type = new String(dinf.payload, pos + 4, 4, StandardCharsets.ISO_8859_1);
      if (size < 8 || pos + size > dinf.payload.length) throw new Declined("a malformed dinf box");
      if (type.equals("dref")) {
        if (size < 16) throw new Declined("a short dref box");
        int entries = b.getInt(pos + 12);
        int e = pos + 16;
        for (int i = 0; i < entries; i++) {
          if (e + 12 > pos + size) throw new Declined("a short dref box");
          long entrySize = b.getInt(e) & 0xFFFFFFFFL;
          if ((b.getInt(e + 8) & 1) == 0) return false;
          if (entrySize < 12) throw new Declined("a malformed dref entry");
          e += (int) entrySize;
        }
      }
      pos += (int) size;
    }
    return true;
  }

  /** The master's video sample table as it is being rewritten: composition offsets, sync samples (null: all), flags, sizes. */
  private record VideoTables(long[] ctts, boolean[] sync, byte[] sdtp, int[] sizes) {}

  /**
   * Puts RENDER segment {@code s}'s samples (from {@code r}'s re-wrapped video) in the place of the master's: their
   * sizes, sync flags, dependency flags and composition offsets into {@code video}, their bytes as runs.
   */
  private static void videoRuns(MasterTimeline timeline, Segment s, RenderedSegment r, Table m, VideoTables video, List<Path> sources,
      List<Run> runs) throws Declined, IOException {
    PacketIndex index = timeline.probe().packets();
    int ps = s.start() == 0 ? 0 : timeline.endPacket(s.start());
    int pe = s.endExclusive() == timeline.frameCount() ? index.packetCount() : timeline.startPacket(s.endExclusive());
    int k = pe - ps;
    if (k != s.frames()) throw new Declined(s + " is stored in " + k + " packets");
    boolean[] shown = new boolean[k];
    for (int i = ps; i < pe; i++) {
      long f = index.frameOf(i) - s.start();
      if (f < 0 || f >= k || shown[(int) f]) throw new Declined(s + " does not own its packets");
      shown[(int) f] = true;
    }
    Table seg;
    try (FileChannel sc = FileChannel.open(r.video(), StandardOpenOption.READ)) {
      Table found = null;
      for (Top t : boxes(sc)) {
        if (!t.type().equals("moov")) continue;
        Box sm = Box.parse("moov", read(sc, t.offset() + t.header(), t.size() - t.header()));
        if (sm.all("trak").size() != 1) throw new Declined("the rendered segment has more than one track");
        found = Table.of(sm.all("trak").get(0), "rendered segment");
      }
      if (found == null) throw new Declined("the rendered segment has no moov box");
      seg = found;
    }
    if (seg.count() != k) throw new Declined("the rendered segment has " + seg.count() + " samples, not " + k);
    if (seg.timescale != m.timescale) throw new Declined("the rendered segment's time scale is " + seg.timescale + ", the master's " + m.timescale);
    // the new frames go where the old ones were shown: same times, in the master's decode-time slots
    long[] mCts = new long[k];
    long[] nCts = new long[k];
    for (int j = 0; j < k; j++) {
      mCts[j] = m.dts[ps + j] + (m.ctts == null ? 0 : m.ctts[ps + j]);
      nCts[j] = seg.dts[j] + (seg.ctts == null ? 0 : seg.ctts[j]);
    }
    long[] ms = mCts.clone();
    long[] ns = nCts.clone();
    Arrays.sort(ms);
    Arrays.sort(ns);
    for (int j = 0; j < k; j++) {
      if (ns[j] - ns[0] != ms[j] - ms[0]) throw new Declined("the rendered frames of " + s + " are not shown at the master's times");
    }
    for (int j = 0; j < k; j++) {
      long offset = nCts[j] - ns[0] + ms[0] - m.dts[ps + j];
      if (m.ctts == null && offset != 0) throw new Declined("the rendered segment reorders frames, the master does not");
      if (m.cttsVersion == 0 && offset < 0) throw new Declined("a negative composition offset in a version 0 ctts");
      if (offset != (int) offset) throw new Declined("composition offset out of range");
      video.ctts()[ps + j] = offset;
      video.sizes()[ps + j] = seg.sizes[j];
      if (video.sync() != null) {
        video.sync()[ps + j] = seg.sync == null || seg.sync[j];
      } else if (seg.sync != null && !seg.sync[j]) {
        throw new Declined("the master is all sync samples, the rendered segment is not");
      }
      if (video.sdtp() != null) {
        // a segment re-wrapped from the renderer's Matroska has lost the encoder's disposable flags (x265): 0 says unknown
        video.sdtp()[ps + j] = seg.sdtp == null ? 0 : seg.sdtp[j];
      }
    }
    int source = sources.size();
    sources.add(r.video());
    // runs: replaced samples stored next to each other; each keeps its place in the file
    int j = 0;
    while (j < k) {
      long oldStart = m.offsets[ps + j];
      long oldEnd = oldStart + m.sizes[ps + j];
      List<long[]> pieces = new ArrayList<>();
      long newLength = 0;
      do {
        long o = seg.offsets[j];
        long z = seg.sizes[j];
        long[] last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
        if (last != null && last[1] + last[2] == o) {
          last[2] += z;
        } else {
          pieces.add(new long[] {source, o, z});
        }
        newLength += z;
        j++;
        if (j < k && m.offsets[ps + j] == oldEnd && !m.chunkStart[ps + j]) { // a run never spans chunks
          oldEnd += m.sizes[ps + j];
        } else {
          break;
        }
      } while (true);
      runs.add(new Run(oldStart, oldEnd - oldStart, newLength, pieces));
    }
  }

  /**
   * Runs that overwrite the master's first audio track's PCM samples in each span of {@code soundOf} with the rendered
   * segment's, byte for byte in place (the same number of samples of the same size: nothing moves). The samples are
   * the segment's decoded into the master's own PCM format; the track's edit list must not skip samples (every edit
   * empty or starting at media time 0), so that the splice's sample numbers are the track's.
   */
  private static void soundRuns(FfmpegTools tools, MediaProbe master, List<Box> traks, Map<Segment, SameAudio.Span> soundOf,
      Map<Segment, RenderedSegment> rendered, Workspace workspace, List<Path> sources, List<Run> runs) throws Declined, IOException {
    AudioStream a = master.audioStreams().get(0);
    int bytes = AudioLength.pcmBytes(a.codecName());
    if (bytes == 0 || a.channels() <= 0) throw new Declined("the master's sound is not PCM");
    long frameBytes = (long) bytes * a.channels();
    Box trak = track(traks, a.index(), "soun");
    Box elst = trak.path("edts", "elst");
    if (elst != null) {
      ByteBuffer e = ByteBuffer.wrap(elst.payload);
      boolean v1 = elst.payload[0] == 1;
      int entries = e.getInt(4);
      int width = v1 ? 20 : 12;
      if (8L + (long) entries * width > elst.payload.length) throw new Declined("a short elst");
      for (int i = 0; i < entries; i++) {
        long mediaTime = v1 ? e.getLong(8 + i * width + 8) : e.getInt(8 + i * width + 4);
        if (mediaTime != -1 && mediaTime != 0) throw new Declined("the audio track's edit list starts inside its samples");
      }
    }
    Box stbl = trak.path("mdia", "minf", "stbl");
    if (stbl == null) throw new Declined("the audio track has no sample table");
    Box stsz = stbl.child("stsz");
    if (stsz == null || stsz.payload.length < 12) throw new Declined("the audio track has no stsz");
    ByteBuffer z = ByteBuffer.wrap(stsz.payload);
    if (z.getInt(4) != frameBytes) throw new Declined("the audio track's samples are not whole PCM frames of " + frameBytes + " bytes");
    long samples = z.getInt(8) & 0xFFFFFFFFL;
    Chunks chunks = Chunks.of(stbl, "audio track");
    if (chunks.samples() != samples) throw new Declined("the audio track's chunks hold " + chunks.samples() + " of " + samples + " samples");
    String raw = a.codecName().substring("pcm_".length());
    for (Map.Entry<Segment, SameAudio.Span> entry : soundOf.entrySet()) {
      SameAudio.Span span = entry.getValue();
      long from = span.from();
      long to = from + span.count();
      if (from < 0 || to > samples) throw new Declined("the sound of " + entry.getKey() + " lies outside the audio track's samples");
      Path pcm = workspace.file("sound-" + sources.size() + "." + raw);
      dev.patchwork.ffmpeg.internal.ProcessRunner.command(List.of(tools.ffmpeg().toString(), "-hide_banner", "-nostdin", "-y", "-v", "error",
          "-i", rendered.get(entry.getKey()).rendered().toString(), "-map", "0:a:0", "-af", SameAudio.renderedTrim(span), "-c:a", a.codecName(), "-f", raw,
          pcm.toString())).environment(tools.environment()).quitOnCancel(false).run();
      if (java.nio.file.Files.size(pcm) != span.count() * frameBytes) {
        throw new Declined("the rendered sound of " + entry.getKey() + " decoded to " + java.nio.file.Files.size(pcm) + " bytes, not "
            + span.count() * frameBytes);
      }
      int source = sources.size();
      sources.add(pcm);
      long[] chunkFirst = chunks.firstSample();
      int first = Arrays.binarySearch(chunkFirst, from);
      int chunk = first >= 0 ? first : -first - 2;
      while (chunk >= 0 && chunk < chunks.count() && chunkFirst[chunk] < to) {
        long a0 = Math.max(from, chunkFirst[chunk]);
        long a1 = Math.min(to, chunkFirst[chunk + 1]);
        if (a1 > a0) {
          long at = chunks.offset()[chunk] + (a0 - chunkFirst[chunk]) * frameBytes;
          long length = (a1 - a0) * frameBytes;
          runs.add(new Run(at, length, length, List.of(new long[] {source, (a0 - from) * frameBytes, length})));
        }
        chunk++;
      }
    }
  }

  /**
   * The track of ffprobe's stream {@code stream} (ffmpeg makes a stream of every {@code trak}, in order), checked to
   * have the handler {@code type} ({@code vide}, {@code soun}).
   */
  private static Box track(List<Box> traks, int stream, String type) throws Declined {
    if (stream >= traks.size()) throw new Declined("stream " + stream + " has no track of its own");
    Box hdlr = traks.get(stream).path("mdia", "hdlr");
    String handler = hdlr == null || hdlr.payload.length < 12 ? null : new String(hdlr.payload, 8, 4, StandardCharsets.ISO_8859_1);
    if (!type.equals(handler)) throw new Declined("track " + stream + " is not a '" + type + "' track");
    return traks.get(stream);
  }

  /**
   * Replaced samples stored next to each other: {@code [oldStart, oldStart + oldLength)} of the master becomes
   * {@code pieces} ({source, offset, length}) of the rendered files.
   */
  private record Run(long oldStart, long oldLength, long newLength, List<long[]> pieces) {
    long oldEnd() {
      return oldStart + oldLength;
    }

    long delta() {
      return newLength - oldLength;
    }
  }

  /** Where a byte of the master lands in the output. */
  private static final class OffsetMap {
    private final long[] starts;
    private final long[] ends;
    private final long[] deltaBefore; // sum of the deltas of runs before run i
    private final long moovOffset;
    private final long moovDelta;

    OffsetMap(List<Run> runs, long moovOffset, long moovDelta) {
      int n = runs.size();
      starts = new long[n];
      ends = new long[n];
      deltaBefore = new long[n + 1];
      for (int i = 0; i < n; i++) {
        starts[i] = runs.get(i).oldStart();
        ends[i] = runs.get(i).oldEnd();
        deltaBefore[i + 1] = deltaBefore[i] + runs.get(i).delta();
      }
      this.moovOffset = moovOffset;
      this.moovDelta = moovDelta;
    }

    /**
     * The output position of master byte {@code o}, which starts a chunk: kept, or the first byte of a run (runs never
     * span chunks, so such a chunk's samples are the run's).
     */
    long map(long o) throws Declined {
      int i = Arrays.binarySearch(starts, o);
      int before;
      if (i >= 0) {
        before = i;
      } else {
        before = -i - 1; // runs starting before o
        if (before > 0 && o < ends[before - 1]) throw new Declined("a chunk starts inside replaced samples");
      }
      return o + deltaBefore[before] + (moovOffset < o ? moovDelta : 0);
    }

    byte[] chunkOffsets(byte[] payload, boolean wide) throws Declined {
      ByteBuffer in = ByteBuffer.wrap(payload);
      ByteBuffer out = ByteBuffer.wrap(payload.clone());
      int count = in.getInt(4);
      if (8L + (long) count * (wide ? 8 : 4) > payload.length) throw new Declined("a short chunk offset table");
      for (int c = 0; c < count; c++) {
        int at = 8 + c * (wide ? 8 : 4);
        long o = wide ? in.getLong(at) : in.getInt(at) & 0xFFFFFFFFL;
        long n = map(o);
        if (wide) {
          out.putLong(at, n);
        } else {
          if (n > 0xFFFFFFFFL) throw new Declined("a chunk offset outgrows stco");
          out.putInt(at, (int) n);
        }
      }
      return out.array();
    }
  }

  // --- writing --------------------------------------------------------------------------------------------------

  private record Rewrite(Path master, List<Top> tops, Top moovBox, byte[] moov, List<Run> runs, Map<Top, Long> mdatGrowth,
      List<Path> sources, long masterSize) {

    void write(Path output, PatchListener listener, long frames) throws IOException {
      FileChannel[] src = new FileChannel[sources.size()];
      try (FileChannel in = FileChannel.open(master, StandardOpenOption.READ);
          FileChannel out = FileChannel.open(output, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int i = 0; i < src.length; i++) src[i] = FileChannel.open(sources.get(i), StandardOpenOption.READ);
        Progress progress = new Progress(listener, masterSize, frames);
        for (Top t : tops) {
          if (t == moovBox) {
            writeFully(out, ByteBuffer.wrap(moov));
            continue;
          }
          Long growth = mdatGrowth.get(t);
          if (growth == null) {
            copy(in, t.offset(), t.size(), out, progress);
            continue;
          }
          ByteBuffer header = ByteBuffer.allocate(t.header());
          long size = t.toEnd() ? 0 : t.size() + growth;
          if (t.header() == 16) {
            header.putInt(1).put("mdat".getBytes(StandardCharsets.ISO_8859_1)).putLong(size);
          } else {
            header.putInt((int) size).put("mdat".getBytes(StandardCharsets.ISO_8859_1));
          }
          writeFully(out, header.flip());
          long cursor = t.offset() + t.header();
          for (Run run : runs) {
            if (run.oldStart() < cursor || run.oldEnd() > t.offset() + t.size()) continue;
            copy(in, cursor, run.oldStart() - cursor, out, progress);
            for (long[] piece : run.pieces()) copy(src[(int) piece[0]], piece[1], piece[2], out, Progress.NONE);
            cursor = run.oldEnd();
          }
          copy(in, cursor, t.offset() + t.size() - cursor, out, progress);
        }
      } finally {
        for (FileChannel c : src) {
          if (c != null) c.close();
        }
      }
    }
  }

  /** Reports copied master bytes as frames. */
  private static final class Progress {
    static final Progress NONE = new Progress(null, 1, 0);
    private final PatchListener listener;
    private final long total;
    private final long frames;
    private long done;

    Progress(PatchListener listener, long total, long frames) {
      this.listener = listener;
      this.total = Math.max(1, total);
      this.frames = frames;
    }

    void add(long bytes) {
      done += bytes;
      if (listener != null) listener.progress(null, Math.min(frames, done * frames / total), frames);
    }
  }

  private static final long STEP = 64L << 20;

  private static void copy(FileChannel in, long from, long count, FileChannel out, Progress progress) throws IOException {
    long end = from + count;
    long pos = from;
    while (pos < end) {
      if (Thread.currentThread().isInterrupted()) throw new CancelledException("the splice was interrupted");
      long n = in.transferTo(pos, Math.min(STEP, end - pos), out);
      if (n <= 0) {
        if (pos >= in.size()) throw new IOException("the file ends at byte " + pos + ", before " + end);
        continue;
      }
      pos += n;
      progress.add(n);
    }
  }

  private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
    while (b.hasRemaining()) out.write(b);
  }

  // --- boxes ----------------------------------------------------------------------------------------------------

  /** A top-level box: its type, offset, header length and whole size ({@code toEnd}: its size field is 0). */
  record Top(String type, long offset, int header, long size, boolean toEnd) {}

  /**
   * The top-level boxes of a QuickTime file in order, as far as their headers can be read (a box whose size is
   * impossible is listed, then the walk stops), and whether they tile the file exactly.
   */
  record TopLevel(List<Top> boxes, boolean complete) {}

  static TopLevel topLevel(FileChannel ch) throws IOException {
    List<Top> out = new ArrayList<>();
    long size = ch.size();
    long pos = 0;
    ByteBuffer h = ByteBuffer.allocate(16);
    while (pos < size) {
      if (size - pos < 8) return new TopLevel(out, false); // trailing bytes after the last box
      h.clear();
      readFully(ch, h, pos);
      h.flip();
      long box = h.getInt(0) & 0xFFFFFFFFL;
      String type = new String(h.array(), 4, 4, StandardCharsets.ISO_8859_1);
      int header = 8;
      boolean toEnd = false;
      if (box == 1) {
        if (h.limit() < 16) return new TopLevel(out, false); // a truncated header
        box = h.getLong(8);
        header = 16;
      } else if (box == 0) {
        box = size - pos;
        toEnd = true;
      }
      out.add(new Top(type, pos, header, box, toEnd));
      if (box < header || pos + box > size) return new TopLevel(out, false); // runs past the end of the file
      pos += box;
    }
    return new TopLevel(out, true);
  }

  private static List<Top> boxes(FileChannel ch) throws IOException, Declined {
    TopLevel top = topLevel(ch);
    if (!top.complete()) throw new Declined("its top-level boxes do not make up the file");
    return top.boxes();
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) break;
    }
  }

  private static byte[] read(FileChannel ch, long pos, long length) throws IOException, Declined {
    if (length > Integer.MAX_VALUE - 64) throw new Declined("a box too large to read");
    ByteBuffer b = ByteBuffer.allocate((int) length);
    readFully(ch, b, pos);
    if (b.hasRemaining()) throw new Declined("the file ends inside a box");
    return b.array();
  }

  /** A box inside moov: its children, or its payload (the bytes after its header). */
  private static final class Box {
    final String type;
    byte[] payload;
    final List<Box> children;

    private Box(String type, byte[] payload, List<Box> children) {
      this.type = type;
      this.payload = payload;
      this.children = children;
    }

    static Box parse(String type, byte[] body) throws Declined {
      if (!CONTAINERS.contains(type)) return new Box(type, body, null);
      List<Box> children = new ArrayList<>();
      ByteBuffer b = ByteBuffer.wrap(body);
      int pos = 0;
      while (pos < body.length) {
        if (body.length - pos < 8) throw new Declined("a truncated box in " + type);
        long size = b.getInt(pos) & 0xFFFFFFFFL;
        String t = new String(body, pos + 4, 4, StandardCharsets.ISO_8859_1);
        int header = 8;
        if (size == 1) {
          if (body.length - pos < 16) throw new Declined("a truncated box in " + type);
          size = b.getLong(pos + 8);
          header = 16;
        } else if (size == 0) {
          size = body.length - pos;
        }
        if (size < header || size > body.length - pos) throw new Declined("a box overruns its parent " + type);
        children.add(parse(t, Arrays.copyOfRange(body, pos + header, pos + (int) size)));
        pos += (int) size;
      }
      return new Box(type, null, children);
    }

    Box child(String t) {
      if (children == null) return null;
      for (Box c : children) {
        if (c.type.equals(t)) return c;
      }
      return null;
    }

    List<Box> all(String t) {
      List<Box> out = new ArrayList<>();
      if (children != null) {
        for (Box c : children) {
          if (c.type.equals(t)) out.add(c);
        }
      }
      return out;
    }

    Box path(String... types) {
      Box b = this;
      for (String t : types) {
        b = b == null ? null : b.child(t);
      }
      return b;
    }

    void replace(String t, byte[] newPayload) {
      Box c = child(t);
      if (c == null) throw new IllegalStateException("no " + t + " to replace");
      c.payload = newPayload;
    }

    long size() {
      long body = 0;
      if (payload != null) {
        body = payload.length;
      } else {
        for (Box c : children) body += c.size();
      }
      return body + 8 <= 0xFFFFFFFFL ? body + 8 : body + 16;
    }

    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 64, size()));
      writeTo(out);
      return out.toByteArray();
    }

    private void writeTo(ByteArrayOutputStream out) {
      long size = size();
      ByteBuffer h = ByteBuffer.allocate(16);
      if (size <= 0xFFFFFFFFL) {
        h.putInt((int) size).put(type.getBytes(StandardCharsets.ISO_8859_1));
      } else {
        h.putInt(1).put(type.getBytes(StandardCharsets.ISO_8859_1)).putLong(size);
      }
      out.write(h.array(), 0, h.position());
      if (payload != null) {
        out.write(payload, 0, payload.length);
      } else {
        for (Box c : children) c.writeTo(out);
      }
    }
  }

  // --- sample tables --------------------------------------------------------------------------------------------

  /**
   * A track's chunks: where each is ({@code stco}/{@code co64}) and the number of its first sample ({@code stsc}), with
   * one more entry, the track's sample count, after the last.
   */
  private record Chunks(long[] offset, long[] firstSample) {

    int count() {
      return offset.length;
    }

    long samples() {
      return firstSample[offset.length];
    }

    static Chunks of(Box stbl, String what) throws Declined {
      Box stco = stbl.child("stco");
      Box co64 = stbl.child("co64");
      if ((stco == null) == (co64 == null)) throw new Declined("the " + what + " has no one chunk offset table");
      Box co = stco != null ? stco : co64;
      ByteBuffer o = ByteBuffer.wrap(co.payload);
      int chunks = o.getInt(4);
      if (chunks < 0 || 8L + (long) chunks * (co64 != null ? 8 : 4) > co.payload.length) throw new Declined("a short chunk offset table");
      ByteBuffer sc = ByteBuffer.wrap(Table.need(stbl, "stsc", what).payload);
      int entries = sc.getInt(4);
      long[] offset = new long[chunks];
      long[] firstSample = new long[chunks + 1];
      long sample = 0;
      int c = 0;
      for (int e = 0; e < entries; e++) {
        long firstChunk = sc.getInt(8 + 12 * e) & 0xFFFFFFFFL;
        long perChunk = sc.getInt(12 + 12 * e) & 0xFFFFFFFFL;
        if (sc.getInt(16 + 12 * e) != 1) throw new Declined("the " + what + " uses more than one sample description");
        if (firstChunk != c + 1) throw new Declined("the " + what + "'s stsc skips chunks");
        long nextFirst = e + 1 < entries ? sc.getInt(8 + 12 * (e + 1)) & 0xFFFFFFFFL : chunks + 1L;
        for (long chunk = firstChunk; chunk < nextFirst && chunk <= chunks; chunk++) {
          offset[c] = co64 != null ? o.getLong(8 + 8 * c) : o.getInt(8 + 4 * c) & 0xFFFFFFFFL;
          firstSample[c] = sample;
          sample += perChunk;
          c++;
        }
      }
      if (c != chunks) throw new Declined("the " + what + "'s stsc covers " + c + " of " + chunks + " chunks");
      firstSample[chunks] = sample;
      return new Chunks(offset, firstSample);
    }
  }

  /**
   * A track's samples in decode order: where they are, how large, when decoded ({@code dts}) and shown
   * ({@code dts + ctts}), in the media time scale; {@code sync} null: every sample is one; {@code ctts}/{@code sdtp}
   * null: the table has none.
   */
  private record Table(long timescale, long[] offsets, int[] sizes, long[] dts, long[] ctts, int cttsVersion, boolean[] sync, byte[] sdtp,
      boolean[] chunkStart) {

    int count() {
      return sizes.length;
    }

    static Table of(Box trak, String what) throws Declined {
      Box mdhd = trak.path("mdia", "mdhd");
      Box stbl = trak.path("mdia", "minf", "stbl");
      if (mdhd == null || stbl == null) throw new Declined("the " + what + " has no sample table");
      ByteBuffer h = ByteBuffer.wrap(mdhd.payload);
      long timescale = (h.get(0) == 1 ? h.getInt(20) : h.getInt(12)) & 0xFFFFFFFFL;

      Box stsz = need(stbl, "stsz", what);
      ByteBuffer z = ByteBuffer.wrap(stsz.payload);
      int fixed = z.getInt(4);
      int n = z.getInt(8);
      if (n < 0 || (fixed == 0 && 12L + 4L * n > stsz.payload.length)) throw new Declined("a short stsz in the " + what);
      int[] sizes = new int[n];
      for (int i = 0; i < n; i++) sizes[i] = fixed != 0 ? fixed : z.getInt(12 + 4 * i);
      // samples of one size (DNxHR, a one-frame segment) are read as a table: the master's stsz is written as one

      long[] dts = new long[n];
      ByteBuffer t = ByteBuffer.wrap(need(stbl, "stts", what).payload);
      int s = 0;
      long clock = 0;
      for (int e = 0, entries = t.getInt(4); e < entries; e++) {
        long count = t.getInt(8 + 8 * e) & 0xFFFFFFFFL;
        long delta = t.getInt(12 + 8 * e) & 0xFFFFFFFFL;
        for (long c = 0; c < count && s < n; c++) {
          dts[s++] = clock;
          clock += delta;
        }
      }
      if (s != n) throw new Declined("the " + what + "'s stts covers " + s + " of " + n + " samples");

      long[] ctts = null;
      int cttsVersion = -1;
      Box cttsBox = stbl.child("ctts");
      if (cttsBox != null) {
        ByteBuffer c = ByteBuffer.wrap(cttsBox.payload);
        cttsVersion = c.get(0);
        ctts = new long[n];
        s = 0;
        for (int e = 0, entries = c.getInt(4); e < entries; e++) {
          long count = c.getInt(8 + 8 * e) & 0xFFFFFFFFL;
          int offset = c.getInt(12 + 8 * e);
          for (long k = 0; k < count && s < n; k++) ctts[s++] = offset;
        }
        if (s != n) throw new Declined("the " + what + "'s ctts covers " + s + " of " + n + " samples");
      }

      boolean[] sync = null;
      Box stss = stbl.child("stss");
      if (stss != null) {
        ByteBuffer y = ByteBuffer.wrap(stss.payload);
        sync = new boolean[n];
        for (int e = 0, entries = y.getInt(4); e < entries; e++) {
          long sample = (y.getInt(8 + 4 * e) & 0xFFFFFFFFL) - 1;
          if (sample < 0 || sample >= n) throw new Declined("the " + what + "'s stss names sample " + (sample + 1));
          sync[(int) sample] = true;
        }
      }

      byte[] sdtp = null;
      Box sdtpBox = stbl.child("sdtp");
      if (sdtpBox != null) {
        if (sdtpBox.payload.length != 4 + n) throw new Declined("the " + what + "'s sdtp does not have one entry per sample");
        sdtp = Arrays.copyOfRange(sdtpBox.payload, 4, 4 + n);
      }

      // chunks: where each sample is
      Chunks chunks = Chunks.of(stbl, what);
      if (chunks.samples() != n) throw new Declined("the " + what + "'s chunks hold " + chunks.samples() + " of " + n + " samples");
      long[] offsets = new long[n];
      boolean[] chunkStart = new boolean[n];
      for (int c = 0; c < chunks.count(); c++) {
        long pos = chunks.offset()[c];
        for (int i = (int) chunks.firstSample()[c]; i < chunks.firstSample()[c + 1]; i++) {
          chunkStart[i] = i == chunks.firstSample()[c];
          offsets[i] = pos;
          pos += sizes[i];
        }
      }
      if (need(stbl, "stsd", what).payload.length < 8 || ByteBuffer.wrap(stbl.child("stsd").payload).getInt(4) != 1) {
        throw new Declined("the " + what + " has more than one sample description");
      }
      return new Table(timescale, offsets, sizes, dts, ctts, cttsVersion, sync, sdtp, chunkStart);
    }

    private static Box need(Box stbl, String type, String what) throws Declined {
      Box b = stbl.child(type);
      if (b == null || b.payload == null || b.payload.length < 8) throw new Declined("the " + what + " has no " + type);
      return b;
    }

    static byte[] stsz(int[] sizes) {
      ByteBuffer b = ByteBuffer.allocate(12 + 4 * sizes.length);
      b.putInt(0).putInt(0).putInt(sizes.length);
      for (int z : sizes) b.putInt(z);
      return b.array();
    }

    static byte[] ctts(long[] offsets, int version) {
      List<long[]> entries = new ArrayList<>();
      for (long o : offsets) {
        long[] last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
        if (last != null && last[1] == o) {
          last[0]++;
        } else {
          entries.add(new long[] {1, o});
        }
      }
      ByteBuffer b = ByteBuffer.allocate(8 + 8 * entries.size());
      b.putInt(version << 24).putInt(entries.size());
      for (long[] e : entries) b.putInt((int) e[0]).putInt((int) e[1]);
      return b.array();
    }

    static byte[] stss(boolean[] sync) {
      int count = 0;
      for (boolean y : sync) if (y) count++;
      ByteBuffer b = ByteBuffer.allocate(8 + 4 * count);
      b.putInt(0).putInt(count);
      for (int i = 0; i < sync.length; i++) if (sync[i]) b.putInt(i + 1);
      return b.array();
    }

    static byte[] sdtp(byte[] old, byte[] flags) {
      byte[] out = new byte[4 + flags.length];
      System.arraycopy(old, 0, out, 0, 4);
      System.arraycopy(flags, 0, out, 4, flags.length);
      return out;
    }

    /** The composition shift box with the new least and greatest offsets (its shift and times are kept). */
    static byte[] cslg(byte[] old, long[] ctts) {
      long least = Long.MAX_VALUE;
      long greatest = Long.MIN_VALUE;
      for (long c : ctts) {
        least = Math.min(least, c);
        greatest = Math.max(greatest, c);
      }
      ByteBuffer b = ByteBuffer.wrap(old.clone());
      if (old[0] == 1 && old.length >= 44) {
        b.putLong(12, least).putLong(20, greatest);
      } else if (old.length >= 24) {
        b.putInt(8, (int) least).putInt(12, (int) greatest);
      }
      return b.array();
    }
  }
}
