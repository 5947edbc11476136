package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.Region;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The indexer's hashes against evidence it does not compute: each GOP region's {@code video_sha256} against the
 * SHA-256 of the same packets as ffmpeg's own demuxer hands them out ({@code -c copy -f data}, cut at the key-flagged
 * packets ffprobe lists), each span's {@code sha256} and the file's against the bytes read directly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContentIndexerTest {

  @TempDir static Path tmp;
  Path dir;

  @BeforeAll
  void setUp() throws IOException {
    dir = TestPaths.awkwardDir(tmp);
  }

  @ParameterizedTest
  @EnumSource(value = PatchMasters.class, names = {"H264_MOV_PCM_TMCD", "H264_MKV", "MPEG2_MXF", "HEVC_MP4"})
  void regionHashesAreThoseOfTheDemuxedPacketsAndTheFileBytes(PatchMasters kind) throws Exception {
    Path master = kind.master(dir);
    MediaProbe probe = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);

    ContentIndexer.Indexed indexed = ContentIndexer.index(probe, new TreeSet<>());

    byte[] file = Files.readAllBytes(master);
    assertThat(indexed.size()).isEqualTo(file.length);
    assertThat(indexed.sha256()).isEqualTo(sha256(file, 0, file.length));
    ContentIndex index = indexed.index();
    for (Region r : index.all()) {
      assertThat(r.sha256()).as("span %s", r).isEqualTo(sha256(file, r.offset(), r.length()));
    }
    // independent: ffmpeg's demuxed payloads, cut into GOPs at the packets ffprobe flags as key frames
    List<RealFfmpeg.Packet> packets = RealFfmpeg.videoPackets(master);
    byte[] data = demuxedVideo(master);
    assertThat(data.length).isEqualTo(packets.stream().mapToInt(RealFfmpeg.Packet::size).sum());
    List<String> gopHashes = new ArrayList<>();
    int offset = 0;
    int start = 0;
    for (int i = 0; i <= packets.size(); i++) {
      if (i == packets.size() || (packets.get(i).key() && i > 0)) {
        gopHashes.add(sha256(data, start, offset - start));
        start = offset;
      }
      if (i < packets.size()) offset += packets.get(i).size();
    }
    assertThat(index.regions()).extracting(Region::videoSha256).containsExactlyElementsOf(gopHashes);
  }

  @ParameterizedTest
  @EnumSource(value = PatchMasters.class, names = {"PRORES_MOV", "DNXHR_MXF"})
  void intraOnlyFilesAreCutIntoTheRunsAsked(PatchMasters kind) throws Exception {
    Path master = kind.master(dir);
    MediaProbe probe = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);

    ContentIndex index = ContentIndexer.index(probe, new TreeSet<>(List.of(0L, 25L, 40L, 41L, 75L))).index();

    assertThat(index.regions()).extracting(Region::start).containsExactly(0L, 25L, 40L, 41L, 75L);
    assertThat(index.regions()).extracting(Region::frames).containsExactly(25L, 15L, 1L, 34L, 25L);
    List<RealFfmpeg.Packet> packets = RealFfmpeg.videoPackets(master);
    byte[] data = demuxedVideo(master);
    int[] cuts = {0, 25, 40, 41, 75, packets.size()};
    for (int i = 0; i + 1 < cuts.length; i++) {
      int from = packets.subList(0, cuts[i]).stream().mapToInt(RealFfmpeg.Packet::size).sum();
      int len = packets.subList(cuts[i], cuts[i + 1]).stream().mapToInt(RealFfmpeg.Packet::size).sum();
      assertThat(index.regions().get(i).videoSha256()).isEqualTo(sha256(data, from, len));
    }
  }

  private static byte[] demuxedVideo(Path media) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProcessRunner.command(List.of(RealFfmpeg.tools().ffmpeg().toString(), "-v", "error", "-nostdin", "-i", media.toString(), "-map",
        "0:v:0", "-c", "copy", "-f", "data", "-")).environment(RealFfmpeg.tools().environment()).quitOnCancel(false)
        .onStdout(in -> in.transferTo(out)).run();
    return out.toByteArray();
  }

  private static String sha256(byte[] b, long from, long len) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(Arrays.copyOfRange(b, (int) from, (int) (from + len)));
    return HexFormat.of().formatHex(d.digest());
  }
}
