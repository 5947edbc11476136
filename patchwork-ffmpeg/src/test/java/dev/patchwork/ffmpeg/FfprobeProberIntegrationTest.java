package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.RealFfmpeg.TracedPacket;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.spi.MediaProber;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prober against real media made by the real ffmpeg, in a directory whose path has spaces and non-ASCII
 * letters. Every claim is checked against evidence the prober does not produce: the encoder settings, a full
 * decode ({@code ffprobe -count_frames}, {@code -show_frames} picture types) and ffmpeg's own bitstream parser
 * ({@code trace_headers}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfprobeProberIntegrationTest {

  @TempDir static Path tmp;
  Path dir;
  FfprobeProber prober;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    prober = new FfprobeProber(RealFfmpeg.tools());
  }

  // --- H.264 ----------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"mp4", "mov", "mkv", "ts"})
  void h264ClosedGops_pointsEveryKeyintWithoutLeadingPictures(String container) {
    Path clip = RealFfmpeg.testClip(dir.resolve("x264 closed." + container), "24", 72,
        "-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=3", "-c:a", "aac");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.frameCount()).isEqualTo(72).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.intraOnly()).isFalse();
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L, 24L, 48L);
    assertThat(p.accessPoints()).allSatisfy(a -> {
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.IDR);
      assertThat(a.nalUnitType()).isEqualTo(5);
      assertThat(a.isClosed()).isTrue();
    });
    // evidence: the decoded stream has B-frames, so closed GOPs are not trivially true
    assertThat(RealFfmpeg.decodedPictTypes(clip)).contains("B");
    assertIdrAtPoints(clip, p);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mp4", "mkv", "ts"})
  void h264OpenGop_recoveryPointsWithTheirLeadingBFrames(String container) {
    Path clip = RealFfmpeg.testClip(dir.resolve("x264 open." + container), "24", 72,
        "-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=24:min-keyint=24:scenecut=0:open-gop=1:bframes=3", "-an");

    MediaProbe p = prober.probeMedia(clip);

    String types = RealFfmpeg.decodedPictTypes(clip);
    assertThat(p.frameCount()).isEqualTo(types.length()).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    List<Integer> iFrames = indexesOf(types, 'I');
    assertThat(iFrames).containsExactly(0, 24, 48);
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L, 24L, 48L);

    AccessPoint first = p.accessPoints().get(0);
    assertThat(first.kind()).isEqualTo(AccessPoint.Kind.IDR);
    assertThat(first.isClosed()).isTrue();
    for (AccessPoint a : p.accessPoints().subList(1, 3)) {
      // evidence: the B-frames shown just before each later I frame (after decoding) are its leading pictures
      int bBefore = 0;
      for (int f = (int) a.frame() - 1; f >= 0 && types.charAt(f) == 'B'; f--) bBefore++;
      assertThat(bBefore).isPositive();
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.RECOVERY_POINT);
      assertThat(a.nalUnitType()).isEqualTo(1);
      assertThat(a.leading()).isEqualTo(FrameRange.of(a.frame() - bBefore, a.frame()));
      assertThat(a.leadingDecodable()).isFalse();
    }
    // evidence: ffmpeg's parser sees a non-IDR I slice with a recovery point SEI (payload type 6) at each later point
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    for (AccessPoint a : p.accessPoints().subList(1, 3)) {
      TracedPacket t = traced.get(a.packet());
      assertThat(t.values("nal_unit_type")).doesNotContain(5L).contains(6L, 1L);
      assertThat(t.syntax()).anyMatch(s -> s.equals("last_payload_type_byte=6"));
      assertThat(t.values("slice_type").get(0) % 5).isEqualTo(2);
    }
    MasterFacts facts = p.masterFacts();
    assertThat(facts.randomAccessPoints()).extracting(RandomAccessPoint::lead)
        .containsExactly(0L, p.accessPoints().get(1).lead(), p.accessPoints().get(2).lead());
  }

  @Test
  void h264IFramesWithoutRecoveryPointAreNotRandomAccessPoints() {
    // a scene cut closer than min-keyint to the last IDR is coded as a plain (non-IDR) I frame
    Path clip = RealFfmpeg.ffmpeg(dir.resolve("x264 scenecut.mkv"), "-filter_complex",
        "testsrc2=s=320x240:r=24:d=1[a];smptebars=s=320x240:r=24:d=1[b];rgbtestsrc=s=320x240:r=24:d=1[c];[a][b][c]concat=n=3[v]",
        "-map", "[v]", "-frames:v", "72", "-c:v", "libx264", "-preset", "veryfast",
        "-x264-params", "keyint=1000:min-keyint=60:scenecut=40:bframes=2");

    MediaProbe p = prober.probeMedia(clip);

    List<RealFfmpeg.DecodedFrame> decoded = RealFfmpeg.decodedFrames(clip);
    List<RealFfmpeg.DecodedFrame> laterI = decoded.subList(1, decoded.size()).stream().filter(f -> f.type() == 'I').toList();
    assertThat(laterI).isNotEmpty();
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    for (RealFfmpeg.DecodedFrame f : laterI) {
      TracedPacket t = traced.stream().filter(x -> x.pts() == f.pts()).findFirst().orElseThrow();
      assertThat(t.values("nal_unit_type")).contains(1L).doesNotContain(5L);
      assertThat(t.syntax()).noneMatch(s -> s.equals("last_payload_type_byte=6"));
    }
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L);
  }

  @Test
  void h264InFfmpegsMxfHasNoDisplayOrderAndIsRefused() {
    Path clip = RealFfmpeg.testClip(dir.resolve("x264.mxf"), "25", 50, "-c:v", "libx264", "-preset", "ultrafast",
        "-x264-params", "keyint=25:min-keyint=25:scenecut=0:bframes=2", "-an");
    // evidence: ffprobe's packets are presented in decode order, yet decoding finds B-frames
    List<String> pts = RealFfmpeg.ffprobe(clip, "-select_streams", "v:0", "-show_entries", "packet=pts,dts", "-of", "csv=p=0")
        .lines().filter(l -> !l.isBlank()).toList();
    assertThat(pts).allSatisfy(l -> assertThat(l.split(",")[0]).isEqualTo(l.split(",")[1]));
    assertThat(RealFfmpeg.decodedPictTypes(clip)).contains("B");

    assertThatThrownBy(() -> prober.probeMedia(clip)).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("do not give the display order");
  }

  // --- HEVC -----------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"mp4", "mkv"})
  void hevcDefaultGop_idrThenCraWithRaslLeadingPictures(String container) {
    Path clip = RealFfmpeg.testClip(dir.resolve("x265 default." + container), "24", 72, "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "keyint=24:min-keyint=24:scenecut=0:log-level=error", "-an");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.frameCount()).isEqualTo(72).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L, 24L, 48L);
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    AccessPoint first = p.accessPoints().get(0);
    assertThat(first.kind()).isEqualTo(AccessPoint.Kind.IDR);
    assertThat(first.isClosed()).isTrue();
    assertThat(firstVclNalType(traced.get(first.packet()))).isEqualTo(first.nalUnitType()).isBetween(19, 20);
    for (AccessPoint a : p.accessPoints().subList(1, 3)) {
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.CRA);
      assertThat(firstVclNalType(traced.get(a.packet()))).isEqualTo(21);
      assertThat(a.isClosed()).isFalse();
      assertThat(a.leadingDecodable()).isFalse();
      // evidence: exactly the packets traced as RASL (NAL 8/9) after the CRA, and they show just before it
      List<Long> raslPts = new ArrayList<>();
      for (int k = a.packet() + 1; k < traced.size() && k < a.packet() + 24; k++) {
        int type = firstVclNalType(traced.get(k));
        if (type == 8 || type == 9) raslPts.add(traced.get(k).pts());
      }
      assertThat(raslPts).hasSize((int) a.lead());
      assertThat(raslPts).allSatisfy(pts -> assertThat(pts).isLessThan(traced.get(a.packet()).pts()));
    }
  }

  @Test
  void hevcWithoutOpenGop_closedIdrPoints() {
    Path clip = RealFfmpeg.testClip(dir.resolve("x265 closed.mkv"), "25", 75, "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "keyint=25:min-keyint=25:scenecut=0:no-open-gop=1:log-level=error", "-an");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.frameCount()).isEqualTo(75).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L, 25L, 50L);
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    assertThat(p.accessPoints()).allSatisfy(a -> {
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.IDR);
      assertThat(a.isClosed()).isTrue();
      assertThat(firstVclNalType(traced.get(a.packet()))).isBetween(19, 20);
    });
  }

  @Test
  void hevcIdrWithRadl_leadingPicturesThatDecodeFromThePoint() {
    Path clip = RealFfmpeg.testClip(dir.resolve("x265 radl.mp4"), "24", 72, "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "keyint=24:min-keyint=24:scenecut=0:no-open-gop=1:radl=2:bframes=3:log-level=error", "-an");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.frameCount()).isEqualTo(72).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.accessPoints()).extracting(AccessPoint::frame).containsExactly(0L, 24L, 48L);
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    for (AccessPoint a : p.accessPoints().subList(1, 3)) {
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.IDR);
      assertThat(firstVclNalType(traced.get(a.packet()))).isEqualTo(19).isEqualTo(a.nalUnitType()); // IDR_W_RADL
      long radl = traced.subList(a.packet() + 1, a.packet() + 8).stream()
          .filter(t -> t.pts() < traced.get(a.packet()).pts())
          .peek(t -> assertThat(firstVclNalType(t)).isBetween(6, 7))
          .count();
      assertThat(a.lead()).isEqualTo(radl).isEqualTo(2);
      assertThat(a.leadingDecodable()).isTrue();
    }
  }

  @Test
  void hevcCraRetypedAsBla_itsRaslPicturesAreNotFrames() throws IOException {
    Path clip = RealFfmpeg.testClip(dir.resolve("x265 for bla.mp4"), "24", 72, "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "keyint=24:min-keyint=24:scenecut=0:log-level=error", "-an");
    long leadOfCra = prober.probeMedia(clip).accessPoints().get(1).lead();
    // the second keyframe ffprobe lists is the CRA; in MP4 its NAL header follows a 4-byte length at pos
    String secondKey = RealFfmpeg.ffprobe(clip, "-select_streams", "v:0", "-show_entries", "packet=pos,flags", "-of", "csv=p=0")
        .lines().filter(l -> l.contains("K")).skip(1).findFirst().orElseThrow();
    long pos = Long.parseLong(secondKey.split(",")[0]);
    byte[] bytes = Files.readAllBytes(clip);
    assertThat(bytes[(int) pos + 4]).isEqualTo((byte) (21 << 1)); // CRA_NUT
    bytes[(int) pos + 4] = (byte) (16 << 1); // BLA_W_LP: decoders now drop its RASL pictures
    Path bla = Files.write(dir.resolve("x265 bla.mp4"), bytes);

    assertThat(RealFfmpeg.decodedFrameCount(bla)).isEqualTo(72 - leadOfCra);
    assertThatThrownBy(() -> prober.probeMedia(bla)).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining(leadOfCra + " frames are missing before frame " + (24 - leadOfCra));
  }

  // --- MPEG-2 ---------------------------------------------------------------------------------------------

  @Test
  void mpeg2OpenGopsInMxf_leadingBFramesOfEveryIButTheFirst() {
    Path clip = RealFfmpeg.testClip(dir.resolve("mpeg2 open.mxf"), "25", 75, "-c:v", "mpeg2video", "-g", "12", "-bf", "2",
        "-c:a", "pcm_s16le", "-f", "mxf");

    MediaProbe p = prober.probeMedia(clip);

    String types = RealFfmpeg.decodedPictTypes(clip);
    assertThat(p.frameCount()).isEqualTo(75).isEqualTo(types.length());
    assertThat(p.accessPoints()).extracting(a -> (int) a.frame()).containsExactlyElementsOf(indexesOf(types, 'I'));
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    for (AccessPoint a : p.accessPoints()) {
      boolean closed = traced.get(a.packet()).values("closed_gop").get(0) == 1;
      assertThat(a.kind()).isEqualTo(closed ? AccessPoint.Kind.CLOSED_GOP : AccessPoint.Kind.OPEN_GOP);
      if (a.frame() == 0) {
        assertThat(a.isClosed()).isTrue();
      } else {
        assertThat(closed).isFalse();
        assertThat(a.leading()).isEqualTo(FrameRange.of(a.frame() - 2, a.frame()));
        assertThat(types.substring((int) a.frame() - 2, (int) a.frame())).isEqualTo("BB");
        assertThat(a.leadingDecodable()).isFalse();
      }
    }
  }

  @Test
  void mpeg2ClosedGopsInMxf_closedPoints() {
    Path clip = RealFfmpeg.testClip(dir.resolve("mpeg2 closed.mxf"), "25", 75, "-c:v", "mpeg2video", "-g", "12", "-bf", "2",
        "-flags", "+cgop", "-sc_threshold", "1000000000", "-an", "-f", "mxf");

    MediaProbe p = prober.probeMedia(clip);

    String types = RealFfmpeg.decodedPictTypes(clip);
    assertThat(p.frameCount()).isEqualTo(75).isEqualTo(types.length());
    assertThat(p.accessPoints()).extracting(a -> (int) a.frame()).containsExactlyElementsOf(indexesOf(types, 'I'));
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    assertThat(p.accessPoints()).hasSizeGreaterThan(3).allSatisfy(a -> {
      assertThat(traced.get(a.packet()).values("closed_gop")).containsExactly(1L);
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.CLOSED_GOP);
      assertThat(a.isClosed()).isTrue();
    });
  }

  // --- intra codecs ---------------------------------------------------------------------------------------

  @Test
  void proresInMov_everyFrameAPoint_startTimecodeFromTmcd() {
    Path clip = RealFfmpeg.testClip(dir.resolve("prores tc.mov"), "24", 48, "-c:v", "prores_ks", "-profile:v", "0",
        "-c:a", "pcm_s24le", "-timecode", "01:00:00:00");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.intraOnly()).isTrue();
    assertThat(p.accessPoints()).isEmpty();
    assertThat(p.frameCount()).isEqualTo(48).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.frameRate()).isEqualTo(FrameRate.FPS_24);
    assertThat(p.startTimecode()).isEqualTo(Timecode.of(1, 0, 0, 0, FrameRate.FPS_24, false));
    assertThat(p.video().codecName()).isEqualTo("prores");
    assertThat(p.video().codecTag()).isEqualTo("apco");
    assertThat(p.streams()).anySatisfy(s -> assertThat(s).isInstanceOfSatisfying(OtherStream.class,
        o -> assertThat(o.isTimecodeTrack()).isTrue()));
    assertThat(p.audioStreams()).singleElement().satisfies(a -> {
      assertThat(a.codecName()).isEqualTo("pcm_s24le");
      assertThat(a.sampleRate()).isEqualTo(48000);
      assertThat(a.bitsPerSample()).isEqualTo(24);
    });
    MasterFacts facts = prober.probe(clip);
    assertThat(facts).isEqualTo(MasterFacts.intra(48, FrameRate.FPS_24, Timecode.of(1, 0, 0, 0, FrameRate.FPS_24, false)));
  }

  @Test
  void dropFrameTimecodeAt2997() {
    Path clip = RealFfmpeg.testClip(dir.resolve("prores df.mov"), "30000/1001", 30, "-c:v", "prores_ks", "-profile:v", "0",
        "-an", "-timecode", "01:00:00;00");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.frameRate()).isEqualTo(FrameRate.FPS_29_97);
    assertThat(p.startTimecode().dropFrame()).isTrue();
    assertThat(p.startTimecode()).hasToString("01:00:00;00");
  }

  @Test
  void matroskaWritesItsTimecodeTagInCapitals() {
    // ffmpeg -timecode into Matroska: the container's TIMECODE tag, nothing on the stream
    Path clip = RealFfmpeg.testClip(dir.resolve("timecode ö.mkv"), "30000/1001", 30, "-c:v", "prores_ks", "-profile:v", "0",
        "-an", "-timecode", "00:59:58;00");
    assertThat(RealFfmpeg.ffprobe(clip, "-show_entries", "format_tags=TIMECODE", "-of", "csv=p=0").strip()).isEqualTo("00:59:58;00");

    assertThat(prober.probeMedia(clip).startTimecode()).hasToString("00:59:58;00");

    // a MOV remuxed into Matroska: the video stream's TIMECODE tag
    Path mov = RealFfmpeg.testClip(dir.resolve("timecode.mov"), "24", 24, "-c:v", "prores_ks", "-profile:v", "0", "-an",
        "-timecode", "10:00:00:00");
    Path remuxed = RealFfmpeg.ffmpeg(dir.resolve("remuxed ö.mkv"), "-i", mov.toString(), "-map", "0:v", "-c", "copy",
        "-map_metadata", "-1", "-metadata:s:v:0", "TIMECODE=10:00:00:00");
    assertThat(prober.probeMedia(remuxed).startTimecode()).hasToString("10:00:00:00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mxf", "mov"})
  void dnxhrIsIntra(String container) {
    Path clip = RealFfmpeg.testClip(dir.resolve("dnxhr sq." + container), "25", 25, "-c:v", "dnxhd", "-profile:v", "dnxhr_sq",
        "-pix_fmt", "yuv422p", "-an", "-timecode", "10:00:00:00");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(p.intraOnly()).isTrue();
    assertThat(p.video().profile()).isEqualTo("DNXHR SQ");
    assertThat(p.frameCount()).isEqualTo(25).isEqualTo(RealFfmpeg.decodedFrameCount(clip));
    assertThat(p.startTimecode()).hasToString("10:00:00:00");
  }

  @Test
  void h264AllIntraIsDetectedAsIntraOnly() {
    Path clip = RealFfmpeg.testClip(dir.resolve("x264 intra.mov"), "25", 20, "-c:v", "libx264", "-preset", "ultrafast",
        "-x264-params", "keyint=1", "-an");

    MediaProbe p = prober.probeMedia(clip);

    assertThat(RealFfmpeg.decodedPictTypes(clip)).matches("I{20}");
    assertThat(p.intraOnly()).isTrue();
    assertThat(p.masterFacts().intraOnly()).isTrue();
  }

  // --- stream parameters -----------------------------------------------------------------------------------

  @Test
  void videoParametersAreReported() {
    Path clip = RealFfmpeg.testClip(dir.resolve("params.mp4"), "25", 25, "-c:v", "libx264", "-preset", "fast",
        "-profile:v", "high", "-pix_fmt", "yuv420p", "-vf", "setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv",
        "-c:a", "aac", "-ar", "48000", "-ac", "2");

    MediaProbe p = prober.probeMedia(clip);

    VideoStream v = p.video();
    assertThat(v.codecName()).isEqualTo("h264");
    assertThat(v.profile()).isEqualTo("High");
    assertThat(v.codecTag()).isEqualTo("avc1");
    assertThat(v.pixFmt()).isEqualTo("yuv420p");
    assertThat(v.width()).isEqualTo(320);
    assertThat(v.height()).isEqualTo(240);
    assertThat(v.colorPrimaries()).isEqualTo("bt709");
    assertThat(v.colorTransfer()).isEqualTo("bt709");
    assertThat(v.colorSpace()).isEqualTo("bt709");
    assertThat(v.colorRange()).isEqualTo("tv");
    assertThat(v.level()).isEqualTo(13); // x264 picks level 1.3 for 320x240 at 25 fps
    assertThat(v.sampleAspectRatio()).isEqualTo("1:1");
    assertThat(v.fieldOrder()).isEqualTo("progressive");
    assertThat(v.timeBase().denominator()).isPositive();
    assertThat(p.formatName()).contains("mp4");
    assertThat(p.duration()).isPresent();
    assertThat(p.audioStreams()).singleElement().satisfies(a -> {
      assertThat(a.codecName()).isEqualTo("aac");
      assertThat(a.channels()).isEqualTo(2);
      assertThat(a.channelLayout()).isEqualTo("stereo");
    });
    assertThat(p.startTimecode()).isEqualTo(Timecode.zero(FrameRate.FPS_25, false));
  }

  @Test
  void packetIndexMatchesFfprobeAndMapsFramesToPackets() {
    Path clip = RealFfmpeg.testClip(dir.resolve("index.mp4"), "24", 48, "-c:v", "libx264", "-preset", "ultrafast",
        "-x264-params", "keyint=24:min-keyint=24:scenecut=0:bframes=3", "-an");

    MediaProbe p = prober.probeMedia(clip);

    PacketIndex idx = p.packets();
    List<String> lines = RealFfmpeg.ffprobe(clip, "-select_streams", "v:0", "-show_entries", "packet=pts,pos,size", "-of", "csv=p=0")
        .lines().filter(l -> !l.isBlank()).toList();
    assertThat(idx.packetCount()).isEqualTo(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      assertThat(idx.pts(i)).isEqualTo(Long.parseLong(f[0]));
      assertThat(idx.byteSize(i)).isEqualTo(Integer.parseInt(f[1]));
      assertThat(idx.position(i)).isEqualTo(Long.parseLong(f[2]));
    }
    for (int frame = 0; frame < idx.frameCount(); frame++) {
      assertThat(idx.frameOf(idx.packetOf(frame))).isEqualTo(frame);
      if (frame > 0) assertThat(idx.pts(idx.packetOf(frame))).isGreaterThan(idx.pts(idx.packetOf(frame - 1)));
    }
  }

  // --- refusals -------------------------------------------------------------------------------------------

  @Test
  void variableFrameRateIsRejected() {
    Path clip = RealFfmpeg.ffmpeg(dir.resolve("vfr.mp4"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24",
        "-frames:v", "48", "-vf", "select='not(eq(mod(n\\,7)\\,3))'", "-fps_mode", "passthrough", "-c:v", "libx264",
        "-preset", "ultrafast");

    assertThatThrownBy(() -> prober.probeMedia(clip))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("variable frame rate");
  }

  @Test
  void aFileThatIsNotMediaIsInvalid() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.mov"), "this is not a movie\n");

    assertThatThrownBy(() -> prober.probeMedia(text))
        .isInstanceOf(ValidationException.class).hasMessageContaining("not a media file");
    assertThatThrownBy(() -> prober.probeMedia(dir.resolve("missing.mov")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("does not exist");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mp4", "mkv", "mxf", "faststart.mp4"})
  void truncatedFilesAreInvalid(String kind) throws IOException {
    String ext = kind.endsWith("mp4") ? "mp4" : kind;
    List<String> args = new ArrayList<>(List.of("-c:v", "libx264", "-preset", "ultrafast", "-an"));
    if (kind.equals("mxf")) args = new ArrayList<>(List.of("-c:v", "mpeg2video", "-an"));
    if (kind.startsWith("faststart")) args.addAll(List.of("-movflags", "+faststart"));
    Path whole = RealFfmpeg.testClip(dir.resolve("whole " + kind + "." + ext), "25", 75, args.toArray(String[]::new));
    Path cut = dir.resolve("cut " + kind + "." + ext);
    try (InputStream in = Files.newInputStream(whole); OutputStream out = Files.newOutputStream(cut)) {
      out.write(in.readNBytes((int) (Files.size(whole) * 6 / 10)));
    }

    assertThatThrownBy(() -> prober.probeMedia(cut)).isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems().get(0).where()).isEqualTo(cut.toString()));
  }

  @Test
  void theProberIsFoundByServiceLoader() {
    assertThat(ServiceLoader.load(MediaProber.class).stream().map(ServiceLoader.Provider::type).collect(Collectors.toList()))
        .contains(FfprobeProber.class);
  }

  // ---------------------------------------------------------------------------------------------------------

  /** Asserts from ffmpeg's parser that each point's packet holds an IDR slice (NAL 5). */
  private static void assertIdrAtPoints(Path clip, MediaProbe p) {
    List<TracedPacket> traced = RealFfmpeg.trace(clip);
    assertThat(traced).hasSize(p.packets().packetCount());
    for (AccessPoint a : p.accessPoints()) {
      assertThat(traced.get(a.packet()).values("nal_unit_type")).contains(5L);
    }
  }

  private static int firstVclNalType(TracedPacket t) {
    return t.values("nal_unit_type").stream().mapToInt(Long::intValue).filter(v -> v < 32).findFirst().orElse(-1);
  }

  private static List<Integer> indexesOf(String s, char c) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) == c) out.add(i);
    return out;
  }
}
