package dev.patchwork.change;

import dev.patchwork.time.FrameRange;
import dev.patchwork.time.Timecode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads marker rows from DaVinci Resolve's Edit Index CSV export (Edit Index set to show markers, then
 * Timelines > Export > Edit Index). The header seen in a real Resolve export
 * (github.com/thesleepingsage/DaVinci-Resolve-Timestamp-Extractor, {@code Scripts/Timeline 1.csv}) is
 *
 * <pre>
 * "#","Reel","Match","V","C","Dur","Source In","Source Out","Record Duration","Record In","Record Out","Name",
 * "Comments","Source Start","Source End","Source Duration","Codec","Source FPS","Resolution","Color","Notes",
 * "EDL Clip Name","Marker Keywords"
 * </pre>
 *
 * with every field quoted (older versions lack {@code Record Duration}). Fields follow RFC 4180: quoted fields may
 * hold commas, doubled quotes and line breaks; a UTF-8 byte-order mark is skipped. The separator is the comma, unless
 * the file says otherwise: a first line {@code sep=;} (Excel's hint, which Excel also writes), or else a header line
 * with more semicolons or tabs outside quotes than commas (Excel and Numbers save "CSV" with semicolons where the
 * comma is the decimal separator, and spreadsheets copy out tab-separated text). Columns are found by name,
 * ignoring case and order:
 *
 * <ul>
 *   <li>{@code Record In} (required): the marker's absolute timeline timecode.</li>
 *   <li>Length: {@code Record Out} minus {@code Record In}; a {@code Record Duration} or {@code Duration} column
 *       (frames, or a timecode-style duration counted as {@code HH:MM:SS:FF} at the rate's whole frames per
 *       second) is used when there is no Record Out, and wins when it is longer (over-rendering is safe,
 *       under-rendering is not). Without either, one frame.</li>
 *   <li>{@code Name} (or {@code Marker Name}), {@code Color}/{@code Colour}/{@code Marker Color},
 *       {@code Notes}/{@code Note}/{@code Marker Notes}: taken as they are. In the export cited above Resolve left
 *       {@code Name} empty and put the text into {@code Notes}; it is kept as the note.</li>
 * </ul>
 *
 * <p>Every non-blank row is a marker; a label is drop-frame when it uses {@code ;}.
 */
final class CsvMarkers {

  private static final Pattern DIGITS = Pattern.compile("\\d+");
  /** Excel's separator hint, the file's first line: {@code sep=;}. */
  private static final Pattern SEP_HINT = Pattern.compile("sep=([,;\\t|])[ \\t]*(?:\\r\\n|\\r|\\n|$)", Pattern.CASE_INSENSITIVE);

  private CsvMarkers() {}

  /** One CSV record and the line it starts on. */
  record Row(int line, List<String> fields) {
    boolean isBlank() {
      return fields.stream().allMatch(String::isBlank);
    }
  }

  static List<Change> read(String text, String source, ChangeContext ctx, ChangeFilter filter) {
    Problems problems = new Problems();
    String body = EdlMarkers.stripBom(text);
    Matcher hint = SEP_HINT.matcher(body);
    boolean hinted = hint.lookingAt();
    char separator = hinted ? hint.group(1).charAt(0) : separator(body);
    List<Row> rows = parse(body, source, separator, problems);
    problems.throwIfAny();
    int h = hinted ? 1 : 0;
    while (h < rows.size() && rows.get(h).isBlank()) h++;
    if (h == rows.size()) return List.of();
    Row header = rows.get(h);
    Map<String, Integer> columns = new HashMap<>();
    for (int i = 0; i < header.fields().size(); i++) {
      columns.putIfAbsent(header.fields().get(i).strip().toLowerCase(Locale.ROOT), i);
    }
    Integer recordIn = column(columns, "record in");
    if (recordIn == null) {
      problems.add(source + ":" + header.line(), "no 'Record In' column (found " + header.fields() + "); expected Resolve's "
          + "Edit Index CSV export with markers shown");
      problems.throwIfAny();
    }
    Integer recordOut = column(columns, "record out");
    Integer duration = column(columns, "record duration", "duration");
    Integer name = column(columns, "name", "marker name");
    Integer color = column(columns, "color", "colour", "marker color", "marker colour");
    Integer notes = column(columns, "notes", "note", "marker notes", "marker note");

    MasterClock clock = new MasterClock(ctx, filter);
    List<Change> changes = new ArrayList<>();
    for (int r = h + 1; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (row.isBlank()) continue;
      String where = source + ":" + row.line();
      if (row.fields().size() != header.fields().size()) {
        problems.add(where, "row has " + row.fields().size() + " fields but the header has " + header.fields().size()
            + " (an unquoted comma or quote?)");
        continue;
      }
      String markerName = field(row, name);
      String label = markerName != null ? "marker '" + markerName + "'" : "marker";
      String in = field(row, recordIn);
      if (in == null) {
        problems.add(where, label + ": Record In is empty");
        continue;
      }
      String out = field(row, recordOut);
      String dur = field(row, duration);
      long start;
      long frames;
      try {
        Timecode inTc = clock.parseLabel(in, false);
        start = clock.frameOf(inTc);
        long fromOut = 0;
        if (out != null) {
          Timecode outTc = clock.parseLabel(out, false);
          fromOut = clock.frameOf(outTc) - start;
          if (fromOut <= 0) {
            problems.add(where, label + ": Record Out " + outTc + " must come after Record In " + inTc);
            continue;
          }
        }
        long fromDuration = 0;
        if (dur != null) {
          fromDuration = durationFrames(dur, clock);
          if (fromDuration < 0) {
            problems.add(where, label + ": Record Duration must be a number of frames or HH:MM:SS:FF, not '" + dur + "'");
            continue;
          }
        }
        frames = Math.max(1, Math.max(fromOut, fromDuration));
      } catch (IllegalArgumentException e) {
        problems.add(where, label + ": " + e.getMessage());
        continue;
      }
      if (!clock.wanted(markerName, field(row, color))) continue;
      String outside = clock.outside(start, start + frames);
      if (outside != null) {
        problems.add(where, label + " " + outside);
        continue;
      }
      changes.add(new Change(FrameRange.ofLength(start, frames), markerName, field(row, color), field(row, notes), where));
    }
    problems.throwIfAny();
    return Problems.sorted(changes);
  }

  /** Frames in a duration field, or -1 if it is neither a whole number nor a timecode-style duration. */
  private static long durationFrames(String text, MasterClock clock) {
    if (DIGITS.matcher(text).matches() && text.length() <= 18) return Long.parseLong(text);
    if (!MasterClock.LABEL.matcher(text).matches()) return -1;
    long base = clock.context().rate().timecodeBase();
    long hh = Long.parseLong(text.substring(0, 2));
    long mm = Long.parseLong(text.substring(3, 5));
    long ss = Long.parseLong(text.substring(6, 8));
    long ff = Long.parseLong(text.substring(9, 11));
    if (mm > 59 || ss > 59 || ff >= base) return -1;
    return ((hh * 60 + mm) * 60 + ss) * base + ff;
  }

  private static Integer column(Map<String, Integer> columns, String... names) {
    for (String n : names) {
      Integer i = columns.get(n);
      if (i != null) return i;
    }
    return null;
  }

  private static String field(Row row, Integer column) {
    if (column == null) return null;
    String v = row.fields().get(column).strip();
    return v.isEmpty() ? null : v;
  }

  /**
   * The separator of a file without a {@code sep=} line: {@code ;} or tab if its first non-blank line holds more of it
   * outside quotes than commas (and than the other), else the comma.
   */
  static char separator(String text) {
    int commas = 0;
    int semicolons = 0;
    int tabs = 0;
    boolean quoted = false;
    boolean seen = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\r' || c == '\n')) {
        if (seen) break;
      } else if (!quoted && c == ',') {
        commas++;
      } else if (!quoted && c == ';') {
        semicolons++;
      } else if (!quoted && c == '\t') {
        tabs++;
      }
      if (!Character.isWhitespace(c)) seen = true;
    }
    if (semicolons > commas && semicolons >= tabs) return ';';
    if (tabs > commas && tabs > semicolons) return '\t';
    return ',';
  }

  /** RFC 4180 records with fields separated by {@code separator}; a quote left open at the end of the text is a problem. */
  static List<Row> parse(String text, String source, char separator, Problems problems) {
    List<Row> rows = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    boolean reported = false;
    int line = 1;
    int rowLine = 1;
    int quoteLine = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          if (c == '\n') line++;
          field.append(c);
        }
        i++;
        continue;
      }
      if (c == '"') {
        if (field.toString().isBlank() && !wasQuoted) {
          field.setLength(0);
          quoted = true;
          wasQuoted = true;
          quoteLine = line;
        } else {
          if (!reported) problems.add(source + ":" + line, "a quote inside an unquoted field; quote the whole field and double the quote (\"\")");
          reported = true;
          field.append(c);
        }
      } else if (c == separator) {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
        reported = false;
      } else if (c == '\r' || c == '\n') {
        fields.add(field.toString());
        field.setLength(0);
        wasQuoted = false;
        reported = false;
        rows.add(new Row(rowLine, List.copyOf(fields)));
        fields.clear();
        if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
        line++;
        rowLine = line;
      } else if (wasQuoted && !Character.isWhitespace(c)) {
        if (!reported) problems.add(source + ":" + line, "text after a closing quote; quote the whole field and double any quote inside (\"\")");
        reported = true;
        field.append(c);
      } else if (!wasQuoted) {
        field.append(c);
      }
      i++;
    }
    if (quoted) problems.add(source + ":" + quoteLine, "a quoted field is never closed");
    if (!fields.isEmpty() || field.length() > 0 || wasQuoted) {
      fields.add(field.toString());
      rows.add(new Row(rowLine, List.copyOf(fields)));
    }
    return rows;
  }
}
