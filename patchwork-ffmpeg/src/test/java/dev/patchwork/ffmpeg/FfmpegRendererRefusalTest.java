package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.patchwork.CancelledException;
import dev.patchwork.PatchListener;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.plan.Segment;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.VideoStream;
import dev.patchwork.spi.Renderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** What the renderer refuses, how it reports progress, and that an interrupted render leaves nothing behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FfmpegRendererRefusalTest {

  @TempDir static Path tmp;
  Path dir;
  Path master;
  Sidecar sidecar;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    master = RealFfmpeg.testClip(dir.resolve("master 24.mov"), "24", 48, "-c:v", "libx264", "-preset", "veryfast",
        "-x264-params", "keyint=24:scenecut=0", "-c:a", "pcm_s24le");
    sidecar = RenderFixtures.sidecar(master, "mov", GopStructure.longGop(24, 3, true));
  }

  private Path source(String name, String size, String rate, int frames) {
    return RealFfmpeg.ffmpeg(dir.resolve(name), "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=" + rate,
        "-frames:v", Integer.toString(frames), "-c:v", "ffv1");
  }

  private Path output(String name) {
    return dir.resolve(name + ".mkv");
  }

  @Test
  void newSourceWithAnotherFrameCount() {
    FfmpegRenderer r = FfmpegRenderer.fromSource(source("47 frames.mkv", "320x240", "24", 47), RealFfmpeg.tools());
    Path out = output("frames");
    assertThatThrownBy(() -> r.render(RenderFixtures.request(master, sidecar, Segment.render(0, 24), out)))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.where()).isEqualTo("--source");
            assertThat(p.message()).contains("47 frames at 24 fps", "the master has 48 frames at 24 fps");
          });
        });
    assertThat(out).doesNotExist();
    assertThatThrownBy(() -> r.validate(sidecar)).isInstanceOf(ValidationException.class);
  }

  @Test
  void newSourceWithAnotherRateOrSize() {
    FfmpegRenderer rate = FfmpegRenderer.fromSource(source("25 fps.mkv", "320x240", "25", 48), RealFfmpeg.tools());
    assertThatThrownBy(() -> rate.validate(sidecar)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("48 frames at 25 fps").hasMessageContaining("48 frames at 24 fps");
    FfmpegRenderer size = FfmpegRenderer.fromSource(source("640.mkv", "640x360", "24", 48), RealFfmpeg.tools());
    assertThatThrownBy(() -> size.validate(sidecar)).isInstanceOf(ValidationException.class).hasMessageContaining("640x360")
        .hasMessageContaining("320x240");
  }

  @Test
  void aMatroskaSourceServesA5994MasterAndAMessageTellsRatesThatReadAlikeApart() {
    Path m5994 = RealFfmpeg.testClip(dir.resolve("master 59.94.mov"), "60000/1001", 30, "-c:v", "libx264", "-preset", "veryfast",
        "-x264-params", "keyint=30:scenecut=0", "-c:a", "pcm_s24le");
    Sidecar s5994 = RenderFixtures.sidecar(m5994, "mov", GopStructure.longGop(30, 3, true));
    // ffprobe reads a Matroska file's 16683333 ns frame duration as 19001/317 fps
    Path mkv = source("59.94.mkv", "320x240", "60000/1001", 30);
    assertThat(RenderFixtures.streamField(mkv, "v:0", "r_frame_rate")).isNotEqualTo("60000/1001");
    FfmpegRenderer.fromSource(mkv, RealFfmpeg.tools()).validate(s5994);

    FfmpegRenderer literal = FfmpegRenderer.fromSource(source("29.97 literally.nut", "320x240", "2997/100", 48), RealFfmpeg.tools());
    FfmpegRenderer ntsc = FfmpegRenderer.fromSource(source("29.97.nut", "320x240", "30000/1001", 48), RealFfmpeg.tools());
    Sidecar s2997 = RenderFixtures.sidecar(RealFfmpeg.testClip(dir.resolve("master 29.97.mov"), "30000/1001", 48, "-c:v", "libx264",
        "-preset", "veryfast", "-x264-params", "keyint=24:scenecut=0", "-c:a", "pcm_s24le"), "mov", GopStructure.longGop(24, 3, true));
    ntsc.validate(s2997);
    assertThatThrownBy(() -> literal.validate(s2997)).isInstanceOf(ValidationException.class)
        .hasMessageContaining("48 frames at 29.97 (2997/100) fps").hasMessageContaining("the master has 48 frames at 29.97 (30000/1001) fps");
  }

  @Test
  void missingOrNonMediaSource() throws IOException {
    assertThatThrownBy(() -> FfmpegRenderer.fromSource(dir.resolve("nowhere.mov"), RealFfmpeg.tools()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("does not exist");
    Path text = Files.writeString(dir.resolve("notes.mov"), "not a movie");
    assertThatThrownBy(() -> FfmpegRenderer.fromSource(text, RealFfmpeg.tools()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("not a media file");
  }

  @Test
  void codecsTheRendererCannotMatch() {
    Path source = source("ok source.mkv", "320x240", "24", 48);
    FfmpegRenderer r = FfmpegRenderer.fromSource(source, RealFfmpeg.tools());
    // a real MJPEG master
    Path mjpeg = RealFfmpeg.testClip(dir.resolve("mjpeg master.mov"), "24", 48, "-c:v", "mjpeg", "-an");
    Sidecar mjpegSidecar = RenderFixtures.sidecar(mjpeg, "mov", GopStructure.intra());
    assertThatThrownBy(() -> r.render(RenderFixtures.request(mjpeg, mjpegSidecar, Segment.render(0, 10), output("mjpeg"))))
        .isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("mjpeg").hasMessageContaining("H.264 (x264)");
    // a master whose sidecar says VP9
    Sidecar vp9 = withVideo(sidecar, withCodec(sidecar.video(), "vp9"));
    assertThatThrownBy(() -> r.validate(vp9)).isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("vp9");
    assertThat(output("mjpeg")).doesNotExist();
  }

  @Test
  void h264NotEncodedByX264() {
    Path openh264 = RealFfmpeg.testClip(dir.resolve("openh264 master.mp4"), "24", 48, "-c:v", "libopenh264", "-an");
    Sidecar s = RenderFixtures.sidecar(openh264, "mp4", GopStructure.longGop(null, null, true));
    assertThat(s.encoder().options()).isNull();
    FfmpegRenderer r = FfmpegRenderer.fromSource(source("ok source 2.mkv", "320x240", "24", 48), RealFfmpeg.tools());
    assertThatThrownBy(() -> r.validate(s)).isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("not x264");
  }

  @Test
  void interlacedAndUnknownSettingsAreRefused() {
    FfmpegRenderer r = FfmpegRenderer.fromSource(source("ok source 3.mkv", "320x240", "24", 48), RealFfmpeg.tools());
    VideoStream v = sidecar.video();
    VideoStream interlaced = new VideoStream(v.codec(), v.profile(), v.level(), v.pixelFormat(), v.width(), v.height(),
        v.sampleAspectRatio(), "tt", v.bitRate(), v.color(), v.gop());
    assertThatThrownBy(() -> r.validate(withVideo(sidecar, interlaced))).isInstanceOf(UnsupportedMasterException.class)
        .hasMessageContaining("interlaced");
    Encoder e = sidecar.encoder();
    Sidecar unknown = new Sidecar(sidecar.master(), sidecar.video(), sidecar.audio(),
        new Encoder(e.tool(), e.version(), e.library(), e.options() + " teleport=1"), sidecar.origin(), sidecar.content(), List.of());
    assertThatThrownBy(() -> r.validate(unknown)).isInstanceOf(UnsupportedMasterException.class).hasMessageContaining("teleport=1");
  }

  @Test
  void insertsThatDoNotFit() {
    Path clip = source("clip 10.mkv", "320x240", "24", 10);
    assertThatThrownBy(() -> FfmpegRenderer.fromInserts(List.of(new Insert(5, clip), new Insert(12, clip)), RealFfmpeg.tools()))
        .isInstanceOfSatisfying(ValidationException.class, e ->
            assertThat(e.problems()).singleElement().satisfies(p -> {
              assertThat(p.where()).startsWith("--insert 12=");
              assertThat(p.message()).contains("overlap");
            }));
    FfmpegRenderer pastEnd = FfmpegRenderer.fromInserts(List.of(new Insert(40, clip)), RealFfmpeg.tools());
    assertThatThrownBy(() -> pastEnd.validate(sidecar)).isInstanceOf(ValidationException.class).hasMessageContaining("past the master's last frame");
    Path clip25 = source("clip 25 fps.mkv", "320x240", "25", 10);
    FfmpegRenderer otherRate = FfmpegRenderer.fromInserts(List.of(new Insert(0, clip25)), RealFfmpeg.tools());
    assertThatThrownBy(() -> otherRate.validate(sidecar)).isInstanceOf(ValidationException.class).hasMessageContaining("25 fps");
    assertThatThrownBy(() -> FfmpegRenderer.fromInserts(List.of(new Insert(0, dir.resolve("gone.mov"))), RealFfmpeg.tools()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("--insert 0=");
  }

  @Test
  void progressReachesTheListener() {
    FfmpegRenderer r = FfmpegRenderer.fromSource(source("progress source.mkv", "320x240", "24", 48), RealFfmpeg.tools());
    List<long[]> calls = new CopyOnWriteArrayList<>();
    Segment segment = Segment.render(24, 24);
    PatchListener listener = new PatchListener() {
      @Override
      public void progress(Segment s, long done, long total) {
        assertThat(s).isEqualTo(segment);
        calls.add(new long[] {done, total});
      }
    };
    r.render(new Renderer.Request(master, sidecar, segment, output("progress"), listener));
    assertThat(calls).isNotEmpty().allSatisfy(c -> {
      assertThat(c[1]).isEqualTo(24);
      assertThat(c[0]).isBetween(0L, 24L);
    });
    assertThat(calls.get(calls.size() - 1)[0]).isEqualTo(24);
  }

  @Test
  void interruptStopsFfmpegAndLeavesNothing() throws Exception {
    // a long, large master made fast, with the option string of a very slow encode: the render takes long enough
    Path big = RealFfmpeg.ffmpeg(dir.resolve("big master.mp4"), "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24",
        "-frames:v", "240", "-c:v", "libx264", "-preset", "ultrafast", "-x264-params", "keyint=240");
    Path slow = RealFfmpeg.ffmpeg(dir.resolve("slow settings.mp4"), "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24",
        "-frames:v", "2", "-c:v", "libx264", "-preset", "placebo", "-x264-params", "keyint=240");
    Sidecar fast = RenderFixtures.sidecar(big, "mp4", GopStructure.longGop(240, 0, true));
    Encoder e = fast.encoder();
    Sidecar slowSidecar = new Sidecar(fast.master(), fast.video(), fast.audio(),
        new Encoder(e.tool(), e.version(), e.library(), RenderFixtures.encoderOptions(slow)), fast.origin(), fast.content(), List.of());
    Path source = RealFfmpeg.ffmpeg(dir.resolve("big source.mkv"), "-f", "lavfi", "-i", "testsrc=size=640x360:rate=24",
        "-frames:v", "240", "-c:v", "ffv1");
    FfmpegRenderer r = FfmpegRenderer.fromSource(source, RealFfmpeg.tools());
    Path out = output("interrupted");
    AtomicReference<Thread> worker = new AtomicReference<>();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    List<Long> seen = new CopyOnWriteArrayList<>();
    PatchListener interrupter = new PatchListener() {
      @Override
      public void progress(Segment s, long done, long total) {
        seen.add(done);
        worker.get().interrupt();
      }
    };
    Thread t = new Thread(() -> {
      try {
        r.render(new Renderer.Request(big, slowSidecar, Segment.render(0, 240), out, interrupter));
      } catch (Throwable x) {
        thrown.set(x);
      }
    });
    worker.set(t);
    t.start();
    t.join(60_000);

    assertThat(t.isAlive()).isFalse();
    assertThat(seen).isNotEmpty();
    assertThat(thrown.get()).isInstanceOf(CancelledException.class);
    assertThat(out).doesNotExist();
    assertThat(ProcessHandle.current().descendants().map(p -> p.info().command().orElse("")))
        .as("no ffmpeg left running").noneMatch(c -> c.endsWith("ffmpeg"));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("interrupted"));
    }
  }

  private static Sidecar withVideo(Sidecar s, VideoStream v) {
    return new Sidecar(s.master(), v, s.audio(), s.encoder(), s.origin(), s.content(), s.history());
  }

  private static VideoStream withCodec(VideoStream v, String codec) {
    return new VideoStream(codec, v.profile(), v.level(), v.pixelFormat(), v.width(), v.height(), v.sampleAspectRatio(), v.fieldOrder(),
        v.bitRate(), v.color(), v.gop());
  }
}
