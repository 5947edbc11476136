package dev.patchwork.change;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads DaVinci Resolve's "Timeline Markers to EDL" export. Its shape (seen in real exports, e.g. the fixture in
 * the TC_MagiK test suite "PARSE_RESOLVE_MARKER_EDL"):
 *
 * <pre>
 * TITLE: Timeline 1
 * FCM: NON-DROP FRAME
 *
 * 001  001      V     C        01:00:05:00 01:00:05:01 01:00:05:00 01:00:05:01
 * Fix the flare |C:ResolveColorBlue |M:VFX 12 |D:48
 *
 * 002  001      V     C        01:21:45:04 01:21:45:05 01:21:45:04 01:21:45:05
 * A note over
 * two lines
 *  |C:ResolveColorYellow |M:Marker 72 |D:1
 * </pre>
 *
 * <p>One CMX3600-like event per marker, in no particular order. The record in (third timecode) is absolute: it
 * includes the timeline's start timecode. The record out is always one frame after it; the marker's length is
 * {@code |D:} in frames. The note is the text before the first {@code |C:}/{@code |M:}/{@code |D:} tag and may
 * span lines (or be empty). Rules applied here:
 *
 * <ul>
 *   <li>Length: {@code |D:} frames; {@code |D:0} (written by some tools for point markers) means one frame;
 *       without {@code |D:}, record out minus record in, at least one frame.</li>
 *   <li>Drop-frame: a label with {@code ;} is drop-frame; after {@code FCM: DROP FRAME} every label is.</li>
 *   <li>Lines starting with {@code *} before the first event are comments; {@code TITLE:} is ignored.</li>
 *   <li>A line is an event if it starts with a number and ends with four timecodes. A line that starts with three
 *       or more digits and holds two or more timecodes but is not an event is reported as a malformed event line
 *       (so a note line such as {@code 004 fix 01:00:01:00 to 01:00:02:00} is rejected, not guessed at).</li>
 *   <li>An event without a {@code |C:}/{@code |M:}/{@code |D:} line is an error: the file is then not a
 *       markers EDL (a cut list, say), and reading its events as changes would re-render the wrong frames.</li>
 * </ul>
 */
final class EdlMarkers {

  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern TAG = Pattern.compile("\\|[CMD]:");
  private static final Pattern TAG_SPLIT = Pattern.compile("\\|(?=[A-Za-z]+:)");

  private EdlMarkers() {}

  private record Line(int number, String text) {}

  private static final class Event {
    final int line;
    final String recordIn;
    final String recordOut;
    final boolean dropFrame;
    final List<Line> body = new ArrayList<>();

    Event(int line, String[] tokens, boolean dropFrame) {
      this.line = line;
      this.recordIn = tokens[tokens.length - 2];
      this.recordOut = tokens[tokens.length - 1];
      this.dropFrame = dropFrame;
    }
  }

