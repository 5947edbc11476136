package dev.patchwork.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code verify} will do, on a real file: hash every region, change one byte, hash again. Exactly
 * one region's hash must change, and {@link Sidecar#regionAt} must name that region.
 */
class DamageLocationTest {

  @Test
  void anySingleChangedByteChangesExactlyTheRegionThatRegionAtNames(@TempDir Path dir) throws Exception {
    Random random = new Random(20250314);
    int header = 700;
    int trailer = 333;
    int gops = 12;
    int[] lengths = new int[gops];
    int size = header + trailer;
    for (int i = 0; i < gops; i++) size += lengths[i] = 2000 + random.nextInt(3000);
    byte[] master = new byte[size];
    random.nextBytes(master);

    List<Region> regions = new ArrayList<>();
    int offset = header;
    for (int i = 0; i < gops; i++) {
      regions.add(Region.gop(i * 24L, 24, 0, offset, lengths[i], TestSidecars.sha256(master, offset, offset + lengths[i]),
          TestSidecars.hash("video " + i)));
      offset += lengths[i];
    }
    FrameRate rate = FrameRate.FPS_24;
    Sidecar sidecar = new Sidecar(
        new MasterInfo("Été 😀.mov", size, TestSidecars.sha256(master, 0, size), "mov", gops * 24L, rate, Timecode.parse("01:00:00:00", rate)),
        TestSidecars.h264(), List.of(), new Encoder("ffmpeg", null, null, null), RenderOrigin.ffmpeg(),
        new ContentIndex(Region.header(header, TestSidecars.sha256(master, 0, header)), regions,
            Region.trailer(offset, trailer, TestSidecars.sha256(master, offset, size))), List.of());
    Path media = Files.write(dir.resolve("Été 😀.mov"), master);
    Sidecars.write(sidecar, SidecarPaths.defaultFor(media));
    Sidecar read = Sidecars.read(SidecarPaths.defaultFor(media));

    List<Integer> positions = new ArrayList<>(List.of(0, header - 1, header, size - trailer - 1, size - trailer, size - 1));
    for (int i = 0; i < 40; i++) positions.add(random.nextInt(size));
    for (int position : positions) {
      byte[] damaged = master.clone();
      damaged[position] ^= (byte) (1 << random.nextInt(8));

      List<Region> changed = new ArrayList<>();
      for (Region r : read.content().all()) {
        String now = TestSidecars.sha256(damaged, (int) r.offset(), (int) r.endOffset());
        if (!now.equals(r.sha256())) changed.add(r);
      }

      assertThat(changed).as("byte %d", position).hasSize(1);
      assertThat(read.regionAt(position)).as("byte %d", position).contains(changed.get(0));
    }
    // A byte in GOP 5 is named with its frames and timecodes (GOP 5 holds frames 120-143: 01:00:05:00-01:00:05:23).
    Region fifth = read.content().regions().get(5);
    assertThat(read.describe(read.regionAt(fifth.offset() + 1).orElseThrow()))
        .startsWith("content.regions[5]: frames 120-143 (01:00:05:00-01:00:05:23), bytes " + fifth.offset() + "-");
  }
}
