package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.PatchListener;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.change.Change;
import dev.patchwork.ffmpeg.RealFfmpeg.DecodedFrame;
import dev.patchwork.ffmpeg.RealFfmpeg.ProbedPacket;
import dev.patchwork.ffmpeg.VerificationReport.Finding;
import dev.patchwork.ffmpeg.VerificationReport.Kind;
import dev.patchwork.sidecar.HistoryEntry;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.time.FrameRate;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adopt and verify on real media of every required codec and container, generated into a directory whose path has
 * spaces and non-ASCII letters. Every fact in a sidecar is checked against evidence the adopter does not produce:
 * ffprobe's stream fields and packet list, a full decode ({@code -count_frames}, picture types), the packet bytes as
 * ffmpeg's demuxer hands them out ({@code -c copy -f data}), the encoder's text found by a plain byte search of the
 * file, and SHA-256 of byte ranges cut from the file in memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdoptVerifyIntegrationTest {

  /** A test master: how to make it and what its maker asked for. */
  record Media(String label, String file, String rate, int frames, String container, String encoderText, int keyint, int bFrames,
      Boolean openGop, List<String> args) {
    @Override
    public String toString() {
      return label;
    }
  }

  static final List<Media> MEDIA = List.of(
      new Media("H.264 MP4", "Mäster h264 – closed.mp4", "24", 72, "mp4", "x264 - core", 24, 2, false,
          List.of("-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=2", "-c:a", "aac")),
      new Media("H.264 MOV open GOP + tmcd", "Mäster h264 – open GOP.mov", "24000/1001", 96, "mov", "x264 - core", 24, 3, true,
          List.of("-c:v", "libx264", "-preset", "veryfast", "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=3:open-gop=1",
              "-c:a", "pcm_s24le", "-timecode", "01:00:00:00")),
      new Media("HEVC MKV", "Mäster hevc.mkv", "25", 75, "matroska", "x265 (build", 25, 3, null,
          List.of("-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:bframes=3:log-level=error",
              "-c:a", "pcm_s16le")),
      new Media("MPEG-2 MXF", "Mäster mpeg2.mxf", "25", 75, "mxf", null, 12, 2, true,
          List.of("-c:v", "mpeg2video", "-g", "12", "-bf", "2", "-b:v", "2M", "-c:a", "pcm_s16le", "-timecode", "10:00:00:00")),
      new Media("ProRes MOV", "Mäster prores.mov", "24000/1001", 60, "mov", null, 0, 0, null,
          List.of("-c:v", "prores_ks", "-profile:v", "3", "-c:a", "pcm_s24le", "-timecode", "01:00:00:00")),
      new Media("DNxHR MXF", "Mäster dnxhr.mxf", "25", 30, "mxf", null, 0, 0, null,
          List.of("-c:v", "dnxhd", "-profile:v", "dnxhr_sq", "-pix_fmt", "yuv422p", "-c:a", "pcm_s16le", "-timecode", "00:59:59:00")),
      new Media("H.264 MPEG-TS", "Mäster h264.ts", "24", 48, "mpegts", "x264 - core", 24, 2, false,
          List.of("-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=2", "-c:a", "aac")));

  @TempDir static Path tmp;
  Path dir;
  FfmpegAdopter adopter;
  MasterVerifier verifier;
  final Map<String, Path> masters = new HashMap<>();

  @BeforeAll
  void makeMedia() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    adopter = new FfmpegAdopter(RealFfmpeg.tools());
    verifier = new MasterVerifier(RealFfmpeg.tools());
    for (Media m : MEDIA) {
      masters.put(m.label(), RealFfmpeg.testClip(dir.resolve(m.file()), m.rate(), m.frames(), m.args().toArray(String[]::new)));
    }
  }

  static Stream<Media> media() {
    return MEDIA.stream();
  }

  static Stream<Media> longGop() {
    return MEDIA.stream().filter(m -> m.keyint() > 0);
  }

  /** Adopts {@code m}'s master into a sidecar file of its own (one per test) and reads it back. */
  Sidecar adopt(Media m, Path sidecar) {
    AdoptResult r = adopter.adopt(masters.get(m.label()), sidecar, false, PatchListener.NONE);
    assertThat(r.written()).contains(sidecar);
    return Sidecars.read(sidecar);
  }

  // --- the sidecar's facts ----------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("media")
  void theSidecarAgreesWithFfprobeAndTheFileItself(Media m) throws IOException {
    Path master = masters.get(m.label());
    List<Long> progress = new ArrayList<>();
    AdoptResult result = adopter.adopt(master, null, false, new PatchListener() {
      @Override
      public void progress(dev.patchwork.plan.Segment segment, long done, long total) {
        progress.add(done);
      }
    });
    Path written = master.resolveSibling(master.getFileName() + ".patchwork.toml");
    assertThat(result.written()).contains(written);
    Sidecar s = Sidecars.read(written);
    try {
      byte[] bytes = Files.readAllBytes(master);
      JsonNode probe = new ObjectMapper().readTree(RealFfmpeg.ffprobe(master, "-show_format", "-show_streams", "-of", "json"));
      JsonNode v = firstStream(probe, "video");

      // the file
      assertThat(s.master().fileName()).isEqualTo(m.file());
      assertThat(s.master().size()).isEqualTo(bytes.length);
      assertThat(s.master().sha256()).isEqualTo(sha(bytes, 0, bytes.length));
      assertThat(s.master().container()).isEqualTo(m.container());
      assertThat(s.master().frameCount()).isEqualTo(m.frames()).isEqualTo(RealFfmpeg.decodedFrameCount(master));
      assertThat(s.master().frameRate()).isEqualTo(FrameRate.parse(v.path("r_frame_rate").asText()));
      assertThat(s.master().startTimecode()).hasToString(timecodeTag(probe));
      assertThat(progress).isNotEmpty().last().isEqualTo((long) bytes.length);

      // the video stream
      assertThat(s.video().codec()).isEqualTo(v.path("codec_name").asText());
      assertThat(s.video().profile()).isEqualTo(v.path("profile").asText());
      assertThat(s.video().pixelFormat()).isEqualTo(v.path("pix_fmt").asText());
      assertThat(s.video().width()).isEqualTo(v.path("width").asInt());
      assertThat(s.video().height()).isEqualTo(v.path("height").asInt());
      assertThat(s.video().sampleAspectRatio()).isEqualTo(v.path("sample_aspect_ratio").asText());
      assertThat(s.video().bitRate()).isPositive();
      JsonNode a = firstStream(probe, "audio");
      assertThat(s.audio()).hasSize(1);
      assertThat(s.audio().get(0).codec()).isEqualTo(a.path("codec_name").asText());
      assertThat(s.audio().get(0).sampleRate()).isEqualTo(a.path("sample_rate").asInt());
      assertThat(s.audio().get(0).channels()).isEqualTo(a.path("channels").asInt());

      // the regions tile the file and the frames, and each hash is of the bytes it names
      assertTiles(s, bytes.length);
      for (Region r : s.content().all()) {
        assertThat(r.sha256()).as(s.content().pathOf(r)).isEqualTo(sha(bytes, r.offset(), r.endOffset()));
      }
      assertThat(videoHashesFromTheDemuxer(master, s)).isEqualTo(s.content().regions().stream().map(Region::videoSha256).toList());
      // the planner needs no re-probe: the sidecar's facts are the prober's
      assertThat(s.masterFacts()).isEqualTo(new FfprobeProber(RealFfmpeg.tools()).probe(master));
    } finally {
      Files.delete(written);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("longGop")
  void randomAccessPointsAreTheIFramesOfAFullDecodeWithTheirLeadingPictures(Media m) throws IOException {
    Path master = masters.get(m.label());
    Sidecar s = adopt(m, tmp.resolve(m.label() + " rap.toml"));
    // display order of a full decode: I frames are where the encoder put its key frames (scenecut off)
    List<DecodedFrame> frames = RealFfmpeg.decodedFrames(master);
    Set<Long> iFrames = new TreeSet<>();
    for (int i = 0; i < frames.size(); i++) if (frames.get(i).type() == 'I') iFrames.add((long) i);
    Set<Long> points = s.content().regions().stream().map(Region::randomAccessFrame).collect(Collectors.toCollection(TreeSet::new));
    assertThat(points).isEqualTo(iFrames);
    // leading pictures: packets stored after the point's packet (ffprobe's list, file order) but shown before it
    List<ProbedPacket> packets = RealFfmpeg.packets(master, "v:0");
    for (Region r : s.content().regions()) {
      int at = indexAtPosition(packets, r.offset());
      long leading = packets.subList(at + 1, packets.size()).stream().filter(p -> p.pts() < packets.get(at).pts()).count();
      assertThat(r.leading()).as(s.content().pathOf(r)).isEqualTo(leading);
    }
    boolean anyLeading = s.content().regions().stream().anyMatch(r -> r.leading() > 0);
    if (Boolean.TRUE.equals(m.openGop())) assertThat(anyLeading).isTrue();
    if (Boolean.FALSE.equals(m.openGop())) assertThat(anyLeading).isFalse();
    assertThat(s.video().gop().intraOnly()).isFalse();
    assertThat(s.video().gop().length()).isEqualTo(m.keyint());
    assertThat(s.video().gop().bFrames()).isEqualTo(m.bFrames());
    if (m.openGop() != null) assertThat(s.video().gop().closed()).isEqualTo(!m.openGop());
  }

  @Test
  void intraOnlyMastersHaveRegionsOfAboutOneSecond() {
    for (Media m : List.of(media("ProRes MOV"), media("DNxHR MXF"))) {
      Sidecar s = adopt(m, tmp.resolve(m.label() + " intra.toml"));
      long second = s.master().frameRate().timecodeBase();
      assertThat(s.video().gop().intraOnly()).isTrue();
      assertThat(s.masterFacts().intraOnly()).isTrue();
      List<Region> regions = s.content().regions();
      assertThat(regions).hasSize((int) ((m.frames() + second - 1) / second));
      for (int i = 0; i < regions.size(); i++) {
        assertThat(regions.get(i).start()).isEqualTo(i * second);
        assertThat(regions.get(i).leading()).isZero();
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("media")
  void encoderSettingsAreWhatTheStreamSays(Media m) throws IOException {
    Path master = masters.get(m.label());
    Sidecar s = adopt(m, tmp.resolve(m.label() + " encoder.toml"));
    JsonNode probe = new ObjectMapper().readTree(RealFfmpeg.ffprobe(master, "-show_format", "-show_streams", "-of", "json"));
    if (m.encoderText() != null) {
      // the option string a byte search finds after "x264 - core" / "x265 (build": in the packets as the demuxer hands
      // them out (x264 writes it into the first packet), else in the file (ffmpeg puts x265's into the header)
      String text = textAfter(RealFfmpeg.videoPayloads(master), m.encoderText());
      if (text == null) text = textAfter(Files.readAllBytes(master), m.encoderText());
      assertThat(text).as("the encoder's text in the file").isNotNull();
      String options = text.substring(text.indexOf(" - options: ") + " - options: ".length()).strip();
      assertThat(s.encoder().options()).isEqualTo(options).contains("keyint=" + m.keyint()).contains("bframes=" + m.bFrames());
      assertThat(s.encoder().library()).isEqualTo(m.encoderText().startsWith("x264") ? "libx264" : "libx265");
    } else {
      assertThat(s.encoder().options()).isNull();
    }
    String lavf = formatTag(probe, "encoder");
    if (lavf != null && lavf.startsWith("Lavf")) {
      assertThat(s.encoder().tool()).isEqualTo("ffmpeg");
      assertThat(s.encoder().version()).isEqualTo(lavf);
    }
    if (m.container().equals("mxf")) {
      assertThat(s.encoder().tool()).isEqualTo("ffmpeg");
      assertThat(s.encoder().version()).isEqualTo("Lavf" + formatTag(probe, "product_version"));
    }
  }

  // --- verify ---------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("media")
  void oneChangedByteIsFoundAndNamedWithItsFramesAndTimecodes(Media m) throws IOException {
    Path master = masters.get(m.label());
    Sidecar s = adopt(m, tmp.resolve(m.label() + " flip.toml"));
    assertThat(verifier.verify(master, s, false, PatchListener.NONE).matches()).isTrue();

    List<ProbedPacket> video = RealFfmpeg.packets(master, "v:0");
    List<ProbedPacket> audio = RealFfmpeg.packets(master, "a:0");
    Region header = s.content().header();
    Region trailer = s.content().trailer();
    List<Long> positions = new ArrayList<>();
    if (header.length() > 0) positions.add(header.length() / 2);
    video.removeIf(p -> p.pos() < 0);
    audio.removeIf(p -> p.pos() < 0);
    ProbedPacket v = video.get(video.size() / 2 + 1);
    positions.add(v.pos() + v.size() / 2); // inside a GOP's video packet
    ProbedPacket a = audio.get(audio.size() / 2);
    positions.add(a.pos() + a.size() / 2); // inside an audio packet
    if (trailer.length() > 0) positions.add(trailer.offset() + trailer.length() / 2);
    positions.add(s.master().size() - 1); // the last byte

    for (long pos : positions) {
      Region expected = spanHolding(s, pos);
      flip(master, pos);
      try {
        VerificationReport report = verifier.verify(master, s, false, PatchListener.NONE);
        assertThat(report.matches()).as("byte %d", pos).isFalse();
        assertThat(report.findings()).as("byte %d", pos).hasSize(1);
        Finding f = report.findings().get(0);
        assertThat(f.kind()).isEqualTo(Kind.CONTENT);
        assertThat(f.region()).isEqualTo(expected);
        assertThat(f.message()).startsWith(s.describe(expected));
        if (expected.kind() == Region.Kind.GOP) {
          long last = expected.start() + expected.frames() - 1;
          assertThat(f.message()).contains("frames " + expected.start() + "-" + last)
              .contains(s.master().startTimecode().plus(expected.start()) + "-" + s.master().startTimecode().plus(last));
        }
      } finally {
        flip(master, pos);
      }
    }
    VerificationReport restored = verifier.verify(master, s, false, PatchListener.NONE);
    assertThat(restored.matches()).isTrue();
    assertThat(restored.sha256()).isEqualTo(s.master().sha256());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("media")
  void aTruncatedMasterFailsVerifyAndCannotBeAdopted(Media m) throws IOException {
    Path master = masters.get(m.label());
    Sidecar s = adopt(m, tmp.resolve(m.label() + " cut.toml"));
    Region middle = s.content().regions().get(s.content().regions().size() / 2);
    long cut = middle.offset() + middle.length() / 2;
    Path truncated = Files.write(dir.resolve("truncated " + m.file()), Arrays.copyOf(Files.readAllBytes(master), (int) cut));

    VerificationReport report = verifier.verify(truncated, s, false, PatchListener.NONE);
    assertThat(report.matches()).isFalse();
    assertThat(report.findings()).first().satisfies(f -> {
      assertThat(f.kind()).isEqualTo(Kind.SIZE);
      assertThat(f.message()).contains("truncated");
    });
    assertThat(report.findings()).anySatisfy(f -> {
      assertThat(f.region()).isEqualTo(middle);
      assertThat(f.message()).contains("ends at byte " + cut);
    });

    Path sidecar = defaultSidecar(truncated);
    // MP4/MOV/MXF/MKV know their length and say the file is truncated; MPEG-TS does not and shows a gap in its frames
    assertThatThrownBy(() -> adopter.adopt(truncated, null, false, PatchListener.NONE))
        .isInstanceOfAny(ValidationException.class, UnsupportedMasterException.class);
    assertThat(sidecar).doesNotExist();
  }

  @Test
  void deepVerifyDecodesEverything() throws IOException {
    Media m = media("H.264 MOV open GOP + tmcd");
    Path master = masters.get(m.label());
    Sidecar s = adopt(m, tmp.resolve("deep.toml"));
    AtomicLong frames = new AtomicLong();
    VerificationReport good = verifier.verify(master, s, true, new PatchListener() {
      @Override
      public void progress(dev.patchwork.plan.Segment segment, long done, long total) {
        if (total == m.frames()) frames.set(done);
      }
    });
    assertThat(good.findings()).isEmpty();
    assertThat(good.decodedFrames()).isEqualTo(m.frames());
    assertThat(frames.get()).isEqualTo(m.frames());

    // a master whose video packet is garbage inside, adopted as it is: its hashes match, its pictures do not decode
    List<ProbedPacket> video = RealFfmpeg.packets(master, "v:0");
    ProbedPacket big = video.stream().skip(30).max((x, y) -> Integer.compare(x.size(), y.size())).orElseThrow();
    byte[] bytes = Files.readAllBytes(master);
    byte[] noise = new byte[big.size() - 64];
    new Random(7).nextBytes(noise);
    System.arraycopy(noise, 0, bytes, (int) big.pos() + 32, noise.length);
    Path damaged = Files.write(dir.resolve("damaged " + m.file()), bytes);
    Sidecar damagedSidecar = adopter.describe(damaged, PatchListener.NONE).sidecar();

    assertThat(verifier.verify(damaged, damagedSidecar, false, PatchListener.NONE).matches()).isTrue();
    VerificationReport deep = verifier.verify(damaged, damagedSidecar, true, PatchListener.NONE);
    assertThat(deep.matches()).isFalse();
    assertThat(deep.findings()).allSatisfy(f -> assertThat(f.kind()).isIn(Kind.DECODE, Kind.FRAME_COUNT));
    assertThat(deep.findings()).anySatisfy(f -> assertThat(f.kind()).isEqualTo(Kind.DECODE));

    // and against the master's own sidecar, the damage is placed in the GOP that holds the packet
    VerificationReport placed = verifier.verify(damaged, s, false, PatchListener.NONE);
    assertThat(placed.findings()).singleElement().satisfies(f -> assertThat(f.region()).isEqualTo(spanHolding(s, big.pos() + 32)));
  }

  @Test
  void deepVerifyPassesAMatroskaMasterWhoseStartIsHalfAFrameOff() {
    // ffmpeg's own encode: 24 fps H.264 with B-frames and AAC at 48 kHz, whose 1024 priming samples (21 ms, 0.51 of a
    // frame) start the file before its first picture; the null output used to round the pictures' millisecond times
    // onto equal frame counts and report "non monotonically increasing dts" for a file that decodes perfectly
    Path master = RealFfmpeg.ffmpeg(dir.resolve("ffmpeg 24 aac ö.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-frames:v", "48", "-shortest", "-c:v", "libx264",
        "-preset", "veryfast", "-g", "24", "-bf", "2", "-c:a", "aac");
    Sidecar s = adopter.describe(master, PatchListener.NONE).sidecar();

    VerificationReport deep = verifier.verify(master, s, true, PatchListener.NONE);

    assertThat(deep.findings()).isEmpty();
    assertThat(deep.decodedFrames()).isEqualTo(48);
  }

  // --- refusals -------------------------------------------------------------------------------------------

  @Test
  void adoptNeverReplacesASidecarUnlessForced() throws IOException {
    Media m = media("H.264 MP4");
    Path master = masters.get(m.label());
    Path sidecar = tmp.resolve("twice.patchwork.toml");
    Sidecar first = adopt(m, sidecar);
    String sha = first.master().sha256();
    Sidecar withHistory = first.withHistoryEntry(new HistoryEntry(Instant.parse("2025-03-14T09:26:53Z"), "patchwork", "0.1.0", sha, sha,
        List.of(Change.of(10, 5))));
    Sidecars.write(withHistory, sidecar);
    String before = Files.readString(sidecar);

    assertThatThrownBy(() -> adopter.adopt(master, sidecar, false, PatchListener.NONE))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining("erase its history (1 patch)")
        .hasMessageContaining("--force");
    assertThat(Files.readString(sidecar)).isEqualTo(before);

    AdoptResult forced = adopter.adopt(master, sidecar, true, PatchListener.NONE);
    assertThat(forced.sidecar().history()).isEmpty();
    assertThat(Sidecars.read(sidecar).history()).isEmpty();
  }

  @Test
  void aSidecarIsNeverWrittenOverTheMaster() throws IOException {
    Media m = media("H.264 MP4");
    Path master = masters.get(m.label());
    byte[] before = Files.readAllBytes(master);
    assertThatThrownBy(() -> adopter.adopt(master, master, true, PatchListener.NONE))
        .isInstanceOf(ValidationException.class).hasMessageContaining("master itself");
    assertThat(Files.readAllBytes(master)).isEqualTo(before);
  }

  @Test
  void notMediaMissingFilesAndCorruptSidecarsAreInvalidInput() throws IOException {
    Path text = Files.writeString(dir.resolve("notes – not a master.mov"), "just some words\n");
    assertThatThrownBy(() -> adopter.adopt(text, null, false, PatchListener.NONE)).isInstanceOf(ValidationException.class);
    assertThat(defaultSidecar(text)).doesNotExist();

    Path missing = dir.resolve("no such master.mov");
    assertThatThrownBy(() -> adopter.adopt(missing, null, false, PatchListener.NONE)).isInstanceOf(ValidationException.class);
    Media m = media("H.264 MP4");
    Path master = masters.get(m.label());
    Path sidecar = tmp.resolve("corrupt.patchwork.toml");
    adopt(m, sidecar);
    assertThatThrownBy(() -> verifier.verify(missing, sidecar, false, PatchListener.NONE)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("does not exist");

    String toml = Files.readString(sidecar);
    Files.writeString(sidecar, toml.replaceFirst("frame_count = \\d+", "frame_count = \"many\""));
    assertThatThrownBy(() -> verifier.verify(master, sidecar, false, PatchListener.NONE)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("master.frame_count");
    Files.write(sidecar, Arrays.copyOf(toml.getBytes(StandardCharsets.UTF_8), toml.length() / 2));
    assertThatThrownBy(() -> verifier.verify(master, sidecar, false, PatchListener.NONE)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> verifier.verify(master, tmp.resolve("absent.toml"), false, PatchListener.NONE))
        .isInstanceOf(ValidationException.class).hasMessageContaining("adopt");
  }

  // --- evidence -------------------------------------------------------------------------------------------

  /** Each region's video hash recomputed from ffmpeg's demuxer output, split by ffprobe's packet sizes and positions. */
  private static List<String> videoHashesFromTheDemuxer(Path master, Sidecar s) {
    byte[] payloads = RealFfmpeg.videoPayloads(master);
    List<ProbedPacket> packets = RealFfmpeg.packets(master, "v:0");
    assertThat(packets.stream().mapToLong(ProbedPacket::size).sum()).isEqualTo(payloads.length);
    List<Region> regions = s.content().regions();
    List<MessageDigest> digests = new ArrayList<>();
    for (int i = 0; i < regions.size(); i++) digests.add(sha256());
    int at = 0;
    for (ProbedPacket p : packets) {
      for (int i = 0; i < regions.size(); i++) {
        if (regions.get(i).containsByte(p.pos())) digests.get(i).update(payloads, at, p.size());
      }
      at += p.size();
    }
    return digests.stream().map(d -> HexFormat.of().formatHex(d.digest())).toList();
  }

  private static void assertTiles(Sidecar s, long size) {
    List<Region> all = s.content().all();
    assertThat(all.get(0).offset()).isZero();
    for (int i = 1; i < all.size(); i++) assertThat(all.get(i).offset()).isEqualTo(all.get(i - 1).endOffset());
    assertThat(all.get(all.size() - 1).endOffset()).isEqualTo(size);
    long next = 0;
    for (Region r : s.content().regions()) {
      assertThat(r.start()).isEqualTo(next);
      assertThat(r.length()).isPositive();
      next += r.frames();
    }
    assertThat(next).isEqualTo(s.master().frameCount());
    assertThat(s.content().regions().get(0).leading()).isZero();
  }

  /** The span of the sidecar (header, GOP region, trailer) whose bytes hold {@code pos}, found by a plain scan. */
  private static Region spanHolding(Sidecar s, long pos) {
    return s.content().all().stream().filter(r -> pos >= r.offset() && pos < r.offset() + r.length()).findFirst().orElseThrow();
  }

  private static int indexAtPosition(List<ProbedPacket> packets, long pos) {
    for (int i = 0; i < packets.size(); i++) if (packets.get(i).pos() == pos) return i;
    throw new AssertionError("no video packet at byte " + pos);
  }

  private static void flip(Path file, long pos) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, pos);
      b.flip();
      byte flipped = (byte) (b.get(0) ^ 0xFF);
      ch.write(ByteBuffer.wrap(new byte[] {flipped}), pos);
    }
  }

  /** The printable text at {@code marker} in {@code bytes}, up to the first byte that is not printable ASCII; null if none. */
  private static String textAfter(byte[] bytes, String marker) {
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    outer:
    for (int i = 0; i + m.length <= bytes.length; i++) {
      for (int j = 0; j < m.length; j++) if (bytes[i + j] != m[j]) continue outer;
      int end = i;
      while (end < bytes.length && bytes[end] >= 0x20 && bytes[end] < 0x7F) end++;
      return new String(bytes, i, end - i, StandardCharsets.US_ASCII);
    }
    return null;
  }

  private static JsonNode firstStream(JsonNode probe, String type) {
    for (JsonNode s : probe.path("streams")) {
      if (s.path("codec_type").asText().equals(type) && s.path("disposition").path("attached_pic").asInt() == 0) return s;
    }
    throw new AssertionError("no " + type + " stream");
  }

  /** The first timecode tag ffprobe shows (video stream, any stream, container), else 00:00:00:00. */
  private static String timecodeTag(JsonNode probe) {
    String v = firstStream(probe, "video").path("tags").path("timecode").asText(null);
    if (v != null) return v;
    for (JsonNode s : probe.path("streams")) {
      String tc = s.path("tags").path("timecode").asText(null);
      if (tc != null) return tc;
    }
    return probe.path("format").path("tags").path("timecode").asText("00:00:00:00");
  }

  private static String formatTag(JsonNode probe, String name) {
    var it = probe.path("format").path("tags").fields();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) return e.getValue().asText();
    }
    return null;
  }

  private static Media media(String label) {
    return MEDIA.stream().filter(m -> m.label().equals(label)).findFirst().orElseThrow();
  }

  private static Path defaultSidecar(Path media) {
    return media.resolveSibling(media.getFileName() + ".patchwork.toml");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String sha(byte[] b, long from, long to) {
    MessageDigest d = sha256();
    d.update(b, (int) from, (int) (to - from));
    return HexFormat.of().formatHex(d.digest());
  }
}
