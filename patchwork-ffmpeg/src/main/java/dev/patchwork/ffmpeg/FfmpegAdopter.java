package dev.patchwork.ffmpeg;

import dev.patchwork.PatchListener;
import dev.patchwork.PatchworkException;
import dev.patchwork.ToolFailedException;
import dev.patchwork.UnsupportedMasterException;
import dev.patchwork.ValidationException;
import dev.patchwork.ffmpeg.internal.Cancellation;
import dev.patchwork.ffmpeg.internal.ContentHasher;
import dev.patchwork.ffmpeg.internal.EncoderSei;
import dev.patchwork.ffmpeg.internal.PictureClassifier.Codec;
import dev.patchwork.ffmpeg.internal.PictureClassifier.PacketBytes;
import dev.patchwork.ffmpeg.internal.ProcessRunner;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.SidecarPaths;
import dev.patchwork.sidecar.Sidecars;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adopts a master Patchwork did not render: probes it ({@link FfprobeProber}, no decoding), infers how it was
 * encoded, hashes its content and writes its sidecar.
 *
 * <ul>
 *   <li><b>Stream facts</b> from ffprobe (container, codec, profile, level, pixel format, colour, SAR, field order —
 *       read from the SPS/VUI and the container), the bit rate (the container's, else measured from the packet
 *       sizes), frame count, frame rate and start timecode.
 *   <li><b>Encoder settings</b>: x264 and x265 write their option string into a SEI message of the first access unit
 *       ({@code x264 - core 164 … options: cabac=1 ref=3 …}); it is read from the file and kept whole. Other encoders
 *       are recorded as the file names them (encoder tags), without options.
 *   <li><b>Content</b>: the file is split into the header, one region per GOP (for intra-only masters, per second of
 *       frames) and the trailer ({@code docs/sidecar.md}), and hashed in <em>one</em> sequential read: the whole file,
 *       each region's bytes, and each GOP's video packet payloads, with memory bounded by a few MiB of buffers and a
 *       few numbers per region. Containers whose packets cannot be located in the file (MPEG-TS) take one more read of
 *       the video packets through ffmpeg for the payload hashes.
 * </ul>
 *
 * Progress goes to the {@link PatchListener} ({@code message} for each step, {@code progress(null, bytes, total)} while
 * hashing), on the calling thread. Interrupting the calling thread stops the work with a
 * {@link dev.patchwork.CancelledException}. Thread-safe.
 */
public final class FfmpegAdopter {

  private static final Logger log = LoggerFactory.getLogger(FfmpegAdopter.class);
  private static final HexFormat HEX = HexFormat.of();
  /** Bytes of the first video packet searched for the encoder's SEI. */
  private static final int SEI_SEARCH_BYTES = 256 * 1024;

  private final FfprobeProber prober;

  /** Locates ffmpeg with {@link FfmpegTools#locate()} when first needed. */
  public FfmpegAdopter() {
    this(new FfprobeProber());
  }

  public FfmpegAdopter(FfmpegTools tools) {
    this(new FfprobeProber(tools));
  }

  public FfmpegAdopter(FfprobeProber prober) {
    this.prober = Objects.requireNonNull(prober, "prober");
  }

  /**
   * Adopts {@code master}: builds its sidecar and writes it atomically to {@code sidecar} (or, when {@code null},
   * {@code <master file name>.patchwork.toml} beside it). Nothing is written unless everything succeeded.
   *
   * @param force replace a sidecar that exists (erasing its history); without it an existing sidecar is refused
   * @throws ValidationException        if the sidecar exists and {@code force} is off, if it would be the master
   *                                    itself, or if the master is missing, not media, truncated or damaged
   * @throws UnsupportedMasterException if the master cannot be patched safely (see {@link FfprobeProber#probeMedia})
   */
  public AdoptResult adopt(Path master, Path sidecar, boolean force, PatchListener listener) {
    Objects.requireNonNull(master, "master");
    Path target = sidecar != null ? sidecar : SidecarPaths.defaultFor(master);
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    checkTarget(master, target, force);
    AdoptResult described = describe(master, l);
    checkTarget(master, target, force); // it may have appeared while the master was hashed
    l.message("writing " + target);
    Sidecars.write(described.sidecar(), target);
    return new AdoptResult(described.sidecar(), Optional.of(target), described.hashing());
  }

  /**
   * Builds the sidecar {@code master} earns, writing nothing.
   *
   * @throws ValidationException        if the master is missing, not media, truncated, damaged, or changes while read
   * @throws UnsupportedMasterException if it cannot be patched safely or indexed by GOP
   */
  public AdoptResult describe(Path master, PatchListener listener) {
    Objects.requireNonNull(master, "master");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    l.message("probing " + master.getFileName());
    return describe(prober.probeMedia(master), l);
  }

