package dev.patchwork.sidecar;

import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.internal.sidecar.ContentChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The master's content hashes and random-access index: the sidecar's {@code [content]} table. The
 * header, the GOP regions in file order and the trailer tile the file's bytes {@code [0, size)} with no
 * gap and no overlap, and the GOP regions' frames tile {@code [0, frameCount)}; the first region's
 * random-access point is closed. Any single changed byte changes exactly one region's SHA-256, which
 * names the damaged frames.
 *
 * @param header  bytes before the first GOP; starts at byte 0
 * @param regions one region per GOP (per run of frames for intra-only masters), in file order; at least one
 * @param trailer bytes after the last GOP, up to the end of the file
 */
public record ContentIndex(Region header, List<Region> regions, Region trailer) {

  /**
   * @throws ValidationException listing every way the regions fail to tile the file and the frames, each
   *     with its path ({@code content.regions[3]})
   */
  public ContentIndex {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(trailer, "trailer");
    regions = List.copyOf(regions);
    if (header.kind() != Region.Kind.HEADER) throw new IllegalArgumentException("header is a " + header.kind() + " region");
    if (trailer.kind() != Region.Kind.TRAILER) throw new IllegalArgumentException("trailer is a " + trailer.kind() + " region");
    for (Region r : regions) {
      if (r.kind() != Region.Kind.GOP) throw new IllegalArgumentException("regions holds a " + r.kind() + " region");
    }
    List<Problem> problems = ContentChecks.structure(shape(header), shapes(regions), shape(trailer));
    if (!problems.isEmpty()) throw new ValidationException(problems);
  }

  /** The size of the file the index covers: where the trailer ends. */
  public long fileSize() {
    return trailer.endOffset();
  }

  /** Frames covered by the GOP regions: where the last one ends. */
  public long frameCount() {
    Region last = regions.get(regions.size() - 1);
    return last.start() + last.frames();
  }

  /** The header, every GOP region and the trailer, in file order. */
  public List<Region> all() {
    List<Region> all = new ArrayList<>(regions.size() + 2);
    all.add(header);
    all.addAll(regions);
    all.add(trailer);
    return List.copyOf(all);
  }

  /** The region holding byte {@code byteOffset}, or empty if it lies outside the file. */
  public Optional<Region> regionAt(long byteOffset) {
    if (byteOffset < 0 || byteOffset >= fileSize()) return Optional.empty();
    if (header.containsByte(byteOffset)) return Optional.of(header);
    if (trailer.containsByte(byteOffset)) return Optional.of(trailer);
    int lo = 0, hi = regions.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Region r = regions.get(mid);
      if (byteOffset < r.offset()) hi = mid - 1;
      else if (byteOffset >= r.endOffset()) lo = mid + 1;
      else return Optional.of(r);
    }
    throw new AssertionError("regions tile the file, but no region holds byte " + byteOffset);
  }

  /** The GOP region whose display frames include {@code frame}, or empty if it lies outside the master. */
  public Optional<Region> regionForFrame(long frame) {
    int i = indexForFrame(frame);
    return i < 0 ? Optional.empty() : Optional.of(regions.get(i));
  }

  /**
   * Where {@code region} is, as a sidecar path: {@code content.header}, {@code content.regions[12]} or
   * {@code content.trailer}.
   *
   * @throws IllegalArgumentException if the region is not one of this index's
   */
  public String pathOf(Region region) {
    if (region.equals(header)) return ContentChecks.HEADER;
    if (region.equals(trailer)) return ContentChecks.TRAILER;
    int i = region.kind() == Region.Kind.GOP ? indexForFrame(region.start()) : -1;
    if (i >= 0 && regions.get(i).equals(region)) return ContentChecks.regionPath(i);
    throw new IllegalArgumentException("not a region of this index: " + region);
  }

  private int indexForFrame(long frame) {
    int lo = 0, hi = regions.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Region r = regions.get(mid);
      if (frame < r.start()) hi = mid - 1;
      else if (frame >= r.start() + r.frames()) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  static ContentChecks.Shape shape(Region r) {
    return new ContentChecks.Shape(r.start(), r.frames(), r.leading(), r.offset(), r.length());
  }

  static List<ContentChecks.Shape> shapes(List<Region> regions) {
    List<ContentChecks.Shape> shapes = new ArrayList<>(regions.size());
    for (Region r : regions) shapes.add(shape(r));
    return shapes;
  }
}