  static List<Change> read(String text, String source, ChangeContext ctx, ChangeFilter filter) {
    MasterClock clock = new MasterClock(ctx, filter);
    Problems problems = new Problems();
    List<Event> events = new ArrayList<>();
    boolean dropFrame = false;
    Event current = null;
    String[] lines = stripBom(text).split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i];
      String stripped = line.strip();
      String[] tokens = stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
      if (isEvent(tokens)) {
        current = new Event(number, tokens, dropFrame);
        events.add(current);
      } else if (stripped.regionMatches(true, 0, "FCM:", 0, 4)) {
        String mode = stripped.substring(4).strip().toUpperCase(Locale.ROOT);
        if (mode.equals("DROP FRAME")) {
          if (ctx.rate().supportsDropFrame()) {
            dropFrame = true;
          } else {
            problems.add(source + ":" + number, "FCM: DROP FRAME, but the master runs at " + ctx.rate().toDecimalString()
                + " fps, where drop-frame timecode does not exist (only at 29.97 and 59.94)");
          }
        } else if (mode.equals("NON-DROP FRAME") || mode.equals("NON DROP FRAME")) {
          dropFrame = false;
        } else {
          problems.add(source + ":" + number, "FCM must be DROP FRAME or NON-DROP FRAME, not '" + stripped.substring(4).strip() + "'");
        }
      } else if (looksLikeEvent(tokens)) {
        problems.add(source + ":" + number, "malformed event line '" + stripped + "': expected an event number, reel, track, "
            + "transition and four timecodes (source in, source out, record in, record out)");
      } else if (current != null) {
        current.body.add(new Line(number, line));
      } else if (!stripped.isEmpty() && !stripped.startsWith("*") && !stripped.regionMatches(true, 0, "TITLE:", 0, 6)) {
        problems.add(source + ":" + number, "expected TITLE:, FCM: or a marker event before the first event, found '"
            + stripped + "'; is this a Resolve Timeline Markers EDL?");
      }
    }
    List<Change> changes = new ArrayList<>();
    for (Event event : events) {
      Change change = toChange(event, source, clock, problems);
      if (change != null) changes.add(change);
    }
    problems.throwIfAny();
    return Problems.sorted(changes);
  }

  private static Change toChange(Event event, String source, MasterClock clock, Problems problems) {
    String where = source + ":" + event.line;
    int tagLine = -1;
    for (int i = 0; i < event.body.size(); i++) {
      if (TAG.matcher(event.body.get(i).text()).find()) {
        tagLine = i;
        break;
      }
    }
    if (tagLine < 0) {
      problems.add(where, "event has no marker line (|C:colour |M:name |D:frames); this does not look like a Resolve "
          + "Timeline Markers EDL (Timeline > Export > Timeline Markers to EDL)");
      return null;
    }
    for (int i = tagLine + 1; i < event.body.size(); i++) {
      Line extra = event.body.get(i);
      if (!extra.text().isBlank()) {
        problems.add(source + ":" + extra.number(), "unexpected text after the marker's |C:/|M:/|D: line: '" + extra.text().strip() + "'");
      }
    }
    Line tags = event.body.get(tagLine);
    Matcher tagStart = TAG.matcher(tags.text());
    tagStart.find();
    StringBuilder note = new StringBuilder();
    for (int i = 0; i < tagLine; i++) note.append(event.body.get(i).text().stripTrailing()).append('\n');
    note.append(tags.text(), 0, tagStart.start());

    Map<String, String> values = new LinkedHashMap<>();
    for (String piece : TAG_SPLIT.split(tags.text().substring(tagStart.start()))) {
      int colon = piece.indexOf(':');
      if (colon > 0) values.put(piece.substring(0, colon).strip().toUpperCase(Locale.ROOT), piece.substring(colon + 1).strip());
    }
    String name = values.get("M");
    String label = name != null && !name.isEmpty() ? "marker '" + name + "'" : "marker";

    Long duration = null;
    String d = values.get("D");
    if (d != null) {
      if (!DIGITS.matcher(d).matches() || d.length() > 18) {
        problems.add(source + ":" + tags.number(), label + ": |D: must be a whole number of frames, not '" + d + "'");
        return null;
      }
      duration = Math.max(1, Long.parseLong(d));
    }

    long start;
    long end;
    try {
      Timecode in = clock.parseLabel(event.recordIn, event.dropFrame);
      Timecode out = clock.parseLabel(event.recordOut, event.dropFrame);
      start = clock.frameOf(in);
      if (duration == null) {
        long outFrame = clock.frameOf(out);
        if (outFrame < start) {
          problems.add(where, label + ": record out " + out + " comes before record in " + in);
          return null;
        }
        duration = Math.max(1, outFrame - start);
      }
      end = start + duration;
    } catch (IllegalArgumentException e) {
      problems.add(where, label + ": " + e.getMessage());
      return null;
    }
    if (!clock.wanted(name, values.get("C"))) return null;
    String outside = clock.outside(start, end);
    if (outside != null) {
      problems.add(where, label + " " + outside);
      return null;
    }
    return new Change(FrameRange.of(start, end), name, values.get("C"), note.toString().strip(), where);
  }

  /** An event line: a number, then at least reel, track and transition, then four timecodes. */
  private static boolean isEvent(String[] tokens) {
    if (tokens.length < 8 || !DIGITS.matcher(tokens[0]).matches()) return false;
    for (int i = tokens.length - 4; i < tokens.length; i++) {
      if (!MasterClock.LABEL.matcher(tokens[i]).matches()) return false;
    }
    return true;
  }

  /** A line that starts like an event (three digits or more, then timecodes) but is not a valid one. */
  private static boolean looksLikeEvent(String[] tokens) {
    if (tokens.length < 3 || tokens[0].length() < 3 || !DIGITS.matcher(tokens[0]).matches()) return false;
    int labels = 0;
    for (String t : tokens) {
      if (MasterClock.LABEL.matcher(t).matches()) labels++;
    }
    return labels >= 2;
  }

  static String stripBom(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