  /** Builds the sidecar of an already probed master (for example a patched output), writing nothing. */
  public AdoptResult describe(MediaProbe probe, PatchListener listener) {
    Objects.requireNonNull(probe, "probe");
    PatchListener l = PatchListener.safe(Objects.requireNonNull(listener, "listener"));
    Path master = probe.path();
    String where = master.toString();
    long size = size(master);
    if (probe.sizeBytes() >= 0 && probe.sizeBytes() != size) {
      throw new ValidationException(where, "the file has changed since it was probed (" + probe.sizeBytes() + " bytes, now " + size
          + "); probe it again");
    }
    Codec codec = Codec.of(probe.video().codecName());

    ContentLayout layout;
    EncoderSei.Info sei;
    try (FilePackets file = new FilePackets(master, probe.formatName())) {
      PacketIndex index = probe.packets();
      int last = index.packetCount() - 1;
      long lastPos = index.position(last);
      long lastStart = file.payloadStart(lastPos, index.byteSize(last));
      // where the last payload ends; where it cannot be located (MPEG-TS), at least past the packet's position
      long lastEnd = lastStart >= 0 ? lastStart + index.byteSize(last) : lastPos < 0 ? -1 : Math.min(size, lastPos + index.byteSize(last));
      layout = ContentLayout.of(probe, size, lastEnd);
      sei = codec == null || codec == Codec.MPEG2 ? null : encoderSei(probe, file, codec);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + master, e);
    }

    l.message("hashing " + master.getFileName() + " (" + bytesText(size) + ")");
    ContentHasher.Result hashed;
    PayloadRanges payloads;
    try (FilePackets file = new FilePackets(master, probe.formatName())) {
      payloads = PayloadRanges.inFile(probe.packets(), layout.firstPacket, layout.bounds, file);
      hashed = ContentHasher.hash(master, layout.bounds, payloads, (done, total) -> l.progress(null, done, total), Cancellation.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + master, e);
    }
    if (hashed.bytesRead() != size || size(master) != size) {
      throw new ValidationException(where, "the file changed while it was read (" + size + " bytes, then " + hashed.bytesRead()
          + "); adopt it once it is complete");
    }
    String[] videoSha = new String[layout.regionCount()];
    if (payloads.gaveUp()) {
      log.debug("{}: video packets cannot be located in the file ({}); hashing them through ffmpeg", master, payloads.reason());
      l.message("hashing the video packets of " + master.getFileName() + " through ffmpeg");
      videoSha = streamedVideoHashes(probe, layout);
    } else {
      for (int r = 0; r < videoSha.length; r++) videoSha[r] = hashed.rangeSha256()[ContentLayout.spanOf(r)];
    }

    List<Region> regions = new ArrayList<>(layout.regionCount());
    for (int r = 0; r < layout.regionCount(); r++) {
      int span = ContentLayout.spanOf(r);
      long offset = layout.bounds[span];
      regions.add(Region.gop(layout.startFrame[r], layout.startFrame[r + 1] - layout.startFrame[r], layout.leading[r], offset,
          layout.bounds[span + 1] - offset, hashed.spanSha256()[span], Objects.requireNonNull(videoSha[r], "video hash")));
    }
    int trailer = layout.regionCount() + 1;
    ContentIndex content = new ContentIndex(Region.header(layout.bounds[1], hashed.spanSha256()[0]), regions,
        Region.trailer(layout.bounds[trailer], layout.bounds[trailer + 1] - layout.bounds[trailer], hashed.spanSha256()[trailer]));

