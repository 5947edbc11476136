package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A two-hour-sized master (200,000 packets) from a fake ffprobe: the packet list streams through line by line and the
 * analysis stays linear. Also the hex dump of {@code -show_data}.
 */
@DisabledOnOs(OS.WINDOWS)
class FfprobeProberScaleTest {

  @TempDir Path tmp;

  /** A length-prefixed H.264 access unit: SPS then an IDR slice (see PictureClassifierTest for the bits). */
  private static final byte[] IDR_PACKET = {
      0, 0, 0, 6, 0x67, 0x42, 0x00, 0x1E, (byte) 0x8D, 0x68,
      0, 0, 0, 5, 0x65, (byte) 0x88, (byte) 0x80, 0x12, 0x34};

  @Test
  void twoHundredThousandPacketsWithAKeyframeEverySecond() throws IOException {
    Path dir = TestPaths.awkwardDir(tmp);
    // every packet points at the one IDR access unit at offset 0 (only keyframes and a sample of others are read)
    Path master = Files.write(dir.resolve("two hours.mp4"), IDR_PACKET);
    Files.writeString(dir.resolve("streams.json"), """
        {"streams": [{"index": 0, "codec_name": "h264", "profile": "High", "codec_type": "video", "codec_tag_string": "avc1",
          "width": 1920, "height": 1080, "pix_fmt": "yuv420p", "level": 40, "time_base": "1/12288",
          "r_frame_rate": "24/1", "avg_frame_rate": "24/1", "nb_frames": "200000",
          "extradata": "\\n00000000: 0164 001f ffe1 0004 6764 001f            .d......gd..\\n",
          "disposition": {"default": 1, "attached_pic": 0}}],
         "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "format_long_name": "QuickTime / MOV", "duration": "8333.333333",
          "size": "19", "bit_rate": "1"}}
        """);
    TestPaths.script(dir, "ffmpeg", "echo 'ffmpeg version fake'");
    TestPaths.script(dir, "ffprobe", """
        case " $* " in
          *" -version "*) echo 'ffprobe version fake' ;;
          *" -show_streams "*) cat "$(dirname "$0")/streams.json" ;;
          *" -show_entries "*) awk 'BEGIN { for (i = 0; i < 200000; i++) printf "pts=%d|dts=%d|duration=512|size=%d|pos=0|flags=%s\\n", i*512, i*512, 19, (i%24==0 ? "K__" : "___") }' ;;
          *) exit 1 ;;
        esac
        """);
    FfprobeProber prober = new FfprobeProber(FfmpegTools.of(dir.resolve("ffmpeg"), dir.resolve("ffprobe")));

    long start = System.nanoTime();
    MediaProbe p = prober.probeMedia(master);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(p.frameCount()).isEqualTo(200_000);
    assertThat(p.packets().packetCount()).isEqualTo(200_000);
    assertThat(p.accessPoints()).hasSize(8334).allSatisfy(a -> {
      assertThat(a.frame() % 24).isZero();
      assertThat(a.kind()).isEqualTo(AccessPoint.Kind.IDR);
      assertThat(a.isClosed()).isTrue();
    });
    assertThat(p.masterFacts().randomAccessPoints()).hasSize(8334);
    assertThat(took).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void hexDumpOfShowData() {
    String dump = "\n00000000: 014d 400d ffe1 0018 674d 400d eca0 a0fd  .M@.....gM@.....\n"
        + "00000010: 8088 0000 0300 0800 0003 0180 78a1 4cb0  ............x.L.\n"
        + "00000020: 0100 0468 ce0f c8                        ...h...\n";

    byte[] b = FfprobeProber.hexDump(dump);

    assertThat(b).hasSize(39);
    assertThat(b[0]).isEqualTo((byte) 0x01);
    assertThat(b[4]).isEqualTo((byte) 0xFF);
    assertThat(b[38]).isEqualTo((byte) 0xC8);
  }
}
