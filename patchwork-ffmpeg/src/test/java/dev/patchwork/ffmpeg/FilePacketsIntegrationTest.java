package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where each container's packet bytes lie relative to ffprobe's {@code pos}: the bytes {@link FilePackets} reads from
 * the file must equal the packet data ffprobe itself dumps ({@code -show_packets -show_data}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilePacketsIntegrationTest {

  @TempDir static Path tmp;
  Path dir;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @ParameterizedTest(name = "{0} in {1}")
  @CsvSource({
      "libx264, mp4, mov",
      "libx264, mov, mov",
      "libx264, mkv, matroska",
      "libx264, mxf, mxf",
      "libx265, mp4, mov",
      "libx265, mkv, matroska",
      "mpeg2video, mxf, mxf",
      "mpeg2video, mkv, matroska",
      "prores_ks, mov, mov",
      "dnxhd, mxf, mxf",
      "dnxhd, mov, mov"})
  void packetsLieAtFfprobesPositionAsTheLayoutSays(String encoder, String container, String layout) throws IOException {
    Path clip = clip(encoder, container);

    JsonNode packets = packetsWithData(clip);
    assertThat(FilePackets.layoutOf(format(clip))).hasToString(layout.toUpperCase(java.util.Locale.ROOT));
    try (FilePackets file = new FilePackets(clip, format(clip))) {
      for (JsonNode p : packets) {
        byte[] expected = FfprobeProber.hexDump(p.path("data").asText());
        PacketBytes read = file.packet(p.path("pos").asLong(), p.path("size").asInt());
        assertThat(read).as("packet at %s", p.path("pos").asText()).isNotNull();
        assertThat(read.size()).isEqualTo(expected.length);
        assertThat(bytes(read)).as("packet at %s", p.path("pos").asText()).isEqualTo(expected);
      }
    }
  }

  @Test
  void mpegTsPacketsAreNotContiguousAtTheirPosition() throws IOException {
    Path clip = clip("libx264", "ts");

    JsonNode first = packetsWithData(clip).get(0);
    try (FilePackets file = new FilePackets(clip, format(clip))) {
      PacketBytes read = file.packet(first.path("pos").asLong(), first.path("size").asInt());
      byte[] head = new byte[4];
      read.read(0, head, 0, 4);
      assertThat(head[0]).isEqualTo((byte) 0x47); // a transport packet's sync byte, not the start of the video packet
      assertThat(bytes(read)).isNotEqualTo(FfprobeProber.hexDump(first.path("data").asText()));
    }
  }

  private Path clip(String encoder, String container) {
    String name = encoder + "." + container;
    return switch (encoder) {
      case "libx264" -> RealFfmpeg.testClip(dir.resolve(name), "25", 12, "-c:v", "libx264", "-preset", "ultrafast",
          "-x264-params", "keyint=6:bframes=2", "-an");
      case "libx265" -> RealFfmpeg.testClip(dir.resolve(name), "25", 12, "-c:v", "libx265", "-preset", "ultrafast",
          "-x265-params", "keyint=6:min-keyint=6:log-level=error", "-an");
      case "mpeg2video" -> RealFfmpeg.testClip(dir.resolve(name), "25", 12, "-c:v", "mpeg2video", "-g", "6", "-bf", "2", "-an");
      case "prores_ks" -> RealFfmpeg.testClip(dir.resolve(name), "25", 4, "-c:v", "prores_ks", "-profile:v", "0", "-an");
      case "dnxhd" -> RealFfmpeg.testClip(dir.resolve(name), "25", 4, "-c:v", "dnxhd", "-profile:v", "dnxhr_sq", "-pix_fmt",
          "yuv422p", "-an");
      default -> throw new IllegalArgumentException(encoder);
    };
  }

  private static String format(Path clip) throws IOException {
    return new ObjectMapper().readTree(RealFfmpeg.ffprobe(clip, "-show_entries", "format=format_name", "-of", "json"))
        .path("format").path("format_name").asText();
  }

  private static JsonNode packetsWithData(Path clip) throws IOException {
    JsonNode packets = new ObjectMapper().readTree(RealFfmpeg.ffprobe(clip, "-select_streams", "v:0", "-show_packets", "-show_data",
        "-of", "json")).path("packets");
    assertThat(packets.size()).isPositive();
    return packets;
  }

  private static byte[] bytes(PacketBytes p) throws IOException {
    byte[] b = new byte[p.size()];
    int n = p.read(0, b, 0, b.length);
    return Arrays.copyOf(b, n);
  }
}
