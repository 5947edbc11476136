package dev.patchwork.change;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the markers of an OpenTimelineIO timeline (JSON, {@code "OTIO_SCHEMA": "Timeline.1"}), as Resolve 18.5+
 * exports it (File > Export > Timeline, .otio).
 *
 * <p>Markers are read from the timeline's top-level {@code tracks} Stack and from each {@code Track} in it; markers on
 * clips are not read (they live in the clip's media time). A marker is {@code Marker.2} (colour a name such as
 * {@code "BLUE"}) or {@code Marker.3} (colour a {@code Color.1} object whose {@code name} is used; an unnamed colour
 * object gives no colour), with {@code marked_range} of {@code RationalTime {value, rate}} ({@code range} in old
 * {@code Marker.1}). The note is {@code comment}, or else Resolve's {@code metadata.Resolve_OTIO.Note}. An all-capitals
 * colour name is written in title case ({@code BLUE} becomes {@code Blue}), matching Resolve's names elsewhere.
 *
 * <p>Time rules:
 * <ul>
 *   <li>A marked range is relative to the item that owns it, as the OTIO schema says ("relative to the Item this
 *       marker is attached to"): 0 is the first frame of the Stack (or of the Track, less the track's
 *       {@code source_range} start). Resolve's own exports lay out the tracks from 0 and keep the timeline's start
 *       timecode only in {@code global_start_time} (e.g. {@code {"rate": 24.0, "value": 86400.0}} for
 *       01:00:00:00 in github.com/tweak-wtf/otio_tools, {@code tests/otio_timelines/*_native.otio}). No public
 *       Resolve export holding timeline markers was found to confirm that its marker times are relative too; if a
 *       file's marker times did include the timeline start, its markers would land past the master's end and be
 *       reported as outside it, never silently moved.</li>
 *   <li>The timeline starts at {@code global_start_time}, a frame count since 00:00:00:00 in the master's
 *       timecode mode (01:00:00:00 is 108000 at 29.97 non-drop, as OTIO's {@code to_timecode} and Resolve's
 *       {@code GetStartFrame()} count it; 107892 at drop-frame). A marker's master frame is
 *       {@code global_start_time + marker start - master start timecode}, so a timeline that starts where the
 *       master starts maps marker frame n to master frame n. A null or missing {@code global_start_time} means the
 *       timeline starts where the master starts.</li>
 *   <li>Rates may differ from the master's; times are converted exactly with rationals (a JSON rate such as
 *       {@code 23.976} or {@code 23.976023976023978} is the NTSC rate 24000/1001). A start must fall on a whole
 *       master frame (within 1/1000 of a frame, for floating-point noise in the file), else the marker is
 *       rejected rather than rounded; the end is rounded up to cover every master frame the marker touches. A
 *       zero-length marker marks one frame.</li>
 * </ul>
 */
final class OtioMarkers {

  private static final BigInteger THOUSAND = BigInteger.valueOf(1000);

  private OtioMarkers() {}

  /** An exact rational number of master frames. */
  private record Frac(BigInteger num, BigInteger den) {
    Frac minus(Frac o) {
      return new Frac(num.multiply(o.den).subtract(o.num.multiply(den)), den.multiply(o.den));
    }

    int signum() {
      return num.signum() * den.signum();
    }

    /** The nearest whole number if within 1/1000 of it, else {@code null}. */
    BigInteger whole() {
      BigInteger n = floorDiv(num.shiftLeft(1).add(den), den.shiftLeft(1));
      BigInteger diff = num.subtract(n.multiply(den)).abs();
      return diff.multiply(THOUSAND).compareTo(den) <= 0 ? n : null;
    }

    /** Rounded up, unless within 1/1000 of a whole number. */
    BigInteger ceilTolerant() {
      BigInteger w = whole();
      return w != null ? w : floorDiv(num.add(den).subtract(BigInteger.ONE), den);
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
      BigInteger[] qr = a.divideAndRemainder(b);
      return qr[1].signum() != 0 && (qr[1].signum() != b.signum()) ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }
  }

  static List<Change> read(JsonNode root, String source, ChangeContext ctx, ChangeFilter filter) {
    Problems problems = new Problems();
    MasterClock clock = new MasterClock(ctx, filter);
    String schema = root.path("OTIO_SCHEMA").asText("");
    if (!root.isObject() || !schema.startsWith("Timeline.")) {
      problems.add(source, "expected an OTIO timeline (\"OTIO_SCHEMA\": \"Timeline.1\"), found "
          + (schema.isEmpty() ? Json.kind(root) : "\"OTIO_SCHEMA\": \"" + schema + "\""));
      problems.throwIfAny();
    }
    long offset = 0;
    JsonNode gst = root.get("global_start_time");
    if (gst != null && !gst.isNull()) {
      Frac g = toMasterFrames(gst, source + ":global_start_time", "global_start_time", ctx, problems);
      if (g != null) {
        BigInteger w = g.whole();
        long day = Timecode.framesPerDay(ctx.rate(), ctx.startTimecode().dropFrame());
        if (w == null) {
          problems.add(source + ":global_start_time", "the timeline's start time does not fall on a whole frame at the master's "
              + ctx.rate().toDecimalString() + " fps");
        } else if (w.signum() < 0 || w.compareTo(BigInteger.valueOf(day)) >= 0) {
          problems.add(source + ":global_start_time", "the timeline's start time, frame " + w + ", is not a time of day (0 to "
              + (day - 1) + " frames at " + ctx.rate().toDecimalString() + " fps)");
        } else {
          offset = clock.frameOfDayToMasterFrame(w.longValueExact());
        }
      }
    }
    problems.throwIfAny();

    List<Change> changes = new ArrayList<>();
    JsonNode stack = root.get("tracks");
    if (stack != null && stack.isObject()) {
      Frac stackStart = containerStart(stack, source + ":tracks", ctx, problems);
      if (stackStart != null) {
        readMarkers(stack.get("markers"), source + ":tracks.markers", stackStart, offset, clock, problems, changes);
        JsonNode children = stack.get("children");
        if (children != null && children.isArray()) {
          for (int j = 0; j < children.size(); j++) {
            JsonNode track = children.get(j);
            if (!track.path("OTIO_SCHEMA").asText("").startsWith("Track.")) continue;
            String path = source + ":tracks.children[" + j + "]";
            Frac trackStart = containerStart(track, path, ctx, problems);
            if (trackStart == null) continue;
            Frac start = new Frac(trackStart.num.multiply(stackStart.den).add(stackStart.num.multiply(trackStart.den)),
                trackStart.den.multiply(stackStart.den));
            readMarkers(track.get("markers"), path + ".markers", start, offset, clock, problems, changes);
          }
        }
      }
    }
    problems.throwIfAny();
    return Problems.sorted(changes);
  }

  /** The start of an item's own time (its {@code source_range.start_time}), 0 when it has no source range. */
  private static Frac containerStart(JsonNode item, String path, ChangeContext ctx, Problems problems) {
    JsonNode range = item.get("source_range");
    if (range == null || range.isNull()) return new Frac(BigInteger.ZERO, BigInteger.ONE);
    return toMasterFrames(range.get("start_time"), path + ".source_range", "source_range.start_time", ctx, problems);
  }

  private static void readMarkers(JsonNode markers, String path, Frac containerStart, long offset, MasterClock clock,
      Problems problems, List<Change> out) {
    if (markers == null || markers.isNull()) return;
    if (!markers.isArray()) {
      problems.add(path, "markers must be a list, not " + Json.kind(markers));
      return;
    }
    ChangeContext ctx = clock.context();
    for (int i = 0; i < markers.size(); i++) {
      JsonNode marker = markers.get(i);
      String where = path + "[" + i + "]";
      if (!marker.isObject() || !marker.path("OTIO_SCHEMA").asText("").startsWith("Marker.")) {
        problems.add(where, "expected a marker (\"OTIO_SCHEMA\": \"Marker.2\" or \"Marker.3\"), found " + Json.kind(marker));
        continue;
      }
      String name = text(marker.get("name"));
      String label = name != null ? "marker '" + name + "'" : "marker";
      JsonNode range = marker.has("marked_range") ? marker.get("marked_range") : marker.get("range");
      if (range == null || !range.isObject()) {
        problems.add(where, label + " has no marked_range {start_time, duration}");
        continue;
      }
      Frac start = toMasterFrames(range.get("start_time"), where, label + " marked_range.start_time", ctx, problems);
      Frac duration = toMasterFrames(range.get("duration"), where, label + " marked_range.duration", ctx, problems);
      if (start == null || duration == null) continue;
      BigInteger relative = start.minus(containerStart).whole();
      if (relative == null) {
        problems.add(where, label + " starts between two frames of the master (" + ctx.rate().toDecimalString()
            + " fps); it is rejected rather than rounded");
        continue;
      }
      if (duration.signum() < 0) {
        problems.add(where, label + " has a negative duration");
        continue;
      }
      BigInteger frames = duration.ceilTolerant().max(BigInteger.ONE);
      BigInteger first = relative.add(BigInteger.valueOf(offset));
      BigInteger end = first.add(frames);
      if (first.bitLength() > 62 || end.bitLength() > 62) {
        problems.add(where, label + " lies far outside the master; the master has " + ctx.describeMaster());
        continue;
      }
      if (!clock.wanted(name, color(marker.get("color")))) continue;
      String outside = clock.outside(first.longValueExact(), end.longValueExact());
      if (outside != null) {
        problems.add(where, label + " " + outside);
        continue;
      }
      out.add(new Change(FrameRange.of(first.longValueExact(), end.longValueExact()), name, color(marker.get("color")),
          note(marker), where));
    }
  }

  /** A RationalTime converted exactly to master frames, or {@code null} after adding a problem. */
  private static Frac toMasterFrames(JsonNode time, String where, String what, ChangeContext ctx, Problems problems) {
    JsonNode value = time == null ? null : time.get("value");
    JsonNode rate = time == null ? null : time.get("rate");
    if (time == null || !time.isObject()) {
      problems.add(where, what + " must be a RationalTime {\"value\": number, \"rate\": number}, not " + Json.kind(time));
      return null;
    }
    if (value == null || !value.isNumber() || rate == null || !rate.isNumber()) {
      boolean badValue = value == null || !value.isNumber();
      problems.add(where, what + (badValue ? ".value" : ".rate") + " must be a number, not " + Json.kind(badValue ? value : rate));
      return null;
    }
    FrameRate fileRate;
    try {
      fileRate = FrameRate.parse(rate.decimalValue().toPlainString());
    } catch (IllegalArgumentException e) {
      problems.add(where, what + ": rate must be a positive number of frames per second, not " + rate.asText());
      return null;
    }
    BigDecimal v = value.decimalValue();
    FrameRate master = ctx.rate();
    BigInteger num = v.unscaledValue().multiply(BigInteger.valueOf(master.numerator()))
        .multiply(BigInteger.valueOf(fileRate.denominator()));
    BigInteger den = BigInteger.valueOf(master.denominator()).multiply(BigInteger.valueOf(fileRate.numerator()));
    if (v.scale() > 0) den = den.multiply(BigInteger.TEN.pow(v.scale()));
    else num = num.multiply(BigInteger.TEN.pow(-v.scale()));
    return new Frac(num, den);
  }

  private static String color(JsonNode color) {
    String name = color != null && color.isObject() ? text(color.get("name")) : text(color);
    if (name == null) return null;
    if (name.equals(name.toUpperCase(Locale.ROOT)) && name.length() > 1) {
      name = name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }
    return name;
  }

  private static String note(JsonNode marker) {
    String comment = text(marker.get("comment"));
    if (comment != null) return comment;
    return text(marker.path("metadata").path("Resolve_OTIO").get("Note"));
  }

  private static String text(JsonNode node) {
    if (node == null || !node.isTextual()) return null;
    String s = node.asText().strip();
    return s.isEmpty() ? null : s;
  }
}
