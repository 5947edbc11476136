package dev.patchwork.internal.sidecar;

import dev.patchwork.ValidationException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The content index's structural rules, checked on the numbers alone so that the reader can check a
 * sidecar whose other fields are broken and report every problem at once.
 *
 * <p>Rules: the header starts at byte 0; the header, the regions and the trailer follow each other with
 * no gap and no overlap; the regions' frames start at 0 and follow each other; the first region has no
 * leading pictures. Against the master: the trailer ends at the master's size, the last region ends at its
 * frame count, and an intra-only master has no leading pictures.
 */
public final class ContentChecks {

  /** The numbers of one region. For the header and trailer, {@code start}, {@code frames} and {@code leading} are 0. */
  public record Shape(long start, long frames, long leading, long offset, long length) {
    long endOffset() {
      return offset + length;
    }

    long endFrame() {
      return start + frames;
    }
  }

  public static final String HEADER = "content.header";
  public static final String TRAILER = "content.trailer";
  public static final String REGIONS = "content.regions";

  private ContentChecks() {}

  public static String regionPath(int index) {
    return REGIONS + "[" + index + "]";
  }

  /**
   * The index's own rules. {@code header}, {@code trailer} and entries of {@code regions} may be
   * {@code null} where the reader could not read their numbers; checks that need them are skipped.
   */
  public static List<Problem> structure(Shape header, List<Shape> regions, Shape trailer) {
    List<Problem> problems = new ArrayList<>();
    if (header != null && header.offset() != 0) {
      problems.add(new Problem(HEADER, "starts at byte " + header.offset() + "; the header must start at byte 0"));
    }
    if (regions.isEmpty()) {
      problems.add(new Problem(REGIONS, "no regions; every master has at least one GOP"));
    }
    // Bytes: header, regions…, trailer tile the file.
    Shape previous = header;
    String previousName = "the header";
    for (int i = 0; i < regions.size(); i++) {
      Shape r = regions.get(i);
      if (r != null && previous != null) bytesFollow(problems, regionPath(i), r, previous, previousName);
      previous = r;
      previousName = "region " + i;
    }
    if (trailer != null && previous != null && !regions.isEmpty()) {
      bytesFollow(problems, TRAILER, trailer, previous, previousName);
    }
    // Frames: regions start at 0 and follow each other.
    for (int i = 0; i < regions.size(); i++) {
      Shape r = regions.get(i);
      if (r == null) continue;
      if (i == 0) {
        if (r.start() != 0) {
          problems.add(new Problem(regionPath(0) + ".start", "is " + r.start() + "; the first region must start at frame 0"));
        }
        if (r.leading() != 0) {
          problems.add(new Problem(regionPath(0) + ".leading", "is " + r.leading()
              + "; the first random-access point must be closed (no leading pictures)"));
        }
        continue;
      }
      Shape p = regions.get(i - 1);
      if (p == null) continue;
      if (r.start() < p.endFrame()) {
        problems.add(new Problem(regionPath(i), String.format(Locale.ROOT,
            "overlaps region %d by %d frames (starts at frame %d, region %d ends at frame %d)",
            i - 1, p.endFrame() - r.start(), r.start(), i - 1, p.endFrame())));
      } else if (r.start() > p.endFrame()) {
        problems.add(new Problem(regionPath(i), String.format(Locale.ROOT,
            "leaves %d frames uncovered after region %d (starts at frame %d, region %d ends at frame %d)",
            r.start() - p.endFrame(), i - 1, r.start(), i - 1, p.endFrame())));
      }
    }
    return problems;
  }

  /**
   * The index against the master. Any argument may be {@code null} where it could not be read; checks
   * that need it are skipped.
   */
  public static List<Problem> againstMaster(Long size, Long frameCount, Boolean intraOnly, List<Shape> regions, Shape trailer) {
    List<Problem> problems = new ArrayList<>();
    if (size != null && trailer != null && trailer.endOffset() != size) {
      problems.add(new Problem(TRAILER, "ends at byte " + trailer.endOffset() + " but master.size is " + size
          + "; the regions must cover the whole file"));
    }
    if (frameCount != null && !regions.isEmpty()) {
      Shape last = regions.get(regions.size() - 1);
      if (last != null && last.endFrame() != frameCount) {
        problems.add(new Problem(regionPath(regions.size() - 1), "ends at frame " + last.endFrame()
            + " but master.frame_count is " + frameCount + "; the regions must cover every frame"));
      }
    }
    if (Boolean.TRUE.equals(intraOnly)) {
      for (int i = 0; i < regions.size(); i++) {
        Shape r = regions.get(i);
        if (r != null && r.leading() != 0) {
          problems.add(new Problem(regionPath(i) + ".leading", "is " + r.leading()
              + " but video.gop.intra_only is true; intra-only frames have no leading pictures"));
        }
      }
    }
    return problems;
  }

  private static void bytesFollow(List<Problem> problems, String name, Shape r, Shape previous, String previousName) {
    long end = previous.endOffset();
    if (r.offset() < end) {
      problems.add(new Problem(name, String.format(Locale.ROOT,
          "overlaps %s by %d bytes (starts at byte %d, %s ends at byte %d)",
          previousName, end - r.offset(), r.offset(), previousName, end)));
    } else if (r.offset() > end) {
      problems.add(new Problem(name, String.format(Locale.ROOT,
          "leaves a gap of %d bytes after %s (starts at byte %d, %s ends at byte %d)",
          r.offset() - end, previousName, r.offset(), previousName, end)));
    }
  }
}