    MasterInfo info = new MasterInfo(master.getFileName().toString(), size, hashed.fileSha256(), SidecarFacts.container(probe),
        probe.frameCount(), probe.frameRate(), probe.startTimecode());
    Sidecar sidecar = new Sidecar(info, SidecarFacts.video(probe, sei), SidecarFacts.audio(probe), SidecarFacts.encoder(probe, sei),
        RenderOrigin.ffmpeg(), content, List.of());
    HashStats stats = new HashStats(hashed.bytesRead(), hashed.elapsed());
    log.debug("{}: hashed {} bytes in {} ms ({} MB/s), {} regions", master, stats.bytes(), stats.elapsed().toMillis(),
        stats.bytesPerSecond() / 1_000_000, regions.size());
    return new AdoptResult(sidecar, Optional.empty(), stats);
  }

  // --- checks ----------------------------------------------------------------------------------------------

  private static void checkTarget(Path master, Path target, boolean force) {
    if (sameFile(master, target)) {
      throw new ValidationException(target.toString(), "is the master itself; a sidecar needs its own file");
    }
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new ValidationException(target.toString(), "its directory " + parent + " does not exist");
    }
    if (force || !Files.exists(target)) return;
    String loses;
    try {
      int n = Sidecars.read(target).history().size();
      loses = n == 0 ? "no patches yet" : n == 1 ? "1 patch" : n + " patches";
    } catch (PatchworkException e) {
      loses = "unreadable";
    }
    throw new ValidationException(target.toString(), "a sidecar already exists; adopting again would replace it and erase its "
        + "history (" + loses + "). Use --force to replace it");
  }

  private static boolean sameFile(Path a, Path b) {
    if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) return true;
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static long size(Path master) {
    try {
      return Files.size(master);
    } catch (IOException e) {
      throw new ValidationException(master.toString(), "cannot read the file: " + e.getMessage());
    }
  }

  // --- encoder SEI -----------------------------------------------------------------------------------------

  /**
   * x264/x265's report from the first video packet (read from the file, or through ffmpeg where it cannot be located),
   * else, for HEVC, from the stream's extradata (where ffmpeg's libx265 wrapper puts it).
   */
  private EncoderSei.Info encoderSei(MediaProbe probe, FilePackets file, Codec codec) throws IOException {
    PacketIndex index = probe.packets();
    int size = index.byteSize(0);
    PacketBytes p = file.layout() == FilePackets.Layout.OTHER ? null : file.packet(index.position(0), size);
    byte[] head;
    int n;
    if (p != null) {
      head = new byte[Math.min(size, SEI_SEARCH_BYTES)];
      n = 0;
      while (n < head.length) {
        int r = p.read(n, head, n, head.length - n);
        if (r <= 0) break;
        n += r;
      }
    } else {
      head = firstPacketThroughFfmpeg(probe, Math.min(size, SEI_SEARCH_BYTES));
      n = head.length;
    }
    EncoderSei.Info info = EncoderSei.find(codec, head, n, size);
    if (info == null && codec == Codec.HEVC) {
      info = EncoderSei.findInExtradata(codec, FfprobeProber.extradata(prober.tools(), probe.path(), probe.video().index()));
    }
    return info;
  }

  private byte[] firstPacketThroughFfmpeg(MediaProbe probe, int want) {
    FfmpegTools t = prober.tools();
    byte[] out = new byte[want];
    int[] got = new int[1];
    List<String> argv = List.of(t.ffmpeg().toString(), "-v", "error", "-nostdin", "-i", probe.path().toString(),
        "-map", "0:" + probe.video().index(), "-c", "copy", "-copyinkf", "-frames:v", "1", "-f", "data", "pipe:1");
    ProcessRunner.command(argv).environment(t.environment()).quitOnCancel(false).onStdout(in -> {
      got[0] = in.readNBytes(out, 0, want);
      in.transferTo(OutputStream.nullOutputStream());
    }).run();
    return Arrays.copyOf(out, got[0]);
  }

  // --- video payload hashes --------------------------------------------------------------------------------

  /** The regions' video hashes from the packets as {@code ffmpeg -c copy -f data} writes them: one more read. */
  private String[] streamedVideoHashes(MediaProbe probe, ContentLayout layout) {
    FfmpegTools t = prober.tools();
    PacketIndex index = probe.packets();
    String[] out = new String[layout.regionCount()];
    List<String> argv = List.of(t.ffmpeg().toString(), "-v", "error", "-nostdin", "-i", probe.path().toString(),
        "-map", "0:" + probe.video().index(), "-c", "copy", "-copyinkf", "-f", "data", "pipe:1");
    try {
      ProcessRunner.command(argv).environment(t.environment()).quitOnCancel(false).onStdout(in -> {
        byte[] buf = new byte[1 << 16];
        MessageDigest md = null;
        int region = -1;
        for (int i = 0; i < index.packetCount(); i++) {
          if (i >= layout.firstPacket[0]) {
            int r = region < 0 ? 0 : region;
            while (i >= layout.firstPacket[r + 1]) r++;
            if (r != region) {
              if (md != null) out[region] = HEX.formatHex(md.digest());
              md = sha256();
              region = r;
            }
          }
          long left = index.byteSize(i);
          while (left > 0) {
            int got = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (got < 0) throw streamMismatch(probe, i, "the stream ended early");
            if (md != null) md.update(buf, 0, got);
            left -= got;
          }
        }
        if (md != null) out[region] = HEX.formatHex(md.digest());
        if (in.read() >= 0) throw streamMismatch(probe, index.packetCount(), "ffmpeg wrote more bytes than ffprobe's packets hold");
      }).run();
    } catch (ToolFailedException e) {
      throw new ValidationException(probe.path().toString(), "ffmpeg cannot read the video packets: "
          + e.stderrTail().lines().reduce((a, b) -> b).orElse("exit code " + e.exitCode()), e);
    }
    return out;
  }

  private static UnsupportedMasterException streamMismatch(MediaProbe probe, int packet, String why) {
    return new UnsupportedMasterException(probe.path() + ": cannot read the video packets exactly (at packet " + packet + ": "
        + why + "); ffmpeg's and ffprobe's views of this file differ");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** {@code 1.2 GB}, {@code 340 MB}, {@code 12 KB}: decimal units, one decimal below 10. */
  static String bytesText(long bytes) {
    String[] units = {"bytes", "KB", "MB", "GB", "TB"};
    int u = 0;
    long scale = 1;
    while (u < units.length - 1 && bytes >= scale * 1000) {
      scale *= 1000;
      u++;
    }
    if (u == 0) return bytes + " bytes";
    long tenths = (bytes * 10 + scale / 2) / scale;
    return (tenths < 100 ? tenths / 10 + "." + tenths % 10 : Long.toString((tenths + 5) / 10)) + " " + units[u];
  }
}
