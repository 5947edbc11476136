package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.RealFfmpeg.Md5;
import dev.patchwork.ffmpeg.internal.H264Mirror;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Intra pictures put into the slots of an x264 open-GOP master's pictures ({@link H264Mirror}): decoded by ffmpeg
 * from an Annex B stream, the replaced frames show the intra pictures and every other frame is the master's.
 */
class H264MirrorIntegrationTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"medium", "veryfast cavlc", "slow slices"})
  void intraPicturesTakeTheMastersSlots(String flavour) throws IOException {
    List<String> enc = new ArrayList<>(List.of("-c:v", "libx264", "-preset", flavour.split(" ")[0], "-g", "24", "-keyint_min", "24",
        "-sc_threshold", "0", "-pix_fmt", "yuv420p"));
    String params = "open-gop=1" + (flavour.contains("slices") ? ":slices=3" : "");
    enc.addAll(List.of("-x264-params", params));
    if (flavour.contains("cavlc")) enc.addAll(List.of("-coder", "0"));
    List<String> m = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "100"));
    m.addAll(enc);
    m.add("-an");
    Path master = RealFfmpeg.ffmpeg(tmp.resolve("master.mkv"), m.toArray(String[]::new));
    List<String> i = new ArrayList<>(List.of("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-frames:v", "100", "-vf", "hue=h=90"));
    i.addAll(enc);
    i.addAll(List.of("-force_key_frames", "expr:1", "-forced-idr", "1", "-an"));
    Path intra = RealFfmpeg.ffmpeg(tmp.resolve("intra.mkv"), i.toArray(String[]::new));

    byte[] avcC = FfprobeProber.extradata(RealFfmpeg.tools(), master, 0);
    assertThat(FfprobeProber.extradata(RealFfmpeg.tools(), intra, 0)).as("same parameter sets").isEqualTo(avcC);
    MediaProbe mp = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);
    MediaProbe ip = new FfprobeProber(RealFfmpeg.tools()).probeMedia(intra);
    List<AccessPoint> points = mp.accessPoints();
    assertThat(points.get(1).kind()).isEqualTo(AccessPoint.Kind.RECOVERY_POINT);
    // from the first recovery point's leading pictures to the next recovery point that has leading pictures
    AccessPoint next = points.stream().skip(2).filter(a -> a.lead() > 0).findFirst().orElseThrow();
    long from = points.get(1).leading().start();
    long to = next.frame();

    H264Mirror mirror = H264Mirror.of(avcC);
    PacketIndex mi = mp.packets();
    PacketIndex ii = ip.packets();
    ByteArrayOutputStream annexB = new ByteArrayOutputStream();
    writeParameterSets(avcC, annexB);
    int replaced = 0;
    try (FilePackets mf = new FilePackets(master, mp.formatName()); FilePackets inf = new FilePackets(intra, ip.formatName())) {
      for (int p = 0; p < mi.packetCount(); p++) {
        byte[] au = mf.payload(mi, p);
        long f = mi.frameOf(p);
        if (f >= from && f < to) {
          au = mirror.mirror(inf.payload(ii, ii.packetOf(f)), au);
          replaced++;
        }
        toAnnexB(au, (avcC[4] & 3) + 1, annexB);
      }
    }
    assertThat(replaced).isEqualTo(to - from);
    Path es = Files.write(tmp.resolve("spliced.h264"), annexB.toByteArray());

    List<String> decoded = framemd5(es);
    List<Md5> md = RealFfmpeg.decodedMd5s(master);
    List<Md5> id = RealFfmpeg.decodedMd5s(intra);
    assertThat(decoded).hasSize(100);
    for (int f = 0; f < 100; f++) {
      String expected = f >= from && f < to ? id.get(f).md5() : md.get(f).md5();
      assertThat(decoded.get(f)).as("frame %d (replaced %d-%d)", f, from, to - 1).isEqualTo(expected);
    }
  }

  private static List<String> framemd5(Path es) {
    ProcessRunner.Result r = ProcessRunner.command(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin",
        "-f", "h264", "-i", es.toString(), "-map", "0:v:0", "-f", "framemd5", "-")).environment(RealFfmpeg.tools().environment())
        .collectStdout().quitOnCancel(false).run();
    assertThat(r.stderrTail()).as("decoder messages").isEmpty();
    List<String> out = new ArrayList<>();
    for (String line : r.stdout().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      String[] f = line.split(",");
      out.add(f[f.length - 1].strip());
    }
    return out;
  }

  private static void writeParameterSets(byte[] avcC, ByteArrayOutputStream out) {
    int off = 6;
    int len = (avcC[off] & 0xFF) << 8 | (avcC[off + 1] & 0xFF);
    out.writeBytes(new byte[] {0, 0, 0, 1});
    out.write(avcC, off + 2, len);
    off += 2 + len + 1;
    len = (avcC[off] & 0xFF) << 8 | (avcC[off + 1] & 0xFF);
    out.writeBytes(new byte[] {0, 0, 0, 1});
    out.write(avcC, off + 2, len);
  }

  private static void toAnnexB(byte[] au, int lengthSize, ByteArrayOutputStream out) {
    int off = 0;
    while (off < au.length) {
      int len = 0;
      for (int i = 0; i < lengthSize; i++) len = len << 8 | (au[off + i] & 0xFF);
      out.writeBytes(new byte[] {0, 0, 0, 1});
      out.write(au, off + lengthSize, len);
      off += lengthSize + len;
    }
  }
}
