package dev.patchwork.ffmpeg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.PictureClassifier;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Picture;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.spi.MediaProber;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a master with ffprobe, without decoding a single picture: its streams and codec parameters, its
 * constant frame rate (a variable frame rate is refused), start timecode, frame count, and the video packets
 * with the truth about random access read from the bitstream.
 *
 * <p>Random access is never taken from the container's keyframe flag alone. For H.264, HEVC and MPEG-1/2 the
 * first bytes of every keyframe-flagged packet are read straight from the file (at the position ffprobe
 * reports; through {@code ffmpeg -c copy -f data} for containers that scatter packets, such as MPEG-TS) and their
 * NAL unit / GOP headers parsed: H.264 IDR vs I pictures with or without a recovery point SEI, HEVC IDR / CRA /
 * BLA with their RASL and RADL leading pictures, MPEG-2 {@code closed_gop} / {@code broken_link}. Leading
 * pictures are found from the packets' timestamps. Intra codecs (ProRes, DNxHD/DNxHR, JPEG 2000, MJPEG, v210,
 * rawvideo, …) make every frame a closed point.
 *
 * <p>Memory stays small for long masters: ffprobe's packet list is parsed line by line into primitive arrays.
 * Thread-safe; ffmpeg is located on first use when not given.
 */
public final class FfprobeProber implements MediaProber {

