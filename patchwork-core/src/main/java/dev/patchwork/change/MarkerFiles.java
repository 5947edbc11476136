package dev.patchwork.change;

import com.fasterxml.jackson.databind.JsonNode;
import dev.patchwork.ValidationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Reads changes from the marker files users already have, and writes changes as Patchwork's plain JSON list.
 *
 * <h2>Formats</h2>
 * <ul>
 *   <li>{@link Format#EDL}: DaVinci Resolve's Timeline Markers EDL (Timeline > Export > Timeline Markers to EDL):
 *       one event per marker, absolute record timecodes, {@code note |C:ResolveColorBlue |M:name |D:frames}.</li>
 *   <li>{@link Format#CSV}: Resolve's Edit Index CSV with marker rows ({@code Record In}, {@code Record Out},
 *       {@code Name}, {@code Color}, {@code Notes}, ...).</li>
 *   <li>{@link Format#OTIO}: an OpenTimelineIO timeline (JSON) with {@code Marker.2} / {@code Marker.3} markers on
 *       its tracks, placed with the timeline's {@code global_start_time}.</li>
 *   <li>{@link Format#JSON_LIST}: the plain list {@code [{"start": 0, "frames": 24, "name": "…", "color": "…",
 *       "note": "…"}]}, or {@code {"in": "TC", "out": "TC"}} instead of start/frames. {@link #toJson} writes it.</li>
 * </ul>
 * The format is told by the file ({@link #detect}): the extension {@code .edl}, {@code .csv} or {@code .otio};
 * otherwise JSON content, an object with {@code OTIO_SCHEMA} at its top level being OTIO and a list being the plain
 * list. Each reader's class comment in this package gives the exact shape it accepts and where that shape was
 * seen in real exports.
 *
 * <h2>Rules common to every format</h2>
 * <ul>
 *   <li>Timecode labels are read at the master's rate against the master's start timecode
 *       ({@link ChangeContext#startTimecode()}). A label is drop-frame if it has {@code ;} (or {@code .}/{@code ,})
 *       before the frames, or if an EDL's {@code FCM: DROP FRAME} says so. If a file's labels are in the other
 *       drop-frame mode than the master's start timecode, the start label is re-read in the file's mode: editors
 *       mean the same label, and frames between two labels of one mode are real frames.</li>
 *   <li>Every change must lie inside the master, {@code [0, frameCount)}; a change partly or wholly outside is an
 *       error, never clamped. All problems in a file are collected and thrown together as one
 *       {@link ValidationException}, each naming its line ({@code markers.edl:14}, {@code markers.csv:3}) or
 *       field ({@code cut.otio:tracks.markers[2]}, {@code changes.json[1].frames}).</li>
 *   <li>The result is sorted by range start, then end; changes with equal ranges keep file order. Overlapping
 *       changes are kept as they are (merging them is the planner's job). Each change's origin is where it was
 *       read, as above.</li>
 *   <li>Files are read as UTF-8 (a byte-order mark is skipped), or as UTF-16 when they start with its byte-order
 *       mark; EDL and CSV files that are not valid UTF-8 are read as ISO-8859-1.</li>
 * </ul>
 */
public final class MarkerFiles {

  /** The marker file formats {@link MarkerFiles} reads. */
  public enum Format {
    /** Resolve Timeline Markers EDL. */
    EDL,
    /** Resolve Edit Index CSV (marker rows). */
    CSV,
    /** OpenTimelineIO timeline JSON. */
    OTIO,
    /** Patchwork's plain JSON list of changes. */
    JSON_LIST
  }

  private MarkerFiles() {}

  /**
   * The changes in {@code file}, its format told by the file; problems name the file by its file name.
   *
   * @throws ValidationException if the file cannot be read, its format cannot be told, or it holds any problem
   */
  public static List<Change> read(Path file, ChangeContext ctx) {
    return read(file, ctx, ChangeFilter.ALL);
  }

  /**
   * The changes in {@code file} that {@code filter} keeps. Markers the filter drops are skipped before their range is
   * checked, so a red marker outside the master does not fail a read for blue ones; malformed lines are still errors.
   */
  public static List<Change> read(Path file, ChangeContext ctx, ChangeFilter filter) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(ctx, "ctx");
    String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ValidationException(name, "cannot read " + file + ": no such file", e);
    } catch (java.nio.file.AccessDeniedException e) {
      throw new ValidationException(name, "cannot read " + file + ": permission denied", e);
    } catch (IOException e) {
      throw new ValidationException(name, "cannot read " + file + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
    }
    return read(decode(bytes, name), name, ctx, filter);
  }

  /**
   * The changes in {@code content}, read as the format {@link #detect(String, String)} tells from
   * {@code sourceName} and the content. {@code sourceName} names the input in messages and origins.
   */
  public static List<Change> read(String content, String sourceName, ChangeContext ctx) {
    return read(content, sourceName, ctx, ChangeFilter.ALL);
  }

  /** The changes in {@code content} that {@code filter} keeps; see {@link #read(Path, ChangeContext, ChangeFilter)}. */
  public static List<Change> read(String content, String sourceName, ChangeContext ctx, ChangeFilter filter) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(sourceName, "sourceName");
    Objects.requireNonNull(ctx, "ctx");
    Format format = formatByExtension(sourceName);
    if (format == Format.EDL) return EdlMarkers.read(content, sourceName, ctx, filter);
    if (format == Format.CSV) return CsvMarkers.read(content, sourceName, ctx, filter);
    JsonNode root = jsonOrExplain(content, sourceName, format);
    if (format == Format.OTIO || isOtio(root)) return OtioMarkers.read(root, sourceName, ctx, filter);
    return jsonList(root, sourceName, ctx, filter);
  }

  /**
   * The format of a marker file: by extension ({@code .edl}, {@code .csv}, {@code .otio}, ignoring case), else by
   * its JSON content (an object with {@code OTIO_SCHEMA} at the top level is OTIO, a list is the plain list).
   *
   * @throws ValidationException naming the file if it is none of these
   */
  public static Format detect(String fileName, String content) {
    Objects.requireNonNull(fileName, "fileName");
    Objects.requireNonNull(content, "content");
    Format format = formatByExtension(fileName);
    if (format != null) return format;
    JsonNode root = jsonOrExplain(content, fileName, null);
    if (isOtio(root)) return Format.OTIO;
    if (root.isArray()) return Format.JSON_LIST;
    throw notAMarkerFile(fileName, root);
  }

  /** Resolve Timeline Markers EDL text. */
  public static List<Change> readEdl(String content, String sourceName, ChangeContext ctx) {
    return EdlMarkers.read(content, sourceName, ctx, ChangeFilter.ALL);
  }

  /** Resolve Edit Index CSV text. */
  public static List<Change> readCsv(String content, String sourceName, ChangeContext ctx) {
    return CsvMarkers.read(content, sourceName, ctx, ChangeFilter.ALL);
  }

  /** OpenTimelineIO timeline JSON text. */
  public static List<Change> readOtio(String content, String sourceName, ChangeContext ctx) {
    return OtioMarkers.read(Json.parse(content, sourceName), sourceName, ctx, ChangeFilter.ALL);
  }

  /** Patchwork's plain JSON list text, as {@link #toJson} writes it. */
  public static List<Change> readJsonList(String content, String sourceName, ChangeContext ctx) {
    return JsonChanges.read(Json.parse(content, sourceName), sourceName, ctx, ChangeFilter.ALL);
  }

  /**
   * {@code changes} as Patchwork's plain JSON list, on one line:
   * {@code [{"start":240,"frames":48,"name":"VFX 12","color":"Blue","note":"Fix the flare"}]}. Keys are in that
   * order; an absent name, colour or note is left out (never written as null). The origin is not written.
   * {@link #readJsonList} reads the result back to the same ranges, names, colours and notes.
   */
  public static String toJson(List<Change> changes) {
    Objects.requireNonNull(changes, "changes");
    return JsonChanges.write(changes);
  }

  private static List<Change> jsonList(JsonNode root, String sourceName, ChangeContext ctx, ChangeFilter filter) {
    if (!root.isArray()) throw notAMarkerFile(sourceName, root);
    return JsonChanges.read(root, sourceName, ctx, filter);
  }

  private static Format formatByExtension(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".edl")) return Format.EDL;
    if (lower.endsWith(".csv")) return Format.CSV;
    if (lower.endsWith(".otio")) return Format.OTIO;
    return null;
  }

  private static boolean isOtio(JsonNode root) {
    return root.isObject() && root.has("OTIO_SCHEMA");
  }

  private static JsonNode jsonOrExplain(String content, String sourceName, Format expected) {
    String s = EdlMarkers.stripBom(content).stripLeading();
    if (expected == null && !s.startsWith("[") && !s.startsWith("{")) {
      String first = s.lines().findFirst().orElse("").strip();
      throw new ValidationException(sourceName, "cannot tell the format: not .edl, .csv or .otio, and not JSON (starts with '"
          + (first.length() > 40 ? first.substring(0, 40) + "…" : first) + "'); expected a Resolve markers EDL (.edl), an "
          + "Edit Index CSV (.csv), an OTIO timeline, or a JSON list [{\"start\": 0, \"frames\": 24}]");
    }
    return Json.parse(content, sourceName);
  }

  private static ValidationException notAMarkerFile(String sourceName, JsonNode root) {
    return new ValidationException(sourceName, "JSON holding " + Json.kind(root) + " without \"OTIO_SCHEMA\"; expected an OTIO "
        + "timeline or a list of changes [{\"start\": 0, \"frames\": 24}]");
  }

  private static String decode(byte[] bytes, String name) {
    // a UTF-16 byte-order mark: Excel's "Unicode Text" and Windows tools' "Unicode" save UTF-16
    if (bytes.length >= 2 && (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE || bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)) {
      return new String(bytes, StandardCharsets.UTF_16);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      Format format = formatByExtension(name);
      if (format == Format.EDL || format == Format.CSV) return new String(bytes, StandardCharsets.ISO_8859_1);
      throw new ValidationException(name, "not valid UTF-8 text; JSON files must be UTF-8", e);
    }
  }
}
