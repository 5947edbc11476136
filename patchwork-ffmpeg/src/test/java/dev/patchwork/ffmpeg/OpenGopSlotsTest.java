package dev.patchwork.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.patchwork.PatchResult;
import dev.patchwork.Patchwork;
import dev.patchwork.change.Change;
import dev.patchwork.plan.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * x264 open GOPs where the RENDER is nothing but the leading pictures of the kept I picture: the slotted file starts
 * with a kept packet (the I picture) and every re-rendered frame is decoded after it.
 */
class OpenGopSlotsTest {

  @TempDir Path tmp;

  @Test
  void aChangeOfJustTheLeadingPicturesSplicesIntoTheirSlots() throws IOException {
    PatchMasters kind = PatchMasters.H264_OPEN_GOP_MP4;
    Path dir = TestPaths.awkwardDir(tmp);
    Path master = kind.master(dir);
    TestSidecars.adopt(master, kind.container);
    MediaProbe probe = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);
    AccessPoint point = probe.accessPoints().stream().skip(1)
        .filter(a -> a.kind() == AccessPoint.Kind.RECOVERY_POINT && a.lead() > 0).findFirst().orElseThrow();
    Path work = Files.createDirectories(dir.resolve("leading only"));
    SourceRenderer renderer = new SourceRenderer(kind.source(dir), kind.videoArgs, kind.hasAudio(), work);

    PatchResult result = Patchwork.forMaster(master).renderer(renderer).engine(new FfmpegPatchEngine(RealFfmpeg.tools()))
        .output(work.resolve("Patched leading.mp4")).patch(List.of(Change.of(point.leading().start(), point.lead())));

    assertThat(result.plan().renderSegments()).containsExactly(Segment.render(point.leading().start(), point.lead()));
    FfmpegPatchEngineIntegrationTest.assertEvidence(kind, master, result.output(), result.plan(), renderer);
  }
}
