package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchListener;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.SidecarPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MOV/MP4 master patched by rewriting its boxes ({@link QuickTimeSplice}) keeps its own file: the same top-level
 * boxes, every packet outside the re-rendered GOPs byte for byte in the same order, and every such packet moved by
 * no more than the bytes the re-rendered GOPs before it grew or shrank (the tracks stay interleaved as they were).
 * The evidence is ffprobe's packet list with data hashes and a decode of the whole output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickTimeSpliceTest {

  @TempDir static Path tmp;
  Path dir;
  Path source;
  Path silent;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
    // a picture-only change: the new timeline's sound is the masters' (their PCM, or none, which keeps an AAC master's)
    source = RealFfmpeg.ffmpeg(dir.resolve("new source.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    silent = RealFfmpeg.ffmpeg(dir.resolve("new source without sound.mkv"), "-f", "lavfi", "-i",
        "testsrc2=size=320x240:rate=25,hue=h=90", "-frames:v", "150", "-c:v", "ffv1");
  }

  /** H.264 with B-frames (composition offsets), PCM sound, a tmcd track; moov after mdat. */
  @Test
  void movWithPcmAndTimecode() {
    Path master = master("master.mov", "-c:a", "pcm_s16le", "-timecode", "01:00:00:00");
    Path out = patch(master, source, "patched.mov", Change.of(60, 10));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {50, 75}));
    assertThat(RealFfmpeg.timecode(out)).isEqualTo("01:00:00:00");
  }

  /**
   * New sound with the new picture: the PCM samples over the re-rendered frames are overwritten in place, the rest of
   * the file is still the master's (its timecode track's handler too, which a remux renames).
   */
  @Test
  void movWithNewPcmSound() {
    Path master = master("master for sound.mov", "-c:a", "pcm_s24le", "-timecode", "10:00:00:00");
    Path newSound = RealFfmpeg.ffmpeg(dir.resolve("new picture and sound.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,hue=h=90",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=9", "-frames:v", "150", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s24le");
    Path out = patch(master, newSound, "patched sound.mov", Change.of(60, 10));

    assertThat(topLevelBoxes(out)).isEqualTo(topLevelBoxes(master));
    String tags = "stream=index,codec_type:stream_tags:format_tags";
    assertThat(RealFfmpeg.ffprobe(out, "-show_entries", tags, "-of", "json")).isEqualTo(RealFfmpeg.ffprobe(master, "-show_entries", tags, "-of", "json"));
    assertThat(RealFfmpeg.timecode(out)).isEqualTo("10:00:00:00");
    // the sound of frames 50-74 (the GOPs re-rendered) is the new source's, all else the master's
    int[] o = RealFfmpeg.audioSamples(out, 0);
    int[] m = RealFfmpeg.audioSamples(master, 0);
    int[] n = RealFfmpeg.audioSamples(newSound, 0);
    int from = 50 * 1920;
    int to = 75 * 1920;
    assertThat(o).hasSameSizeAs(m);
    assertThat(Arrays.copyOfRange(o, from, to)).isEqualTo(Arrays.copyOfRange(n, from, to)).isNotEqualTo(Arrays.copyOfRange(m, from, to));
    assertThat(Arrays.copyOfRange(o, 0, from)).isEqualTo(Arrays.copyOfRange(m, 0, from));
    assertThat(Arrays.copyOfRange(o, to, o.length)).isEqualTo(Arrays.copyOfRange(m, to, m.length));
    // every audio packet is where the master has it, moved only by the video bytes before it
    List<RealFfmpeg.ProbedPacket> ma = RealFfmpeg.packets(master, "a:0");
    List<RealFfmpeg.ProbedPacket> oa = RealFfmpeg.packets(out, "a:0");
    assertThat(oa).extracting(RealFfmpeg.ProbedPacket::size).containsExactlyElementsOf(ma.stream().map(RealFfmpeg.ProbedPacket::size).toList());
    List<RealFfmpeg.Md5> mv = RealFfmpeg.decodedMd5s(master);
    List<RealFfmpeg.Md5> ov = RealFfmpeg.decodedMd5s(out);
    assertThat(ov).hasSameSizeAs(mv);
    for (int f = 0; f < mv.size(); f++) {
      if (f < 50 || f >= 75) assertThat(ov.get(f).md5()).as("frame %d", f).isEqualTo(mv.get(f).md5());
    }
  }

  /** AAC sound (a sample group in its track), moov before mdat: every offset also moves by the moov's growth. */
  @Test
  void faststartMp4WithAacAndChangesAtBothEnds() {
    Path master = master("master.mp4", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart");
    Path out = patch(master, silent, "patched.mp4", Change.of(0, 3), Change.of(145, 5));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {0, 25}, new int[] {125, 150}));
  }

  /** x265 with closed GOPs: ffmpeg writes sample dependency flags (sdtp) for it, which the re-wrapped segment lacks. */
  @Test
  void hevcMovWithClosedGops() {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master hevc.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-x265-params", "keyint=25:min-keyint=25:scenecut=0:no-open-gop=1:log-level=error", "-tag:v", "hvc1", "-c:a", "pcm_s16le",
        "-timecode", "01:00:00:00");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path out = patch(master, source, "patched hevc.mov", Change.of(60, 10));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {50, 75}));
  }

  /** DNxHR: every frame of one size (a sample table without a table), patched frame-exact. */
  @Test
  void dnxhrMovFrameExact() {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master dnxhr.mov"), "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i",
        "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "50", "-shortest", "-c:v", "dnxhd", "-profile:v", "dnxhr_sq", "-pix_fmt", "yuv422p",
        "-c:a", "pcm_s16le", "-timecode", "01:00:00:00");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path wide = RealFfmpeg.ffmpeg(dir.resolve("new source 640.mkv"), "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25,hue=h=90", "-f", "lavfi",
        "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "50", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    Path out = patch(master, wide, "patched dnxhr.mov", Change.of(20, 2));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {20, 22}));
  }

  /** New AAC sound is spliced by ffmpeg's remux, which must keep the MP4's major brand (it wrote its own, isom). */
  @Test
  void remuxedMp4KeepsItsBrand() {
    Path master = master("master mp42.mp4", "-c:a", "aac", "-b:a", "128k", "-brand", "mp42");
    Path out = patch(master, source, "patched mp42.mp4", Change.of(60, 10));
    String brand = "format_tags=major_brand";
    assertThat(RealFfmpeg.ffprobe(out, "-show_entries", brand, "-of", "csv=p=0").strip()).isEqualTo("mp42")
        .isEqualTo(RealFfmpeg.ffprobe(master, "-show_entries", brand, "-of", "csv=p=0").strip());
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
  }

  /** ProRes: every frame a sync sample, no composition offsets; the change is frame-exact. */
  @Test
  void proresMovFrameExact() {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master prores.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi",
        "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "prores_ks", "-profile:v", "2", "-c:a", "pcm_s16le");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    Path out = patch(master, source, "patched prores.mov", Change.of(40, 3));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {40, 43}));
  }

  /**
   * One-frame changes of an intra-only master: each rendered segment holds one sample, which ffmpeg stores as samples
   * of one size (an stsz without a table). The box rewrite still applies; a remux would rename the timecode track's
   * handler.
   */
  @Test
  void proresOneFrameSegments() {
    Path master = RealFfmpeg.ffmpeg(dir.resolve("master prores one frame.mov"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f",
        "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "prores_ks", "-profile:v", "0", "-c:a",
        "pcm_s16le", "-timecode", "01:00:00:00");
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    // blurred: frames of another size than the master's (a hue shift encodes to the same sizes)
    Path blurred = RealFfmpeg.ffmpeg(dir.resolve("new source blurred.mkv"), "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25,boxblur=4",
        "-f", "lavfi", "-i", "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "ffv1", "-c:a", "pcm_s16le");
    Path out = patch(master, blurred, "patched prores one frame.mov", Change.of(0, 1), Change.of(90, 1));
    assertKeptAsInTheMaster(master, out, List.of(new int[] {0, 1}, new int[] {90, 91}));
    assertThat(RealFfmpeg.timecode(out)).isEqualTo("01:00:00:00");
  }

  private Path master(String name, String... audio) {
    List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i",
        "anoisesrc=r=48000:a=0.3:seed=2", "-frames:v", "150", "-shortest", "-c:v", "libx264", "-preset", "veryfast", "-g", "25",
        "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p"));
    args.addAll(List.of(audio));
    Path master = RealFfmpeg.ffmpeg(dir.resolve(name), args.toArray(String[]::new));
    new FfmpegAdopter(RealFfmpeg.tools()).adopt(master, SidecarPaths.defaultFor(master), true, PatchListener.NONE);
    return master;
  }

  private Path patch(Path master, Path newSource, String name, Change... changes) {
    Path out = dir.resolve(name);
    Patchwork.forMaster(master).renderer(FfmpegRenderer.fromSource(newSource, RealFfmpeg.tools()))
        .engine(new FfmpegPatchEngine(RealFfmpeg.tools())).output(out).patch(List.of(changes));
    return out;
  }

  /**
   * @param rendered frame ranges {@code [from, to)} whose pictures were re-rendered (GOP-widened), in order
   */
  private static void assertKeptAsInTheMaster(Path master, Path out, List<int[]> rendered) {
    assertThat(topLevelBoxes(out)).isEqualTo(topLevelBoxes(master));
    // the tracks' own tags (a remux renamed the timecode track's handler "VideoHandler")
    String tags = "stream=index,codec_type:stream_tags:format_tags";
    assertThat(RealFfmpeg.ffprobe(out, "-show_entries", tags, "-of", "json")).isEqualTo(RealFfmpeg.ffprobe(master, "-show_entries", tags, "-of", "json"));

    // every packet outside the re-rendered frames: the same bytes in the same order; two packets stored next to each
    // other in the master (no re-rendered packet between them) stay next to each other, moved by the same distance
    List<Packet> masterPackets = packets(master);
    List<Packet> before = kept(masterPackets, masterPackets, rendered);
    List<Packet> after = kept(packets(out), masterPackets, rendered);
    assertThat(after).extracting(Packet::stream, Packet::size, Packet::hash)
        .containsExactlyElementsOf(before.stream().map(p -> org.assertj.core.groups.Tuple.tuple(p.stream(), p.size(), p.hash())).toList());
    List<Long> replaced = new ArrayList<>();
    for (Packet p : masterPackets) {
      if (!before.contains(p)) replaced.add(p.pos());
    }
    assertThat(replaced).isNotEmpty();
    for (int i = 0; i < before.size(); i++) {
      long shift = after.get(i).pos() - before.get(i).pos();
      if (i == 0) continue;
      long from = before.get(i - 1).pos();
      long to = before.get(i).pos();
      if (replaced.stream().noneMatch(r -> r > from && r < to)) {
        assertThat(shift).as("packet %d moved as the one before it", i).isEqualTo(after.get(i - 1).pos() - before.get(i - 1).pos());
      }
    }

    // the pictures: the master's outside the ranges, new inside, all of them decodable
    List<RealFfmpeg.Md5> m = RealFfmpeg.decodedMd5s(master);
    List<RealFfmpeg.Md5> o = RealFfmpeg.decodedMd5s(out);
    assertThat(o).hasSameSizeAs(m);
    assertThat(RealFfmpeg.decodeErrors(out)).isEmpty();
    for (int f = 0; f < m.size(); f++) {
      int frame = f;
      boolean inside = rendered.stream().anyMatch(r -> frame >= r[0] && frame < r[1]);
      if (inside) {
        continue;
      }
      assertThat(o.get(f).md5()).as("frame %d", f).isEqualTo(m.get(f).md5());
    }
    assertThat(RealFfmpeg.audioSamples(out, 0)).isEqualTo(RealFfmpeg.audioSamples(master, 0));
  }

  record Packet(int stream, long pts, long pos, int size, String hash) {}

  /** Every packet of every stream in file order, with its data's hash. */
  private static List<Packet> packets(Path media) {
    List<Packet> out = new ArrayList<>();
    String text = RealFfmpeg.ffprobe(media, "-show_data_hash", "sha256", "-show_entries", "packet=stream_index,pts,pos,size,data_hash",
        "-of", "csv=p=0");
    for (String line : text.split("\n")) {
      String[] f = line.strip().split(",");
      if (f.length < 5) continue;
      // ffprobe writes a section's fields in its own order: stream_index, pts, size, pos, data_hash
      out.add(new Packet(Integer.parseInt(f[0]), f[1].equals("N/A") ? Long.MIN_VALUE : Long.parseLong(f[1]), Long.parseLong(f[3]),
          Integer.parseInt(f[2]), f[4]));
    }
    out.sort((a, b) -> Long.compare(a.pos(), b.pos()));
    return out;
  }

  /**
   * The packets of {@code all} except the video packets showing a frame in {@code rendered}; the frames are counted
   * on the master's video timestamps (the output keeps them).
   */
  private static List<Packet> kept(List<Packet> all, List<Packet> masterPackets, List<int[]> rendered) {
    List<Long> videoPts = new ArrayList<>();
    for (Packet p : masterPackets) {
      if (p.stream() == 0) videoPts.add(p.pts());
    }
    videoPts.sort(null);
    List<Packet> out = new ArrayList<>();
    for (Packet p : all) {
      if (p.stream() == 0) {
        int frame = videoPts.indexOf(p.pts());
        assertThat(frame).as("a video packet at a master frame's time").isNotNegative();
        if (rendered.stream().anyMatch(r -> frame >= r[0] && frame < r[1])) continue;
      }
      out.add(p);
    }
    return out;
  }

  private static List<String> topLevelBoxes(Path file) {
    List<String> types = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      long pos = 0;
      byte[] h = new byte[16];
      while (pos + 8 <= size) {
        in.readNBytes(h, 0, 8);
        long box = ByteBuffer.wrap(h, 0, 4).getInt() & 0xFFFFFFFFL;
        int read = 8;
        if (box == 1) {
          in.readNBytes(h, 8, 8);
          box = ByteBuffer.wrap(h, 8, 8).getLong();
          read = 16;
        } else if (box == 0) {
          box = size - pos;
        }
        types.add(new String(h, 4, 4, StandardCharsets.ISO_8859_1));
        in.skipNBytes(box - read);
        pos += box;
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return types;
  }
}
