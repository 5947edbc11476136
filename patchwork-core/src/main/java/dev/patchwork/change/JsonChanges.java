package dev.patchwork.change;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Patchwork's plain JSON list of changes, the one shape every other source converts to:
 *
 * <pre>
 * [{"start": 0, "frames": 24, "name": "VFX 12", "color": "Blue", "note": "Fix the flare"},
 *  {"in": "01:00:10:00", "out": "01:00:12:00"}]
 * </pre>
 *
 * <p>{@code start} and {@code frames} are whole master frames from 0 ({@code frames} at least 1; {@code 240.0} is
 * read as 240, a fraction is an error); instead of them,
 * {@code in} and {@code out} are labels in the master's timecode, out exclusive. {@code name}, {@code color},
 * {@code note} are optional text (or null). Any other key is an error, so that a misspelt {@code "frame"} is not
 * silently ignored.
 */
final class JsonChanges {

  private static final Set<String> KEYS = Set.of("start", "frames", "in", "out", "name", "color", "note");

  private JsonChanges() {}

  static List<Change> read(JsonNode root, String source, ChangeContext ctx, ChangeFilter filter) {
    Problems problems = new Problems();
    if (!root.isArray()) {
      problems.add(source, "expected a list of changes [{\"start\": 0, \"frames\": 24}, ...], found " + Json.kind(root));
      problems.throwIfAny();
    }
    MasterClock clock = new MasterClock(ctx, filter);
    List<Change> changes = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      JsonNode item = root.get(i);
      String where = source + "[" + i + "]";
      if (!item.isObject()) {
        problems.add(where, "expected an object {\"start\": …, \"frames\": …}, found " + Json.kind(item));
        continue;
      }
      Change change = readOne(item, where, clock, problems);
      if (change != null) changes.add(change);
    }
    problems.throwIfAny();
    return Problems.sorted(changes);
  }

  private static Change readOne(JsonNode item, String where, MasterClock clock, Problems problems) {
    boolean ok = true;
    for (Iterator<String> keys = item.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!KEYS.contains(key)) {
        problems.add(where + "." + key, "unknown key; a change has start and frames (or in and out), and optionally name, color, note");
        ok = false;
      }
    }
    String name = optionalText(item, "name", where, problems);
    String color = optionalText(item, "color", where, problems);
    String note = optionalText(item, "note", where, problems);
    if (name == null && item.hasNonNull("name") || color == null && item.hasNonNull("color")
        || note == null && item.hasNonNull("note")) {
      ok = false;
    }
    boolean frames = item.has("start") || item.has("frames");
    boolean labels = item.has("in") || item.has("out");
    if (frames && labels) {
      problems.add(where, "give either start and frames, or in and out, not both");
      return null;
    }
    if (!frames && !labels) {
      problems.add(where, "a change needs start and frames (master frames), or in and out (timecodes, out exclusive)");
      return null;
    }
    long start;
    long end;
    if (frames) {
      Long s = wholeNumber(item, "start", 0, where, problems);
      Long n = wholeNumber(item, "frames", 1, where, problems);
      if (s == null || n == null || !ok) return null;
      if (s > Long.MAX_VALUE - n) {
        problems.add(where, "start + frames is too large");
        return null;
      }
      start = s;
      end = s + n;
    } else {
      String in = label(item, "in", where, problems);
      String out = label(item, "out", where, problems);
      if (in == null || out == null || !ok) return null;
      try {
        Timecode inTc = clock.parseLabel(in, false);
        Timecode outTc = clock.parseLabel(out, false);
        if (inTc.dropFrame() != outTc.dropFrame()) {
          problems.add(where, "in " + in + " and out " + out + " mix drop-frame (;) and non-drop-frame (:) labels");
          return null;
        }
        start = clock.frameOf(inTc);
        end = clock.frameOf(outTc);
      } catch (IllegalArgumentException e) {
        problems.add(where, e.getMessage());
        return null;
      }
      if (end <= start) {
        problems.add(where + ".out", "out " + out + " must come after in " + in + " (out is exclusive)");
        return null;
      }
    }
    if (!clock.wanted(name, color)) return null;
    String outside = clock.outside(start, end);
    if (outside != null) {
      problems.add(where, (name == null ? "the change " : "the change '" + name + "' ") + outside);
      return null;
    }
    return new Change(FrameRange.of(start, end), name, color, note, where);
  }

  /**
   * The value of a number that is whole and fits a {@code long}: {@code 24}, and also {@code 24.0} or {@code 2.4e1},
   * which tools that count frames in floating point (Python, JavaScript) write; else {@code null}.
   */
  private static Long wholeValue(JsonNode n) {
    if (n.isIntegralNumber()) return n.canConvertToLong() ? n.longValue() : null;
    if (!n.isNumber()) return null;
    try {
      return n.decimalValue().longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static Long wholeNumber(JsonNode item, String key, long min, String where, Problems problems) {
    JsonNode n = item.get(key);
    if (n == null || n.isNull()) {
      problems.add(where + "." + key, "missing; start and frames go together");
      return null;
    }
    Long whole = wholeValue(n);
    if (whole == null) {
      problems.add(where + "." + key, "must be a whole number, not " + Json.kind(n));
      return null;
    }
    long v = whole;
    if (v < min) {
      problems.add(where + "." + key, "must be at least " + min + (key.equals("frames") ? " (a change cannot be empty)" : "")
          + ", not " + v);
      return null;
    }
    return v;
  }

  private static String label(JsonNode item, String key, String where, Problems problems) {
    JsonNode n = item.get(key);
    if (n == null || n.isNull()) {
      problems.add(where + "." + key, "missing; in and out go together");
      return null;
    }
    if (!n.isTextual() || !MasterClock.LABEL.matcher(n.asText().strip()).matches()) {
      problems.add(where + "." + key, "must be a timecode \"HH:MM:SS:FF\" (\";\" before the frames for drop-frame), not " + Json.kind(n));
      return null;
    }
    return n.asText().strip();
  }

  private static String optionalText(JsonNode item, String key, String where, Problems problems) {
    JsonNode n = item.get(key);
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) {
      problems.add(where + "." + key, "must be text, not " + Json.kind(n));
      return null;
    }
    return n.asText();
  }

  static String write(List<Change> changes) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (Change c : changes) {
      ObjectNode o = list.addObject();
      o.put("start", c.range().start());
      o.put("frames", c.range().frames());
      if (c.name() != null) o.put("name", c.name());
      if (c.color() != null) o.put("color", c.color());
      if (c.note() != null) o.put("note", c.note());
    }
    try {
      return Json.MAPPER.writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
