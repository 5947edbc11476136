package dev.patchwork.sidecar;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.internal.sidecar.ContentChecks;
import dev.patchwork.plan.MasterFacts;
import dev.patchwork.plan.RandomAccessPoint;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything Patchwork keeps about a master, in the TOML file that travels beside it
 * ({@code <media file name>.patchwork.toml}; see {@link SidecarPaths}, {@link Sidecars} and
 * {@code docs/sidecar.md}). Immutable; a sidecar that exists is valid.
 *
 * @param master  the file as a whole ({@code [master]})
 * @param video   its video stream ({@code [video]})
 * @param audio   its audio streams in file order ({@code [[audio]]}); may be empty
 * @param encoder what encoded the video ({@code [encoder]})
 * @param origin  what renders patches ({@code [origin]})
 * @param content content hashes and the random-access index ({@code [content]})
 * @param history patches applied, oldest first ({@code [[history]]}); may be empty
 */
public record Sidecar(
    MasterInfo master,
    VideoStream video,
    List<AudioStream> audio,
    Encoder encoder,
    RenderOrigin origin,
    ContentIndex content,
    List<HistoryEntry> history) {

  /** The schema version this Patchwork reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * @throws ValidationException listing every way the content index disagrees with the master (size,
   *     frame count, leading pictures in an intra-only master), each with its path
   */
  public Sidecar {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(video, "video");
    Objects.requireNonNull(encoder, "encoder");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(content, "content");
    audio = List.copyOf(audio);
    history = List.copyOf(history);
    List<Problem> problems = ContentChecks.againstMaster(master.size(), master.frameCount(), video.gop().intraOnly(),
        ContentIndex.shapes(content.regions()), ContentIndex.shape(content.trailer()));
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  /** This sidecar with {@code entry} appended to its history. */
  public Sidecar withHistoryEntry(HistoryEntry entry) {
    Objects.requireNonNull(entry, "entry");
    List<HistoryEntry> h = new ArrayList<>(history);
    h.add(entry);
    return new Sidecar(master, video, audio, encoder, origin, content, h);
  }

  /**
   * What the planner needs, from the sidecar alone: frame count, rate, start timecode, and for a long-GOP
   * master every random-access point with its leading pictures (one per GOP region).
   */
  public MasterFacts masterFacts() {
    if (video.gop().intraOnly()) {
      return MasterFacts.intra(master.frameCount(), master.frameRate(), master.startTimecode());
    }
    List<RandomAccessPoint> points = new ArrayList<>(content.regions().size());
    for (Region r : content.regions()) {
      points.add(new RandomAccessPoint(r.randomAccessFrame(), FrameRange.of(r.start(), r.randomAccessFrame())));
    }
    return new MasterFacts(master.frameCount(), master.frameRate(), master.startTimecode(), false, points);
  }

  /** The region holding byte {@code byteOffset} of the master, or empty if it lies outside the file. */
  public Optional<Region> regionAt(long byteOffset) {
    return content.regionAt(byteOffset);
  }

  /** The timecode of master frame {@code frame} (0 is the start timecode). */
  public Timecode timecodeAt(long frame) {
    if (frame < 0) throw new IllegalArgumentException("frame < 0: " + frame);
    return master.startTimecode().plus(frame);
  }

  /**
   * {@code region} in words for people, naming its frames and timecodes, e.g.
   * {@code "content.regions[3]: frames 144-191 (01:00:06:00-01:00:07:23), bytes 1048576-2097151"}, or
   * {@code "content.header: bytes 0-4095, before the first frame"}.
   */
  public String describe(Region region) {
    String path = content.pathOf(region);
    String bytes = region.length() == 0 ? "no bytes (at byte " + region.offset() + ")"
        : "bytes " + region.offset() + "-" + (region.endOffset() - 1);
    return switch (region.kind()) {
      case HEADER -> path + ": " + bytes + ", before the first frame";
      case TRAILER -> path + ": " + bytes + ", after the last frame";
      case GOP -> {
        long last = region.start() + region.frames() - 1;
        yield String.format(Locale.ROOT, "%s: frames %d-%d (%s-%s), bytes %d-%d", path, region.start(), last,
            timecodeAt(region.start()), timecodeAt(last), region.offset(), region.endOffset() - 1);
      }
    };
  }
}
