package dev.patchwork.ffmpeg;

import dev.patchwork.sidecar.AudioStream;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.Sidecars;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.VideoStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Sidecars for generated test masters, written the way {@code adopt} would: probe, then index the content (one
 * region per GOP, or one-second runs for intra-only masters).
 */
final class TestSidecars {

  private TestSidecars() {}

  /** Probes and indexes {@code master} and writes its sidecar beside it. */
  static Sidecar adopt(Path master, String container) {
    MediaProbe p = new FfprobeProber(RealFfmpeg.tools()).probeMedia(master);
    SortedSet<Long> runs = new TreeSet<>();
    long second = Math.max(1, p.frameRate().numerator() / p.frameRate().denominator());
    for (long f = 0; f < p.frameCount(); f += second) runs.add(f);
    ContentIndexer.Indexed idx = ContentIndexer.index(p, runs);
    dev.patchwork.ffmpeg.VideoStream v = p.video();
    VideoStream video = new VideoStream(v.codecName(), v.profile(), null, v.pixFmt(), v.width(), v.height(), null, null, null, null,
        p.intraOnly() ? GopStructure.intra() : SidecarFacts.gop(p, null));
    List<AudioStream> audio = new ArrayList<>();
    for (dev.patchwork.ffmpeg.AudioStream a : p.audioStreams()) {
      audio.add(new AudioStream(a.codecName(), a.sampleRate(), a.channels(), a.channelLayout(), null, a.bitRate() > 0 ? a.bitRate() : null));
    }
    Sidecar sc = new Sidecar(new MasterInfo(master.getFileName().toString(), idx.size(), idx.sha256(), container, p.frameCount(),
        p.frameRate(), p.startTimecode()), video, audio, new Encoder("ffmpeg", null, null, null), RenderOrigin.ffmpeg(), idx.index(),
        List.of());
    Sidecars.write(sc, SidecarPaths.defaultFor(master));
    return sc;
  }
}
