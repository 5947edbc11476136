package dev.patchwork.sidecar;

import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Sidecars and hashes for tests. */
final class TestSidecars {

  static final String EXAMPLE = "example.patchwork.toml";

  private TestSidecars() {}

  static String resource(String name) {
    try (InputStream in = TestSidecars.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("no test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(byte[] bytes, int from, int to) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, from, to - from);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A stand-in hash: SHA-256 of {@code seed}. */
  static String hash(String seed) {
    byte[] b = seed.getBytes(StandardCharsets.UTF_8);
    return sha256(b, 0, b.length);
  }

  static MasterInfo master(long size, long frameCount, FrameRate rate, Timecode start) {
    return new MasterInfo("m.mov", size, hash("master"), "mov", frameCount, rate, start);
  }

  static VideoStream h264() {
    return new VideoStream("h264", "High", "4.1", "yuv420p", 1920, 1080, "1:1", "progressive", 20_000_000L,
        new ColorInfo("bt709", "bt709", "bt709", "tv"), GopStructure.longGop(48, 2, true));
  }

  /**
   * A long-GOP sidecar of {@code gops} closed GOPs of {@code gopFrames} frames, each {@code gopBytes}
   * bytes, after a {@code headerBytes} header and before a {@code trailerBytes} trailer. Hashes are stand-ins.
   */
  static Sidecar closedGops(int gops, int gopFrames, long headerBytes, long gopBytes, long trailerBytes) {
    List<Region> regions = new ArrayList<>(gops);
    for (int i = 0; i < gops; i++) {
      regions.add(Region.gop((long) i * gopFrames, gopFrames, 0, headerBytes + i * gopBytes, gopBytes,
          hash("gop " + i), hash("video " + i)));
    }
    long trailerOffset = headerBytes + gops * gopBytes;
    ContentIndex content = new ContentIndex(Region.header(headerBytes, hash("header")), regions,
        Region.trailer(trailerOffset, trailerBytes, hash("trailer")));
    FrameRate rate = FrameRate.FPS_23_976;
    return new Sidecar(master(trailerOffset + trailerBytes, (long) gops * gopFrames, rate, Timecode.parse("01:00:00:00", rate)),
        h264(), List.of(new AudioStream("pcm_s24le", 48000, 2, "stereo", 24, null)),
        new Encoder("ffmpeg", "7.1", "libx264", "crf=18"), RenderOrigin.ffmpeg(), content, List.of());
  }
}
