package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the patched master: a MOV/MP4 master whose change is picture-only and whose seams need no bridge by
 * rewriting its boxes ({@link QuickTimeSplice}), every other in one ffmpeg pass, as follows.
 *
 * <p><b>Video</b>: an ffconcat script reads the master's KEEP pieces and the re-rendered segments in order, with
 * {@code -auto_convert 0} and stream copy, so kept packets reach the muxer byte for byte. Each master piece starts at
 * its random-access point ({@code inpoint}, the point's own timestamp) and stops exactly before the first packet of
 * the next re-rendered GOP ({@code outpoint}, see {@link MasterTimeline#outpointMicros}); every piece's
 * {@code duration} is the master's own time between its first frame and the next piece's, so all pieces keep the
 * master's timestamps (the demuxer's shift is zero) and the output is as constant in frame rate as the master.
 * {@code -copyts} passes these timestamps on untouched. First kept GOPs that need it come from a {@link SeamBridge}.
 *
 * <p><b>Audio</b>: the first audio stream is assembled sample-exactly from the master's audio outside the
 * re-rendered ranges and each rendered segment's audio inside them ({@code atrim} by sample numbers, then
 * {@code concat}), and encoded again: bit-exact for PCM; for compressed codecs (AAC…) the whole track is re-encoded
 * at the master's bit rate, which keeps it gapless and without drift. Segments without audio keep the master's. When
 * no segment brings audio (the engine leaves out audio that is the master's own), every audio stream is copied. Further audio streams, subtitles and attachments are
 * copied from the master; global and stream metadata (with the start timecode, from which the MOV muxer writes its
 * {@code tmcd} track and the MXF muxer its timecode) are the master's.
 */
final class Splicer {

  /**
   * The written output.
   *
   * @param file          the output file
   * @param bridgedFrames random-access points of the master whose first GOP was bridged (modified)
   * @param rendered      the re-rendered segments as spliced (one before an H.264 open GOP is put into the master's
   *                      picture slots together with that GOP, see {@link OpenGopSeam})
   */
  record Output(Path file, Set<Long> bridgedFrames, Map<Segment, RenderedSegment> rendered) {}

  /**
   * System property: {@code true} splices every master with ffmpeg, also MOV/MP4 masters that {@link QuickTimeSplice}
   * would rewrite in place.
   */
  static final String REMUX_PROPERTY = "patchwork.splice.remux";

  private final FfmpegTools tools;
  private final MasterTimeline timeline;
  private final SpliceContainer container;
  private final Workspace workspace;
  private final AudioLength.Totals firstAudio;
  private byte[] videoExtradata;
  private List<SameAudio.Span> audioSpans = List.of();

  /**
   * @param firstAudio     the master's first audio stream's packet totals, if known (else they are counted when needed)
   * @param videoExtradata the master's video extradata as probed, or null (it is read when needed)
   */
  Splicer(FfmpegTools tools, MasterTimeline timeline, SpliceContainer container, Workspace workspace, AudioLength.Totals firstAudio,
      byte[] videoExtradata) {
    this.tools = tools;
    this.timeline = timeline;
    this.container = container;
    this.workspace = workspace;
    this.firstAudio = firstAudio;
    this.videoExtradata = videoExtradata;
  }

  /**
   * The samples of the master's first (PCM) audio track each RENDER segment's sound replaces ({@link SameAudio#spans}),
   * which lets a MOV/MP4 master's sound be written in place; without them a segment bringing sound is remuxed.
   */
  Splicer withAudioSpans(List<SameAudio.Span> spans) {
    this.audioSpans = List.copyOf(spans);
    return this;
  }

  /**
   * Writes the patched master to {@code output}; the caller forces it to disk (it can be verified meanwhile).
   *
   * @param sequential run when the output is about to be written from its first byte to its last without going back
   *                   (a reader may follow it); not run when it is not written that way
   */
  Output splice(PatchPlan plan, Map<Segment, RenderedSegment> renderedSegments, Path output, PatchListener listener, Runnable sequential) {
    if (!Boolean.getBoolean(REMUX_PROPERTY)) {
      Output rewritten = QuickTimeSplice.trySplice(tools, timeline, container, plan, renderedSegments, audioSpans, workspace, output, listener,
          sequential);
      if (rewritten != null) return rewritten;
    }
    MediaProbe master = timeline.probe();
    Map<Segment, RenderedSegment> rendered = new java.util.LinkedHashMap<>(renderedSegments);
    ConcatScript script = new ConcatScript();
    Set<Long> bridged = new TreeSet<>();
    long n = timeline.frameCount();
    List<Segment> segments = plan.segments();
    Segment previous = null;
    Long resumeFrom = null; // where a KEEP goes on after its first GOP went out with the RENDER before it
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      long a = s.start();
      long b = s.endExclusive();
      if (s.isRender()) {
        Segment keep = i + 1 < segments.size() ? segments.get(i + 1) : null;
        AccessPoint p = keep == null || timeline.intraOnly() ? null : timeline.pointAt(keep.start());
        if (OpenGopSeam.applies(master, p)) {
          int keepEnd = timeline.endPacket(keep.endExclusive());
          AccessPoint next = timeline.pointAfter(p);
          int gopEnd = next == null ? master.packets().packetCount() : Math.min(next.packet(), keepEnd);
          listener.message("putting frames " + a + "-" + (b - 1) + " into the master's picture slots before the open GOP at frame "
              + keep.start());
          OpenGopSeam.Slotted slotted = OpenGopSeam.build(tools, timeline, container, masterExtradata(), rendered.get(s), p, gopEnd,
              workspace.dir());
          rendered.put(s, slotted.segment());
          bridged.add(keep.start());
          long until = gopEnd == keepEnd ? keep.endExclusive() : next.frame();
          script.add(slotted.segment().video(), slotted.inpointMicros(), null, timeline.micros(until) - timeline.micros(a));
          previous = s;
          if (gopEnd == keepEnd) {
            previous = keep;
            i++;
          } else {
            resumeFrom = until;
          }
          continue;
        }
        script.add(rendered.get(s).video(), null, null, timeline.micros(b) - timeline.micros(a));
        previous = s;
        continue;
      }
      long from = a;
      int keepEnd = timeline.endPacket(b);
      if (resumeFrom != null) {
        from = resumeFrom;
        resumeFrom = null;
      } else if (previous != null && !timeline.intraOnly()) {
        AccessPoint p = timeline.pointAt(a);
        if (SeamBridge.needed(master, container, p)) {
          AccessPoint next = timeline.pointAfter(p);
          int bridgeEnd = next == null ? master.packets().packetCount() : Math.min(next.packet(), keepEnd);
          listener.message("bridging the kept GOP at frame " + a);
          SeamBridge bridge = SeamBridge.build(tools, timeline, container, p, bridgeEnd, workspace.dir(), this::masterExtradata);
          bridged.add(a);
          if (bridgeEnd == keepEnd) {
            script.add(bridge.file(), null, null, timeline.micros(b) - timeline.micros(a));
            previous = s;
            continue;
          }
          script.add(bridge.file(), null, null, timeline.micros(next.frame()) - timeline.micros(a));
          from = next.frame();
        }
      }
      Long outpoint = b < n ? timeline.outpointMicros(keepEnd) : null;
      script.add(master.path(), timeline.micros(from), outpoint, timeline.micros(b) - timeline.micros(from));
      previous = s;
    }
    Path list = workspace.file("splice.ffconcat");
    script.write(list);

    List<String> argv = finalPass(plan, rendered, list, output);
    listener.segmentStarted(null);
    ProcessRunner.command(argv).environment(tools.environment())
        .onProgress(p -> {
          if (p.frame() >= 0) listener.progress(null, p.frame(), n);
        })
        .run();
    if (!Files.isRegularFile(output)) throw new PatchworkException("ffmpeg wrote no output " + output);
    listener.segmentFinished(null);
    return new Output(output, bridged, Map.copyOf(rendered));
  }

  private byte[] masterExtradata() {
    if (videoExtradata == null) videoExtradata = FfprobeProber.extradata(tools, timeline.probe().path(), timeline.probe().video().index());
    return videoExtradata;
  }

  private List<String> finalPass(PatchPlan plan, Map<Segment, RenderedSegment> rendered, Path list, Path output) {
    MediaProbe master = timeline.probe();
    // stdin stays open: a cancelled splice is asked to quit with "q" before it is stopped
    List<String> argv = new ArrayList<>(List.of(tools.ffmpeg().toString(), "-hide_banner", "-y", "-v", "error",
        "-nostats", "-progress", "pipe:1", "-copyts"));
    // the concat script's clock starts at 0 with the first frame; a master whose first frame is shown later (an MP4
    // without edit lists shows it after its B-frames' delay) keeps that time in the output
    long firstFrame = timeline.micros(0);
    if (firstFrame != 0) argv.addAll(List.of("-itsoffset", SpliceTime.seconds(firstFrame)));
    argv.addAll(List.of("-f", "concat", "-safe", "0", "-auto_convert", "0", "-i", list.toString(), "-i", master.path().toString()));
    List<AudioStream> audio = master.audioStreams();
    Map<Segment, Integer> audioInputs = new LinkedHashMap<>();
    if (!audio.isEmpty()) {
      int input = 2;
      for (Segment s : plan.renderSegments()) {
        RenderedSegment r = rendered.get(s);
        if (r.hasAudio()) {
          argv.addAll(List.of("-i", r.rendered().toString()));
          audioInputs.put(s, input++);
        }
      }
    }
    boolean spliceAudio = !audioInputs.isEmpty();
    if (spliceAudio) argv.addAll(List.of("-filter_complex", audioGraph(plan, rendered, audioInputs, audio.get(0))));

    argv.addAll(List.of("-map", "0:v:0", "-c:v", "copy"));
    for (int i = 0; i < audio.size(); i++) {
      if (i == 0 && spliceAudio) {
        argv.addAll(List.of("-map", "[spliced]"));
        argv.addAll(encoderArgs(audio.get(0)));
      } else {
        argv.addAll(List.of("-map", "1:a:" + i, "-c:a:" + i, "copy"));
      }
    }
    argv.addAll(List.of("-map", "1:s?", "-c:s", "copy"));
    if (container == SpliceContainer.MATROSKA) argv.addAll(List.of("-map", "1:t?", "-c:t", "copy"));
    argv.addAll(List.of("-map_metadata", "1", "-map_metadata:s:v:0", "1:s:v:0", "-map_chapters", "1"));
    for (int i = 0; i < audio.size(); i++) argv.addAll(List.of("-map_metadata:s:a:" + i, "1:s:a:" + i));
    // naming some streams' tags copies no other stream's: subtitles would lose their language and title, and a
    // Matroska attachment its file name (without which the muxer refuses to write it)
    List<String> copiedKinds = container == SpliceContainer.MATROSKA ? List.of("subtitle", "attachment") : List.of("subtitle");
    for (String kind : copiedKinds) {
      long count = master.streams().stream().filter(st -> st instanceof OtherStream o && o.codecType().equals(kind)).count();
      String spec = kind.equals("subtitle") ? "s" : "t";
      for (int i = 0; i < count; i++) argv.addAll(List.of("-map_metadata:s:" + spec + ":" + i, "1:s:" + spec + ":" + i));
    }
    argv.addAll(RenderedSegment.containerVideoArgs(master, container));
    if (container.isQuickTime() && moovFirst(master.path())) argv.addAll(List.of("-movflags", "+faststart"));
    // the MP4 muxer writes its own major brand (isom) unless told the master's (mp42, iso4…)
    String brand = master.formatTags().getOrDefault("major_brand", "");
    if (container == SpliceContainer.MP4 && brand.matches("[\\x20-\\x7e]{4}") && !brand.isBlank()) argv.addAll(List.of("-brand", brand));
    argv.addAll(List.of("-f", container.muxer(), output.toString()));
    return argv;
  }

  /**
   * The filter graph assembling the first audio stream into {@code [spliced]}. Pieces are cut by sample numbers: on the
   * video's timeline the sample of frame {@code f} is {@code f · rate / fps}; in the master's stream that is {@code lead}
   * samples earlier ({@link AudioLength.Start}: positive where its sound starts after the first frame, negative where
   * before). A rendered segment's audio starts with its first frame: where the master's sound has not started yet, the
   * master has no samples to replace, and the splice takes the segment's samples from where it does; the master's sound
   * before its first frame is kept. The assembled stream keeps the master's first timestamp.
   */
  private String audioGraph(PatchPlan plan, Map<Segment, RenderedSegment> rendered, Map<Segment, Integer> inputs, AudioStream a) {
    record Piece(int input, long start, long end) {} // end -1: to the end of the stream
    MediaProbe master = timeline.probe();
    long n = timeline.frameCount();
    int sr = a.sampleRate();
    // rendered audio replaces the master's samples but never lengthens the track (a master's audio may stop early)
    long total = firstAudio != null ? AudioLength.samples(firstAudio, a) : AudioLength.samples(tools, master.path(), 0, a);
    AudioLength.Start start = AudioLength.Start.of(firstAudio, master);
    long lead = start.lead();
    // a lossy track's last frame decodes to more samples than the track holds (the encoder's padding, which MP4 cuts
    // with its edit list and Matroska after its last block's end): the master's sound ends where its packets do, or
    // each patch would lengthen it. Lossless tracks decode to exactly their samples.
    String codec = a.codecName();
    long masterEnd = codec.startsWith("pcm_") || codec.equals("flac") || codec.equals("alac") ? -1 : total - start.first();
    List<Piece> pieces = new ArrayList<>();
    for (Segment s : plan.segments()) {
      long from = SpliceTime.sampleOfFrame(s.start(), master.frameRate(), sr);
      long to = s.endExclusive() == n ? -1 : SpliceTime.sampleOfFrame(s.endExclusive(), master.frameRate(), sr);
      Integer input = s.isRender() ? inputs.get(s) : null;
      if (input == null) {
        long mFrom = s.start() == 0 ? 0 : Math.max(0, from - lead); // from frame 0 on: with any sound before it
        long mTo = to == -1 ? masterEnd : to - lead;
        if (mTo != -1 && mTo <= mFrom) continue; // before the master's sound starts
        Piece last = pieces.isEmpty() ? null : pieces.get(pieces.size() - 1);
        if (last != null && last.input() == 1 && last.end() == mFrom) {
          pieces.set(pieces.size() - 1, new Piece(1, last.start(), mTo));
        } else {
          pieces.add(new Piece(1, mFrom, mTo));
        }
      } else {
        SameAudio.Span taken = SameAudio.span(s, master, total, start);
        if (s.start() == 0 && lead < 0) pieces.add(new Piece(1, 0, -lead)); // the master's sound before its first frame
        if (taken.count() > 0) pieces.add(new Piece(input, taken.skip(), taken.skip() + taken.count()));
        long end = SpliceTime.sampleOfFrame(n, master.frameRate(), sr);
        if (to == -1 && total + lead > end) pieces.add(new Piece(1, end - lead, masterEnd)); // master audio that outlasts its video
      }
    }
    long masterPieces = pieces.stream().filter(p -> p.input() == 1).count();
    StringBuilder g = new StringBuilder();
    List<String> masterLabels = new ArrayList<>();
    // sample numbers count from the stream's first sample at time 0 or later: samples decoded before time 0 (an AAC
    // encoder's priming, which Matroska stores at a negative time) are dropped, or each patch would move the sound later
    if (masterPieces > 0) g.append("[1:a:0]atrim=start=0,asetpts=PTS-STARTPTS[master];");
    if (masterPieces > 1) {
      g.append("[master]asplit=").append(masterPieces);
      for (int i = 0; i < masterPieces; i++) {
        g.append("[m").append(i).append(']');
        masterLabels.add("[m" + i + "]");
      }
      g.append(';');
    } else if (masterPieces == 1) {
      masterLabels.add("[master]");
    }
    int m = 0;
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      Piece p = pieces.get(i);
      String in = p.input() == 1 ? masterLabels.get(m++) : "[" + p.input() + ":a:0]";
      List<String> trim = new ArrayList<>();
      if (p.start() > 0) trim.add("start_sample=" + p.start());
      if (p.end() >= 0) trim.add("end_sample=" + p.end());
      String label = "[p" + i + "]";
      g.append(in).append(trim.isEmpty() ? "anull" : "atrim=" + String.join(":", trim)).append(",asetpts=PTS-STARTPTS").append(label).append(';');
      labels.add(label);
    }
    labels.forEach(g::append);
    g.append(pieces.size() > 1 ? "concat=n=" + pieces.size() + ":v=0:a=1," : "anull,");
    // the master's first timestamp (half a second into the picture, say), which the muxer keeps (-copyts)
    g.append("asetpts=N/SR/TB");
    if (start.first() > 0) g.append('+').append(start.first()).append("/SR/TB");
    return g.append("[spliced]").toString();
  }

  /** Encodes the spliced audio like the master's: bit-exact PCM, or the same codec at the master's bit rate. */
  private static List<String> encoderArgs(AudioStream a) {
    String codec = a.codecName();
    if (codec.startsWith("pcm_")) return List.of("-c:a:0", codec);
    String encoder = Map.of("aac", "aac", "ac3", "ac3", "eac3", "eac3", "mp2", "mp2", "flac", "flac", "alac", "alac", "mp3", "libmp3lame",
        "opus", "libopus").get(codec);
    if (encoder == null) {
      throw new UnsupportedMasterException("cannot splice the master's " + codec + " audio: Patchwork re-encodes PCM, AAC, AC-3, E-AC-3, "
          + "MP2, MP3, FLAC, ALAC and Opus audio");
    }
    List<String> args = new ArrayList<>(List.of("-c:a:0", encoder));
    if (a.bitRate() > 0 && !encoder.equals("flac") && !encoder.equals("alac")) args.addAll(List.of("-b:a:0", Long.toString(a.bitRate())));
    // lossless: the master's sample format is its bit depth (s16: 16 bits, s32: 24), which the encoder otherwise takes
    // from whichever piece opens the graph (a rendered segment's 24-bit PCM makes a 16-bit FLAC master 24-bit)
    if ((encoder.equals("flac") || encoder.equals("alac")) && !a.sampleFormat().isEmpty()) {
      args.addAll(List.of("-sample_fmt:a:0", a.sampleFormat()));
    }
    if (codec.equals("aac") && a.profile().equals("LC")) args.addAll(List.of("-profile:a:0", "aac_low"));
    return args;
  }

  /** True if a QuickTime file's {@code moov} box comes before its {@code mdat} (it was written with faststart). */
  static boolean moovFirst(Path file) {
    return "moov".equals(firstTopLevelBox(file, Set.of("moov", "mdat")));
  }

  /** True if a QuickTime file has a top-level box of {@code type} ({@code moof}: it is fragmented). */
  static boolean hasTopLevelBox(Path file, String type) {
    return firstTopLevelBox(file, Set.of(type)) != null;
  }

  /** The type of the first top-level box of a QuickTime file that is one of {@code types}, or null if none is. */
  private static String firstTopLevelBox(Path file, Set<String> types) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (QuickTimeSplice.Top t : QuickTimeSplice.topLevel(ch).boxes()) {
        if (types.contains(t.type())) return t.type();
      }
      return null;
    } catch (IOException e) {
      throw new PatchworkException("cannot read " + file + ": " + e, e);
    }
  }

}