  private static final Logger log = LoggerFactory.getLogger(FfprobeProber.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Codecs in which every frame is a key frame that decodes on its own. */
  static final Set<String> INTRA_CODECS = Set.of(
      "prores", "dnxhd", "mjpeg", "jpeg2000", "v210", "v410", "v308", "v408", "r210", "r10k", "rawvideo", "huffyuv",
      "ffvhuff", "utvideo", "magicyuv", "cfhd", "png", "tiff", "dpx", "exr", "hap", "dvvideo", "avrp", "ayuv", "yuv4",
      "targa", "bmp", "qoi", "cllc", "sheervideo");

  private final LazyTools tools;

  /** Locates ffmpeg with {@link FfmpegTools#locate()} when first needed (the {@link java.util.ServiceLoader} entry). */
  public FfprobeProber() {
    this.tools = new LazyTools();
  }

  public FfprobeProber(FfmpegTools tools) {
    this.tools = new LazyTools(tools);
  }

  /** The tools this prober runs (locating them if not done yet). */
  public FfmpegTools tools() {
    return tools.get();
  }

  @Override
  public MasterFacts probe(Path media) {
    return probeMedia(media).masterFacts();
  }

  /**
   * Probes {@code media} in full.
   *
   * @throws ValidationException        if the file is missing, not media ffprobe can read, has no video, or is damaged
   *                                    or truncated
   * @throws UnsupportedMasterException if it cannot be patched safely: a variable frame rate, a codec whose random
   *                                    access Patchwork cannot read, a first frame that is not a clean point
   * @throws ToolFailedException        if ffprobe or ffmpeg failed otherwise
   */
  public MediaProbe probeMedia(Path media) {
    return probe(media, false).media();
  }

  /**
   * What {@link #probeMedia} learns, with what only the patch engine needs besides.
   *
   * @param media          the probe
   * @param videoExtradata the video stream's codec extradata as read for the random-access analysis (H.264 and HEVC:
   *                       {@code avcC} / {@code hvcC} or Annex B parameter sets), or {@code null} where none was read
   * @param audio          when asked for, each audio stream's packet totals, in the order of
   *                       {@link MediaProbe#audioStreams()}; otherwise empty
   * @param description    ffprobe's description of the format and streams (with their extradata), as JSON
   */
  record Probed(MediaProbe media, byte[] videoExtradata, List<AudioLength.Totals> audio, JsonNode description) {
    Probed {
      Objects.requireNonNull(media, "media");
      Objects.requireNonNull(description, "description");
      audio = List.copyOf(audio);
    }
  }

  /**
   * Probes {@code media} as {@link #probeMedia} does; with {@code audioTotals}, the packets of every audio stream are
   * totalled in the same ffprobe pass as the video's (so that their lengths need no pass of their own).
   */
  Probed probe(Path media, boolean audioTotals) {
    Objects.requireNonNull(media, "media");
    String where = media.toString();
    if (!Files.exists(media)) throw new ValidationException(where, "the file does not exist");
    if (!Files.isRegularFile(media)) throw new ValidationException(where, "not a regular file");
    if (!Files.isReadable(media)) throw new ValidationException(where, "the file cannot be read (permissions)");
    FfmpegTools t = tools();

    // 1. container and streams (small JSON)
    JsonNode root = streamsAndFormat(t, media);
    JsonNode format = root.path("format");
    List<MediaStream> streams = new ArrayList<>();
    JsonNode videoNode = null;
    for (JsonNode s : root.path("streams")) {
      MediaStream ms = stream(s);
      streams.add(ms);
      if (videoNode == null && ms instanceof VideoStream) videoNode = s;
    }
    if (videoNode == null) throw new ValidationException(where, "the file has no video stream");
    VideoStream video = (VideoStream) stream(videoNode);
    String formatName = text(format, "format_name");

    // 2. the video packets (streamed line by line into primitive arrays), and the audio packets' totals if asked for
    List<AudioStream> audioStreams = streams.stream().filter(AudioStream.class::isInstance).map(AudioStream.class::cast).toList();
    Map<Integer, AudioLength.Totals> fromHeader = new LinkedHashMap<>();
    Map<Integer, AudioLength.Counter> counters = new LinkedHashMap<>();
    if (audioTotals) {
      for (AudioStream a : audioStreams) {
        AudioLength.Totals h = pcmTotalsFromHeader(formatName, a, nodeOf(root, a.index()));
        if (h != null) {
          fromHeader.put(a.index(), h);
        } else {
          counters.put(a.index(), new AudioLength.Counter(a.timeBase()));
        }
      }
    }
    PacketTable table = packets(t, media, video.index(), counters);
    if (table.count() == 0) throw new ValidationException(where, "the video stream has no packets");
    checkComplete(where, videoNode, table, video);

    // 3. random access
    Codec codec = PictureClassifier.Codec.of(video.codecName());
    boolean intraCodec = INTRA_CODECS.contains(video.codecName());
    PacketIndex index;
    List<AccessPoint> points;
    boolean intraOnly;
    byte[] videoExtradata = null;
    if (intraCodec) {
      index = table.toIndex(video.timeBase(), new BitSet());
      points = List.of();
      intraOnly = true;
    } else if (codec != null) {
      byte[] extradata = codec == Codec.MPEG2 ? new byte[0] : hexDump(videoNode.path("extradata").asText(""));
      if (codec != Codec.MPEG2) videoExtradata = extradata;
      int lengthSize = PictureClassifier.nalLengthSize(codec, extradata);
      RandomAccessAnalysis.Outcome o = RandomAccessAnalysis.analyze(where, codec, table, video.timeBase(),
          needed -> classify(t, media, formatName, video.index(), table, needed, codec, lengthSize));
      index = o.index();
      boolean everyFrame = o.points().size() == index.frameCount();
      intraOnly = everyFrame;
      points = everyFrame ? List.of() : o.points();
    } else {
      throw new UnsupportedMasterException(where + ": Patchwork cannot read random access in " + video.codecName()
          + " video; supported are H.264, HEVC, MPEG-1/2 and intra codecs (ProRes, DNxHD/DNxHR, JPEG 2000, …)");
    }
    if (index.frameCount() == 0) throw new ValidationException(where, "the video stream displays no frames");

    // 4. frame rate, completeness, timecode
    FrameRate rate = ConstantFrameRate.of(where, index, List.of(video.rFrameRate(), video.avgFrameRate()));
    Timecode start = startTimecode(where, root, video, rate);

    Optional<Duration> duration = seconds(text(format, "duration"));
    MediaProbe probe = new MediaProbe(media, formatName, text(format, "format_long_name"), duration, number(format, "size"),
        number(format, "bit_rate"), tags(format), streams, video, rate, index.frameCount(), start, intraOnly, points, index);
    List<AudioLength.Totals> totals = new ArrayList<>();
    if (audioTotals) {
      for (AudioStream a : audioStreams) {
        AudioLength.Totals h = fromHeader.get(a.index());
        totals.add(h != null ? h : counters.get(a.index()).totals());
      }
    }
    return new Probed(probe, videoExtradata, totals, root);
  }

  /**
   * The packet totals of a PCM stream in MOV/MP4 from the container's sample table, as ffprobe reports it: there
   * {@code nb_frames} counts the samples (per channel) the table holds, from which ffprobe's packet sizes come too, so
   * no pass over the packets is needed. Null for other codecs and containers.
   */
  private static AudioLength.Totals pcmTotalsFromHeader(String formatName, AudioStream a, JsonNode node) {
    int bytes = AudioLength.pcmBytes(a.codecName());
    long samples = number(node, "nb_frames");
    if (FilePackets.layoutOf(formatName) != FilePackets.Layout.MOV || bytes == 0 || a.channels() <= 0 || samples < 0) return null;
    String start = text(node, "start_pts");
    long first;
    try {
      first = start.isEmpty() ? PacketIndex.ABSENT : Long.parseLong(start);
    } catch (NumberFormatException e) {
      first = PacketIndex.ABSENT;
    }
    long end = (first == PacketIndex.ABSENT ? 0 : first) + Math.max(0, number(node, "duration_ts"));
    return new AudioLength.Totals(a.timeBase(), end, Math.multiplyExact(samples, (long) bytes * a.channels()), first);
  }

  private static JsonNode nodeOf(JsonNode root, int index) {
    for (JsonNode s : root.path("streams")) {
      if (s.path("index").asInt(-1) == index) return s;
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  // --- ffprobe runs ---------------------------------------------------------------------------------------

  private static JsonNode streamsAndFormat(FfmpegTools t, Path media) {
    // -show_data adds each stream's codec extradata (a few dozen bytes for video), so that it needs no run of its own
    List<String> argv = List.of(t.ffprobe().toString(), "-v", "error", "-hide_banner", "-show_format", "-show_streams", "-show_data",
        "-of", "json", media.toString());
    String out;
    try {
      out = ProcessRunner.command(argv).environment(t.environment()).collectStdout().quitOnCancel(false).run().stdout();
    } catch (ToolFailedException e) {
      String why = e.stderrTail().lines().reduce((a, b) -> b).orElse("ffprobe exit code " + e.exitCode());
      throw new ValidationException(media.toString(), "not a media file ffprobe can read: " + why, e);
    }
    try {
      return JSON.readTree(out);
    } catch (JsonProcessingException e) {
      throw new PatchworkException("ffprobe wrote JSON that cannot be parsed for " + media + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The codec extradata ({@code avcC}, {@code hvcC}, or Annex B parameter sets) of one stream. */
  static byte[] extradata(FfmpegTools t, Path media, int streamIndex) {
    List<String> argv = List.of(t.ffprobe().toString(), "-v", "error", "-hide_banner", "-select_streams", Integer.toString(streamIndex),
        "-show_entries", "stream=extradata", "-show_data", "-of", "json", media.toString());
    String out = ProcessRunner.command(argv).environment(t.environment()).collectStdout().quitOnCancel(false).run().stdout();
    try {
      return hexDump(JSON.readTree(out).path("streams").path(0).path("extradata").asText(""));
    } catch (JsonProcessingException e) {
      throw new PatchworkException("ffprobe wrote JSON that cannot be parsed for " + media + ": " + e.getOriginalMessage(), e);
    }
  }

  static PacketTable packets(FfmpegTools t, Path media, int streamIndex) {
    return packets(t, media, streamIndex, Map.of());
  }

  /**
   * The video stream's packets; with {@code audio} counters (by stream index), those audio streams' packets are
   * counted in the same pass.
   */
  static PacketTable packets(FfmpegTools t, Path media, int streamIndex, Map<Integer, AudioLength.Counter> audio) {
    PacketTable table = new PacketTable(media.toString());
    List<String> argv = new ArrayList<>(List.of(t.ffprobe().toString(), "-v", "error", "-hide_banner"));
    java.util.function.Consumer<String> sink;
    if (audio.isEmpty()) {
      argv.addAll(List.of("-select_streams", Integer.toString(streamIndex), "-show_entries", "packet=pts,dts,duration,size,pos,flags"));
      sink = table::accept;
    } else {
      argv.addAll(List.of("-show_entries", "packet=stream_index,pts,dts,duration,size,pos,flags"));
      sink = line -> {
        int stream = streamIndexOf(line);
        if (stream == streamIndex) {
          table.accept(line);
        } else {
          AudioLength.Counter c = audio.get(stream);
          if (c != null) c.accept(line);
        }
      };
    }
    argv.addAll(List.of("-of", "compact=p=0:nk=0", media.toString()));
    ProcessRunner.Result r;
    try {
      r = ProcessRunner.command(argv).environment(t.environment()).onStdoutLine(sink).quitOnCancel(false).run();
    } catch (ToolFailedException e) {
      throw new ValidationException(media.toString(), "ffprobe cannot read the video packets: "
          + e.stderrTail().lines().reduce((a, b) -> b).orElse("exit code " + e.exitCode()), e);
    }
    if (!r.stderrTail().isBlank()) {
      List<String> lines = r.stderrTail().lines().limit(3).toList();
      throw new ValidationException(media.toString(), "the file is damaged or truncated; ffprobe reports: " + String.join(" / ", lines));
    }
    return table;
  }

  /** The {@code stream_index=} field of a compact packet line, or -1. */
  static int streamIndexOf(String line) {
    int at = line.startsWith("stream_index=") ? 0 : line.indexOf("|stream_index=");
    if (at < 0) return -1;
    int from = line.indexOf('=', at) + 1;
    int to = line.indexOf('|', from);
    try {
      return Integer.parseInt(line, from, to < 0 ? line.length() : to, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Map<Integer, Picture> classify(FfmpegTools t, Path media, String formatName, int streamIndex,
      PacketTable table, BitSet needed, Codec codec, int lengthSize) {
    Map<Integer, Picture> out = new HashMap<>();
    try (FilePackets file = new FilePackets(media, formatName)) {
      for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
        PacketBytes p = file.packet(table.position(i), table.size(i));
        if (p == null || !looksRight(p, codec, lengthSize)) {
          log.debug("{}: packet {} is not where ffprobe's position says ({}); reading the packets through ffmpeg", media, i, formatName);
          return StreamedPackets.classify(t, media, streamIndex, table, needed, codec, lengthSize);
        }
        out.put(i, PictureClassifier.classify(codec, p, lengthSize));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + media, e);
    }
    return out;
  }

  /** True if the bytes are plausibly the packet: NAL lengths that add up to its size, or a leading start code. */
  private static boolean looksRight(PacketBytes p, Codec codec, int lengthSize) throws IOException {
    if (codec != Codec.MPEG2 && lengthSize > 0) return PictureClassifier.isLengthPrefixed(p, lengthSize, codec);
    byte[] head = new byte[4];
    int n = p.read(0, head, 0, 4);
    return PictureClassifier.startsWithStartCode(head, n);
  }

  // --- checks ---------------------------------------------------------------------------------------------

  /**
   * A container that states more frames, or a longer video, than its packets deliver is truncated or damaged
   * (MP4 and MXF state them; a truncated Matroska file makes ffprobe report an error instead).
   */
  private static void checkComplete(String where, JsonNode videoNode, PacketTable table, VideoStream video) {
    long stated = number(videoNode, "nb_frames");
    if (stated >= 0 && stated != table.count()) {
      throw new ValidationException(where, "the container lists " + stated + " video frames but " + table.count()
          + " could be read; the file is truncated or damaged");
    }
    long durationTs = number(videoNode, "duration_ts");
    if (stated >= 0 || durationTs <= 0) return;
    FrameRate rate;
    try {
      rate = FrameRate.parse(video.rFrameRate());
    } catch (IllegalArgumentException e) {
      return;
    }
    TimeBase tb = video.timeBase();
    // frames the stated duration holds: durationTs · tb · rate
    BigDecimal expected = BigDecimal.valueOf(durationTs).multiply(BigDecimal.valueOf(tb.numerator()))
        .multiply(BigDecimal.valueOf(rate.numerator()))
        .divide(BigDecimal.valueOf(tb.denominator()).multiply(BigDecimal.valueOf(rate.denominator())), 3, java.math.RoundingMode.HALF_EVEN);
    if (expected.subtract(BigDecimal.valueOf(table.count())).compareTo(BigDecimal.ONE) > 0) {
      throw new ValidationException(where, "the container's duration holds " + expected.stripTrailingZeros().toPlainString()
          + " frames but only " + table.count() + " could be read; the file is truncated or damaged");
    }
  }

  /**
   * The first timecode found: the video stream's tag, a timecode track's, another stream's, the container's. Tags are
   * matched in any letter case: MOV and MXF write {@code timecode}, Matroska {@code TIMECODE}.
   */
  private static Timecode startTimecode(String where, JsonNode root, VideoStream video, FrameRate rate) {
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> e : video.tags().entrySet()) {
      if (e.getKey().equalsIgnoreCase("timecode")) {
        found.add(e.getValue());
        break;
      }
    }
    for (JsonNode s : root.path("streams")) {
      if (s.path("codec_tag_string").asText("").equals("tmcd")) {
        String tc = timecodeTag(s.path("tags"));
        if (tc != null) found.add(tc);
      }
    }
    for (JsonNode s : root.path("streams")) {
      String tc = timecodeTag(s.path("tags"));
      if (tc != null) found.add(tc);
    }
    String f = timecodeTag(root.path("format").path("tags"));
    if (f != null) found.add(f);
    if (found.isEmpty()) return Timecode.zero(rate, false);
    String text = found.get(0).strip();
    try {
      return Timecode.parse(text, rate);
    } catch (IllegalArgumentException e) {
      throw new ValidationException(where + " (start timecode)", "the start timecode '" + text + "' is not valid at "
          + rate.toDecimalString() + " fps: " + e.getMessage(), e);
    }
  }

  // --- JSON -----------------------------------------------------------------------------------------------

  private static MediaStream stream(JsonNode s) {
    int index = s.path("index").asInt(-1);
    String type = text(s, "codec_type");
    String codec = text(s, "codec_name").isEmpty() ? "unknown" : text(s, "codec_name");
    String tag = codecTag(s);
    TimeBase tb = timeBase(text(s, "time_base"));
    Map<String, String> tags = tags(s);
    boolean cover = s.path("disposition").path("attached_pic").asInt(0) == 1;
    if (type.equals("video") && !cover) {
      long bits = number(s, "bits_per_raw_sample");
      int level = s.path("level").asInt(-1); // -99 when unknown
      return new VideoStream(index, codec, text(s, "profile"), level < 0 ? -1 : level, tag, text(s, "pix_fmt"),
          s.path("width").asInt(-1), s.path("height").asInt(-1), text(s, "sample_aspect_ratio"), text(s, "display_aspect_ratio"),
          text(s, "field_order"), text(s, "color_primaries"), text(s, "color_transfer"), text(s, "color_space"),
          text(s, "color_range"), (int) bits, number(s, "bit_rate"), tb, orZero(text(s, "r_frame_rate")),
          orZero(text(s, "avg_frame_rate")), s.path("has_b_frames").asInt(-1), tags);
    }
    if (type.equals("audio")) {
      long bits = number(s, "bits_per_raw_sample");
      if (bits <= 0) bits = number(s, "bits_per_sample");
      return new AudioStream(index, codec, text(s, "profile"), tag, text(s, "sample_fmt"), (int) number(s, "sample_rate"),
          s.path("channels").asInt(-1), text(s, "channel_layout"), bits <= 0 ? -1 : (int) bits, number(s, "bit_rate"), tb, tags);
    }
    return new OtherStream(index, type.isEmpty() ? "unknown" : type, codec, tag, tb, tags);
  }

  private static String codecTag(JsonNode s) {
    String tag = text(s, "codec_tag_string");
    // ffprobe writes unprintable tag bytes as [n]: no four-character code (MPEG-TS stream types, MXF)
    return tag.contains("[") ? "" : tag;
  }

  private static TimeBase timeBase(String text) {
    try {
      return TimeBase.parse(text);
    } catch (IllegalArgumentException e) {
      return new TimeBase(1, 1); // streams without timing (attachments)
    }
  }

  /** The {@code timecode} tag among {@code tags}, in any letter case; null if there is none. */
  private static String timecodeTag(JsonNode tags) {
    for (Iterator<Map.Entry<String, JsonNode>> it = tags.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase("timecode") && e.getValue().isValueNode()) return e.getValue().asText("");
    }
    return null;
  }

  private static Map<String, String> tags(JsonNode node) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("tags").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asText(""));
    }
    return m;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) return "";
    String s = v.asText("");
    return s.equals("N/A") || s.equals("unknown") && !field.equals("codec_name") ? "" : s;
  }

  private static String orZero(String rate) {
    return rate.isEmpty() ? "0/0" : rate;
  }

  /** A number ffprobe writes as a JSON number or string; -1 when missing or {@code N/A}. */
  static long number(JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isNumber()) return v.asLong();
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.asText().strip());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  private static Optional<Duration> seconds(String text) {
    if (text.isEmpty()) return Optional.empty();
    try {
      BigDecimal s = new BigDecimal(text);
      return Optional.of(Duration.ofNanos(s.movePointRight(9).longValue()));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /** Bytes from ffprobe's {@code -show_data} hex dump ({@code 00000000: 014d 400d …  .M@.}). */
  static byte[] hexDump(String dump) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : dump.split("\n")) {
      int colon = line.indexOf(": ");
      if (colon != 8) continue;
      String hex = line.substring(colon + 2, Math.min(line.length(), colon + 2 + 39)).replace(" ", "");
      for (int i = 0; i + 1 < hex.length(); i += 2) {
        int hi = Character.digit(hex.charAt(i), 16);
        int lo = Character.digit(hex.charAt(i + 1), 16);
        if (hi < 0 || lo < 0) break;
        out.write(hi << 4 | lo);
      }
    }
    return out.toByteArray();
  }
}
