package dev.patchwork.sidecar;

import static dev.patchwork.sidecar.TestSidecars.hash;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentIndexTest {

  private final Sidecar example = Sidecars.parse(TestSidecars.resource(TestSidecars.EXAMPLE), TestSidecars.EXAMPLE);

  private Region gop(int i) {
    return example.content().regions().get(i);
  }

  @Test
  void regionAtMapsEveryBoundaryByteToItsRegion() {
    // Offsets from the example: header [0, 48), regions start at 48, 1183792, 2286004, 3384459, 4511549,
    // trailer [5742420, 5783647).
    ContentIndex c = example.content();
    assertThat(example.regionAt(0)).contains(c.header());
    assertThat(example.regionAt(47)).contains(c.header());
    assertThat(example.regionAt(48)).contains(gop(0));
    assertThat(example.regionAt(1_183_791)).contains(gop(0));
    assertThat(example.regionAt(1_183_792)).contains(gop(1));
    assertThat(example.regionAt(3_384_459)).contains(gop(3));
    assertThat(example.regionAt(5_742_419)).contains(gop(4));
    assertThat(example.regionAt(5_742_420)).contains(c.trailer());
    assertThat(example.regionAt(5_783_646)).contains(c.trailer());
    assertThat(example.regionAt(5_783_647)).isEmpty();
    assertThat(example.regionAt(-1)).isEmpty();
  }

  @Test
  void emptyHeaderAndTrailerHoldNoByte() {
    ContentIndex c = new ContentIndex(Region.header(0, hash("")),
        List.of(Region.gop(0, 10, 0, 0, 500, hash("a"), hash("b")), Region.gop(10, 10, 0, 500, 500, hash("c"), hash("d"))),
        Region.trailer(1000, 0, hash("")));

    assertThat(c.regionAt(0)).contains(c.regions().get(0));
    assertThat(c.regionAt(999)).contains(c.regions().get(1));
    assertThat(c.regionAt(1000)).isEmpty();
    assertThat(c.all()).hasSize(4);
    assertThat(c.fileSize()).isEqualTo(1000);
    assertThat(c.frameCount()).isEqualTo(20);
  }

  @Test
  void regionForFrameCountsLeadingPicturesWithTheirRandomAccessPoint() {
    ContentIndex c = example.content();
    assertThat(c.regionForFrame(0)).contains(gop(0));
    assertThat(c.regionForFrame(45)).contains(gop(0));
    // Frames 46 and 47 are leading pictures of the point at 48: stored after it, in its region.
    assertThat(c.regionForFrame(46)).contains(gop(1));
    assertThat(c.regionForFrame(48)).contains(gop(1));
    assertThat(c.regionForFrame(239)).contains(gop(4));
    assertThat(c.regionForFrame(240)).isEmpty();
    assertThat(gop(1).randomAccessFrame()).isEqualTo(48);
  }

  @Test
  void describeNamesFramesTimecodesAndBytes() {
    // 23.976 counts timecode in 24s from 01:00:00:00: frame 46 is 01:00:01:22, frame 93 is 01:00:03:21.
    assertThat(example.describe(gop(1)))
        .isEqualTo("content.regions[1]: frames 46-93 (01:00:01:22-01:00:03:21), bytes 1183792-2286003");
    assertThat(example.describe(example.content().header())).isEqualTo("content.header: bytes 0-47, before the first frame");
    assertThat(example.describe(example.content().trailer()))
        .isEqualTo("content.trailer: bytes 5742420-5783646, after the last frame");
    assertThatThrownBy(() -> example.describe(Region.gop(46, 48, 2, 1_183_792, 1_102_212, hash("x"), hash("y"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void timecodesFollowDropFrameRules() {
    FrameRate rate = FrameRate.FPS_29_97;
    Sidecar s = new Sidecar(TestSidecars.master(100, 1801, rate, Timecode.parse("00:00:00;00", rate)), TestSidecars.h264(),
        List.of(), new Encoder("x", null, null, null), RenderOrigin.ffmpeg(),
        new ContentIndex(Region.header(0, hash("")), List.of(Region.gop(0, 1801, 0, 0, 100, hash("a"), hash("b"))),
            Region.trailer(100, 0, hash(""))), List.of());

    // In drop-frame, labels ;00 and ;01 do not exist at minute 1: frame 1800 is 00:01:00;02.
    assertThat(s.timecodeAt(1800).toString()).isEqualTo("00:01:00;02");
    assertThat(s.describe(s.content().regions().get(0))).contains("(00:00:00;00-00:01:00;02)");
  }

  @Test
  void masterFactsCarryEveryRandomAccessPointAndItsLeadingPictures() {
    MasterFacts facts = example.masterFacts();

    assertThat(facts).isEqualTo(new MasterFacts(240, FrameRate.of(24000, 1001), Timecode.parse("01:00:00:00", FrameRate.of(24000, 1001)),
        false, List.of(RandomAccessPoint.closed(0), RandomAccessPoint.open(48, 2), RandomAccessPoint.open(96, 2),
            RandomAccessPoint.open(144, 2), RandomAccessPoint.open(192, 2))));
  }

  @Test
  void masterFactsOfAnIntraOnlyMasterSayIntra() {
    FrameRate rate = FrameRate.FPS_25;
    Sidecar s = new Sidecar(TestSidecars.master(300, 50, rate, Timecode.parse("10:00:00:00", rate)),
        new VideoStream("prores", "HQ", null, "yuv422p10le", 1920, 1080, null, null, null, null, GopStructure.intra()),
        List.of(), new Encoder("DaVinci Resolve", null, null, null), RenderOrigin.resolve("P", "T", null, "mov", "ProRes422HQ"),
        new ContentIndex(Region.header(100, hash("h")),
            List.of(Region.gop(0, 25, 0, 100, 100, hash("a"), hash("b")), Region.gop(25, 25, 0, 200, 100, hash("c"), hash("d"))),
            Region.trailer(300, 0, hash(""))), List.of());

    assertThat(s.masterFacts()).isEqualTo(MasterFacts.intra(50, rate, Timecode.parse("10:00:00:00", rate)));
  }

  @Test
  void theIndexRefusesEveryGapAndOverlapAtOnce() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> new ContentIndex(
        Region.header(100, hash("h")),
        List.of(
            Region.gop(0, 10, 0, 100, 100, hash("0"), hash("0v")),
            Region.gop(10, 10, 0, 190, 100, hash("1"), hash("1v")),   // overlaps region 0 by 10 bytes
            Region.gop(25, 10, 0, 300, 100, hash("2"), hash("2v")),   // gap of 10 bytes, 5 frames
            Region.gop(30, 10, 0, 400, 100, hash("3"), hash("3v"))),  // overlaps region 2 by 5 frames
        Region.trailer(510, 10, hash("t"))));                        // gap of 10 bytes

    assertThat(e.problems()).extracting(Problem::toString).containsExactly(
        "content.regions[1]: overlaps region 0 by 10 bytes (starts at byte 190, region 0 ends at byte 200)",
        "content.regions[2]: leaves a gap of 10 bytes after region 1 (starts at byte 300, region 1 ends at byte 290)",
        "content.trailer: leaves a gap of 10 bytes after region 3 (starts at byte 510, region 3 ends at byte 500)",
        "content.regions[2]: leaves 5 frames uncovered after region 1 (starts at frame 25, region 1 ends at frame 20)",
        "content.regions[3]: overlaps region 2 by 5 frames (starts at frame 30, region 2 ends at frame 35)");
  }

  @Test
  void theSidecarRefusesAnIndexThatDoesNotMatchTheMaster() {
    Sidecar s = TestSidecars.closedGops(2, 24, 10, 100, 5);
    MasterInfo m = s.master();
    MasterInfo wrong = new MasterInfo(m.fileName(), m.size() + 1, m.sha256(), m.container(), m.frameCount() - 1, m.frameRate(), m.startTimecode());

    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> new Sidecar(wrong, s.video(), s.audio(), s.encoder(), s.origin(), s.content(), s.history()));

    assertThat(e.problems()).extracting(Problem::where).containsExactly("content.trailer", "content.regions[1]");
  }

  @Test
  void regionsCheckTheirOwnFields() {
    assertThatThrownBy(() -> Region.gop(0, 10, 10, 0, 1, hash("a"), hash("b"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Region.gop(0, 10, 0, 0, 1, "ABC", hash("b"))).hasMessageStartingWith("sha256: ");
    assertThatThrownBy(() -> Region.gop(0, 10, 0, 0, 0, hash("a"), hash("b"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Region(Region.Kind.HEADER, 0, 0, 0, 0, 1, hash("a"), hash("b")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Region.header(0, hash("")).frameRange().isEmpty()).isTrue();
  }
}
