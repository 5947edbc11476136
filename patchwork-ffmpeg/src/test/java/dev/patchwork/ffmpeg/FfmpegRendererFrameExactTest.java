package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.change.Change;
import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Planner;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.time.FrameRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frame and sample accuracy, proven on lossless material: the master is lossless x265 (open GOPs: CRA pictures with
 * RASL B-frames) in Matroska, sources are FFV1 in MOV or lossless x264 with B-frames, so a rendered segment decodes to exactly the frames it was made from and
 * {@code framemd5} compares them. Audio values count the samples (the master's negatively, the sources' positively), so
 * every sample's origin can be read back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegRendererFrameExactTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Sidecar sidecar;
  List<String> masterFrames;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    // x265 lossless keeps its B-frames and open GOPs (CRA with RASL pictures); x264 turns B-frames off when lossless
    master = RealFfmpeg.ffmpeg(dir.resolve("lossless master.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
        "-f", "lavfi", "-i", "aevalsrc=-mod(n\\,1048576)/8388608:s=48000:c=stereo", "-frames:v", "120",
        "-af", "atrim=end_sample=" + 120 * 1920, "-pix_fmt", "yuv420p", "-c:v", "libx265", "-preset", "ultrafast",
        "-x265-params", "lossless=1:keyint=24:min-keyint=24:scenecut=0:bframes=2:b-adapt=0:log-level=error", "-c:a", "pcm_s24le");
    sidecar = RenderFixtures.sidecar(master, "matroska", GopStructure.longGop(24, 2, false));
    masterFrames = RenderFixtures.frameHashes(master, "yuv420p");
    assertThat(masterFrames).hasSize(120);
    assertThat(sidecar.masterFacts().randomAccessPoints().get(2).lead()).as("open GOPs").isPositive();
  }

  private Path clip(String name, String pattern, int frames, boolean audio) {
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", pattern));
    if (audio) args.addAll(List.of("-f", "lavfi", "-i", "aevalsrc=mod(n\\,1048576)/8388608:s=48000:c=stereo"));
    args.addAll(List.of("-frames:v", Integer.toString(frames), "-pix_fmt", "yuv420p", "-c:v", "ffv1"));
    if (audio) args.addAll(List.of("-af", "atrim=end_sample=" + frames * 1920, "-c:a", "pcm_s24le"));
    return RealFfmpeg.ffmpeg(dir.resolve(name), args.toArray(String[]::new));
  }

  @Test
  void newSourceFramesAreExactlyTheSourcesFrames() {
    Path source = clip("edited timeline.mov", "testsrc=size=320x240:rate=25", 120, true);
    var points = sidecar.masterFacts().randomAccessPoints();
    Segment segment = Segment.render(points.get(2).leading().start(), points.get(3).frame() - points.get(2).leading().start());
    Path out = dir.resolve("seg from source.mkv");

    FfmpegRenderer.fromSource(source, RealFfmpeg.tools()).render(RenderFixtures.request(master, sidecar, segment, out));

    List<String> want = RenderFixtures.frameHashes(source, "yuv420p").subList((int) segment.start(), (int) segment.endExclusive());
    assertThat(RenderFixtures.frameHashes(out, "yuv420p")).isEqualTo(want);
    int[] s = RenderFixtures.audioSamples(out);
    assertThat(s).hasSize((int) segment.frames() * 1920 * 2);
    for (int i = 0; i < s.length; i += 2) {
      assertThat(s[i] >> 8).isEqualTo((int) (segment.start() * 1920 + i / 2));
    }
  }

  @Test
  void longGopSourceIsSeekedNotDecodedFromTheStart() {
    // a lossless x264 source with B-frames and closed GOPs of 10: reaching frame 100 needs a seek to its key frame
    Path source = RealFfmpeg.ffmpeg(dir.resolve("long gop source.mp4"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
        "-frames:v", "120", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-qp", "0", "-preset", "veryfast",
        "-x264-params", "keyint=10:min-keyint=10:scenecut=0:bframes=3");
    var points = sidecar.masterFacts().randomAccessPoints();
    long start = points.get(points.size() - 1).leading().start();
    Segment segment = Segment.render(start, 120 - start);
    Path out = dir.resolve("seg from long gop.mkv");

    FfmpegRenderer.fromSource(source, RealFfmpeg.tools()).render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RenderFixtures.frameHashes(out, "yuv420p"))
        .isEqualTo(RenderFixtures.frameHashes(source, "yuv420p").subList((int) start, 120));
    assertThat(RenderFixtures.audioStreams(out)).isZero();
  }

  @Test
  void sourceInMpegTsWhoseTimestampsDoNotStartAtZero() {
    // MPEG-TS starts its clock at 1.4 s and stamps audio in 1/90000 s: frames are found from the video's own start
    Path source = RealFfmpeg.ffmpeg(dir.resolve("timeline.ts"), "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000", "-frames:v", "120", "-af", "atrim=end_sample=" + 120 * 1920,
        "-pix_fmt", "yuv420p", "-c:v", "libx264", "-qp", "0", "-preset", "veryfast", "-x264-params", "keyint=12:bframes=2",
        "-c:a", "aac");
    assertThat(Double.parseDouble(RenderFixtures.streamField(source, "v:0", "start_time").lines().findFirst().orElseThrow())).isGreaterThan(1);
    Segment segment = Segment.render(46, 50);
    Path out = dir.resolve("seg from ts.mkv");

    FfmpegRenderer.fromSource(source, RealFfmpeg.tools()).render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RenderFixtures.frameHashes(out, "yuv420p"))
        .isEqualTo(RenderFixtures.frameHashes(source, "yuv420p").subList(46, 96));
    assertThat(RenderFixtures.audioSamples(out)).hasSize(50 * 1920 * 2);
  }

  @Test
  void insertWithAudioReplacesItsFramesAndSamplesAndPadsFromTheMaster() {
    Path clip = clip("shot 12 v2 ü.mov", "testsrc=size=320x240:rate=25", 20, true);
    FfmpegRenderer renderer = FfmpegRenderer.fromInserts(List.of(new Insert(50, clip)), RealFfmpeg.tools());
    List<Change> changes = renderer.insertChanges();
    assertThat(changes).extracting(Change::range).containsExactly(FrameRange.of(50, 70));
    PatchPlan plan = Planner.plan(sidecar.masterFacts(), changes);
    Segment segment = plan.segments().stream().filter(Segment::isRender).findFirst().orElseThrow();
    assertThat(segment.start()).isLessThan(50);
    assertThat(segment.endExclusive()).isGreaterThan(70);
    Path out = dir.resolve("seg insert.mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    List<String> want = new ArrayList<>(masterFrames.subList((int) segment.start(), 50));
    want.addAll(RenderFixtures.frameHashes(clip, "yuv420p"));
    want.addAll(masterFrames.subList(70, (int) segment.endExclusive()));
    assertThat(RenderFixtures.frameHashes(out, "yuv420p")).isEqualTo(want);

    int[] s = RenderFixtures.audioSamples(out);
    assertThat(s).hasSize((int) segment.frames() * 1920 * 2);
    for (int i = 0; i < s.length; i += 2) {
      long masterSample = segment.start() * 1920 + i / 2;
      int expected = masterSample < 50 * 1920 || masterSample >= 70 * 1920
          ? -(int) (masterSample % 1048576) // the master's own sample
          : (int) (masterSample - 50 * 1920); // the clip's sample, counted from its start
      assertThat(s[i] >> 8).as("sample %d", masterSample).isEqualTo(expected);
    }
  }

  @Test
  void insertWithoutAudioLeavesTheMastersAudioAlone() {
    Path clip = clip("silent shot.mov", "testsrc=size=320x240:rate=25", 5, false);
    FfmpegRenderer renderer = FfmpegRenderer.fromInserts(List.of(new Insert(30, clip)), RealFfmpeg.tools());
    Segment segment = Segment.render(22, 26);
    Path out = dir.resolve("seg silent insert.mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    assertThat(RenderFixtures.audioStreams(out)).isZero();
    List<String> want = new ArrayList<>(masterFrames.subList(22, 30));
    want.addAll(RenderFixtures.frameHashes(clip, "yuv420p"));
    want.addAll(masterFrames.subList(35, 48));
    assertThat(RenderFixtures.frameHashes(out, "yuv420p")).isEqualTo(want);
  }

  @Test
  void twoInsertsInOneSegmentWithTheMasterBetween() {
    Path withAudio = clip("a.mov", "testsrc=size=320x240:rate=25", 4, true);
    Path silent = clip("b.mov", "smptebars=size=320x240:rate=25", 3, false);
    FfmpegRenderer renderer = FfmpegRenderer.fromInserts(List.of(new Insert(80, silent), new Insert(74, withAudio)), RealFfmpeg.tools());
    assertThat(renderer.insertChanges()).extracting(Change::range).containsExactly(FrameRange.of(74, 78), FrameRange.of(80, 83));
    var points = sidecar.masterFacts().randomAccessPoints();
    long start = points.get(3).leading().start(); // before 72
    Segment segment = Segment.render(start, 96 - start);
    Path out = dir.resolve("seg two inserts.mkv");

    renderer.render(RenderFixtures.request(master, sidecar, segment, out));

    List<String> want = new ArrayList<>(masterFrames.subList((int) start, 74));
    want.addAll(RenderFixtures.frameHashes(withAudio, "yuv420p"));
    want.addAll(masterFrames.subList(78, 80));
    want.addAll(RenderFixtures.frameHashes(silent, "yuv420p"));
    want.addAll(masterFrames.subList(83, 96));
    assertThat(RenderFixtures.frameHashes(out, "yuv420p")).isEqualTo(want);
    int[] s = RenderFixtures.audioSamples(out);
    assertThat(s).hasSize((int) segment.frames() * 1920 * 2);
    for (int i = 0; i < s.length; i += 2) {
      long m = start * 1920 + i / 2;
      int expected = m >= 74 * 1920 && m < 78 * 1920 ? (int) (m - 74 * 1920) : -(int) (m % 1048576);
      assertThat(s[i] >> 8).as("sample %d", m).isEqualTo(expected);
    }
  }
}
