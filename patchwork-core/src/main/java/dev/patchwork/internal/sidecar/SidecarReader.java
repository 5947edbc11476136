package dev.patchwork.internal.sidecar;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.patchwork.ValidationException;
import dev.patchwork.ValidationException.Problem;
import dev.patchwork.change.Change;
import dev.patchwork.sidecar.AudioStream;
import dev.patchwork.sidecar.ColorInfo;
import dev.patchwork.sidecar.ContentIndex;
import dev.patchwork.sidecar.Encoder;
import dev.patchwork.sidecar.GopStructure;
import dev.patchwork.sidecar.HistoryEntry;
import dev.patchwork.sidecar.MasterInfo;
import dev.patchwork.sidecar.Region;
import dev.patchwork.sidecar.RenderOrigin;
import dev.patchwork.sidecar.Sidecar;
import dev.patchwork.sidecar.VideoStream;
import dev.patchwork.time.FrameRange;
import dev.patchwork.time.FrameRate;
import dev.patchwork.time.Timecode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads sidecar TOML: jackson-dataformat-toml parses the text into a tree, and this walks the tree,
 * checking every field and collecting every problem with its path before anything is built. The
 * records' constructors run last, on values already checked.
 */
public final class SidecarReader {

  /** The result of reading: a sidecar, or every problem found (never both). */
  public record Outcome(Sidecar sidecar, List<Problem> problems) {
    public Outcome {
      problems = List.copyOf(problems);
    }

    public Sidecar orThrow() {
      if (!problems.isEmpty()) throw new ValidationException(problems);
      return sidecar;
    }
  }

  private static final TomlMapper MAPPER = new TomlMapper();
  private static final Pattern RATE = Pattern.compile("[0-9]{1,18}(/[0-9]{1,18})?");
  /** Keeps offset + length and start + frames far from overflow. */
  private static final long MAX = Long.MAX_VALUE / 4;
  private static final String START_HINT = "a Patchwork sidecar is TOML starting with `schema = " + Sidecar.SCHEMA_VERSION + "`";

  private final List<Problem> problems = new ArrayList<>();

  private SidecarReader() {}

  public static Outcome read(String text, String sourceName) {
    return new SidecarReader().readText(text, sourceName);
  }

  private Outcome readText(String text, String sourceName) {
    if (text.isBlank()) return fail(sourceName, "the file is empty; " + START_HINT);
    if (text.indexOf('\0') >= 0) {
      return fail(sourceName, "binary data, not TOML text; " + START_HINT + " (was the media file given instead of its sidecar?)");
    }
    List<Problem> overlong = IntegerLiterals.overlong(text, sourceName);
    if (!overlong.isEmpty()) return new Outcome(null, overlong);
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JacksonException e) {
      JsonLocation at = e.getLocation();
      int line = at == null ? -1 : at.getLineNr();
      String where = line > 0 ? sourceName + ":" + line : sourceName;
      String hint = line == 1 ? "; " + START_HINT : "";
      return fail(where, "not valid TOML: " + e.getOriginalMessage() + hint);
    }
    if (!(tree instanceof ObjectNode) || tree.isEmpty()) return fail(sourceName, "no TOML keys in the file; " + START_HINT);
    Table root = new Table((ObjectNode) tree, "");

    JsonNode schema = ((ObjectNode) tree).get("schema");
    root.seen.add("schema");
    if (schema == null) return fail("schema", "missing; " + START_HINT + " (is this a Patchwork sidecar?)");
    if (!schema.isIntegralNumber() || !schema.canConvertToLong()) {
      return fail("schema", "expected the whole number " + Sidecar.SCHEMA_VERSION + ", found " + describe(schema));
    }
    long version = schema.longValue();
    if (version > Sidecar.SCHEMA_VERSION) {
      return fail("schema", "written by a newer Patchwork (schema " + version + "); this version reads schema "
          + Sidecar.SCHEMA_VERSION + ". Upgrade Patchwork to read it");
    }
    if (version < Sidecar.SCHEMA_VERSION) {
      return fail("schema", "schema " + version + " does not exist; this version reads schema " + Sidecar.SCHEMA_VERSION);
    }

    MasterParts master = master(root.table("master", true, "the [master] table"));
    VideoParts video = video(root.table("video", true, "the [video] table"));
    List<AudioStream> audio = audio(root);
    Encoder encoder = encoder(root.table("encoder", true, "the [encoder] table"));
    RenderOrigin origin = origin(root.table("origin", true, "the [origin] table"));
    ContentIndex content = content(root.table("content", true, "the [content] table"), master, video);
    List<HistoryEntry> history = history(root);
    root.finish();

    if (!problems.isEmpty()) return new Outcome(null, problems);
    try {
      return new Outcome(new Sidecar(master.info, video.stream, audio, encoder, origin, content, history), List.of());
    } catch (ValidationException e) {
      return new Outcome(null, e.problems());
    }
  }

  private Outcome fail(String where, String message) {
    return new Outcome(null, List.of(new Problem(where, message)));
  }

  // ---------------------------------------------------------------------------------------------- master

  /** What was read of [master]; {@code info} is null if any field was wrong, the numbers may still be there. */
  private record MasterParts(MasterInfo info, Long size, Long frameCount) {}

  private MasterParts master(Table t) {
    if (t == null) return new MasterParts(null, null, null);
    int before = problems.size();
    String fileName = t.text("file_name", true, FieldChecks::fileName);
    Long size = t.whole("size", true, 0, MAX);
    String sha256 = t.text("sha256", true, FieldChecks::sha256);
    String container = t.text("container", true);
    Long frameCount = t.whole("frame_count", true, 1, MAX);
    FrameRate rate = t.parsed("frame_rate", true, SidecarReader::frameRate);
    String tcText = t.text("start_timecode", true);
    Timecode parsedStart = null;
    if (tcText != null && rate != null) {
      try {
        parsedStart = Timecode.parse(tcText, rate);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(t.at("start_timecode"), e.getMessage()));
      }
    }
    t.finish();
    Timecode start = parsedStart;
    MasterInfo info = problems.size() == before
        ? build(t.path, () -> new MasterInfo(fileName, size, sha256, container, frameCount, rate, start)) : null;
    return new MasterParts(info, size, frameCount);
  }

  private static Object frameRate(String text) {
    if (RATE.matcher(text).matches()) {
      try {
        return FrameRate.parse(text);
      } catch (IllegalArgumentException e) {
        // fall through to the message below
      }
    }
    return new Invalid(FieldChecks.quote(text) + " is not a frame rate; expected a positive fraction such as \"24000/1001\" or \"25/1\"");
  }

  // ----------------------------------------------------------------------------------------------- video

  private record VideoParts(VideoStream stream, Boolean intraOnly) {}

  private VideoParts video(Table t) {
    if (t == null) return new VideoParts(null, null);
    int before = problems.size();
    String codec = t.text("codec", true);
    String profile = t.text("profile", false);
    String level = t.text("level", false);
    String pixelFormat = t.text("pixel_format", true);
    Long width = t.whole("width", true, 1, Integer.MAX_VALUE);
    Long height = t.whole("height", true, 1, Integer.MAX_VALUE);
    String sar = t.text("sample_aspect_ratio", false, FieldChecks::sampleAspectRatio);
    String fieldOrder = t.text("field_order", false, FieldChecks::fieldOrder);
    Long bitRate = t.whole("bit_rate", false, 1, MAX);

    ColorInfo color = ColorInfo.UNSPECIFIED;
    Table c = t.table("color", false, "the [video.color] table");
    if (c != null) {
      int colorBefore = problems.size();
      String primaries = c.text("primaries", false);
      String transfer = c.text("transfer", false);
      String matrix = c.text("matrix", false);
      String range = c.text("range", false, FieldChecks::colorRange);
      c.finish();
      if (problems.size() == colorBefore) color = build(c.path, () -> new ColorInfo(primaries, transfer, matrix, range));
    }

    Boolean intraOnly = null;
    GopStructure gop = null;
    Table g = t.table("gop", true, "the [video.gop] table");
    if (g != null) {
      int gopBefore = problems.size();
      intraOnly = g.bool("intra_only", true);
      Long length = g.whole("length", false, 1, Integer.MAX_VALUE);
      Long bFrames = g.whole("b_frames", false, 0, Integer.MAX_VALUE);
      Boolean closed = g.bool("closed", false);
      g.finish();
      if (Boolean.TRUE.equals(intraOnly)) {
        if (length != null && length != 1) problems.add(new Problem(g.at("length"), "is " + length + " but intra_only is true; an intra-only GOP has length 1"));
        if (bFrames != null && bFrames != 0) problems.add(new Problem(g.at("b_frames"), "is " + bFrames + " but intra_only is true; intra-only video has no B-frames"));
        if (Boolean.FALSE.equals(closed)) problems.add(new Problem(g.at("closed"), "is false but intra_only is true; intra-only video has no open GOPs"));
      }
      if (problems.size() == gopBefore) {
        boolean intra = intraOnly;
        gop = build(g.path, () -> new GopStructure(intra, toInt(length), toInt(bFrames), closed));
      }
    }
    t.finish();
    VideoStream stream = null;
    if (problems.size() == before) {
      ColorInfo col = color;
      GopStructure gp = gop;
      stream = build(t.path, () -> new VideoStream(codec, profile, level, pixelFormat, width.intValue(), height.intValue(),
          sar, fieldOrder, bitRate, col, gp));
    }
    return new VideoParts(stream, intraOnly);
  }

  // ----------------------------------------------------------------------------------------------- audio

  private List<AudioStream> audio(Table root) {
    List<AudioStream> result = new ArrayList<>();
    List<Table> tables = root.tables("audio", "[[audio]] tables");
    for (Table t : tables) {
      int before = problems.size();
      String codec = t.text("codec", true);
      Long sampleRate = t.whole("sample_rate", true, 1, Integer.MAX_VALUE);
      Long channels = t.whole("channels", true, 1, Integer.MAX_VALUE);
      String layout = t.text("layout", false);
      Long bitDepth = t.whole("bit_depth", false, 1, Integer.MAX_VALUE);
      Long bitRate = t.whole("bit_rate", false, 1, MAX);
      t.finish();
      if (problems.size() == before) {
        AudioStream a = build(t.path, () -> new AudioStream(codec, sampleRate.intValue(), channels.intValue(), layout, toInt(bitDepth), bitRate));
        if (a != null) result.add(a);
      }
    }
    return result;
  }

  // -------------------------------------------------------------------------------------- encoder, origin

  private Encoder encoder(Table t) {
    if (t == null) return null;
    int before = problems.size();
    String tool = t.text("tool", true);
    String version = t.text("version", false);
    String library = t.text("library", false);
    String options = t.text("options", false);
    t.finish();
    return problems.size() == before ? build(t.path, () -> new Encoder(tool, version, library, options)) : null;
  }

  private RenderOrigin origin(Table t) {
    if (t == null) return null;
    int before = problems.size();
    String kindText = t.text("kind", true);
    RenderOrigin.Kind kind = null;
    if (kindText != null) {
      kind = RenderOrigin.Kind.fromTomlName(kindText);
      if (kind == null) problems.add(new Problem(t.at("kind"), "expected \"ffmpeg\" or \"resolve\", found " + FieldChecks.quote(kindText)));
    }
    String project = t.text("project", false);
    String timeline = t.text("timeline", false);
    String preset = t.text("preset", false);
    String format = t.text("format", false);
    String codec = t.text("codec", false);
    if (kind == RenderOrigin.Kind.FFMPEG) {
      for (String key : List.of("project", "timeline", "preset", "format", "codec")) {
        if (t.node.has(key)) problems.add(new Problem(t.at(key), "only a Resolve origin has a " + key + "; this origin is \"ffmpeg\""));
      }
    } else if (kind == RenderOrigin.Kind.RESOLVE) {
      String[][] required = {{"project", project}, {"timeline", timeline}, {"format", format}, {"codec", codec}};
      for (String[] r : required) {
        if (r[1] == null && !t.node.has(r[0])) {
          problems.add(new Problem(t.at(r[0]), "missing; a Resolve origin needs its " + r[0]));
        }
      }
    }
    t.finish();
    if (problems.size() != before) return null;
    RenderOrigin.Kind k = kind;
    return build(t.path, () -> new RenderOrigin(k, project, timeline, preset, format, codec));
  }

  // --------------------------------------------------------------------------------------------- content

  private ContentIndex content(Table t, MasterParts master, VideoParts video) {
    if (t == null) return null;
    int before = problems.size();
    SpanParts header = span(t.inlineTable("header", true, "{ offset = 0, length = …, sha256 = \"…\" }"), Region.Kind.HEADER);
    List<ContentChecks.Shape> shapes = new ArrayList<>();
    List<Region> regions = new ArrayList<>();
    ArrayNode array = t.array("regions", true, "an array of { start = …, frames = …, leading = …, offset = …, length = …, sha256 = \"…\", video_sha256 = \"…\" }");
    if (array != null) {
      for (int i = 0; i < array.size(); i++) {
        String path = ContentChecks.regionPath(i);
        JsonNode n = array.get(i);
        if (!(n instanceof ObjectNode)) {
          problems.add(new Problem(path, "expected an inline table { start = …, frames = …, … }, found " + describe(n)));
          shapes.add(null);
          continue;
        }
        Table r = new Table((ObjectNode) n, path);
        int regionBefore = problems.size();
        Long start = r.whole("start", true, 0, MAX);
        Long frames = r.whole("frames", true, 1, MAX);
        Long leading = r.whole("leading", true, 0, MAX);
        Long offset = r.whole("offset", true, 0, MAX);
        Long length = r.whole("length", true, 1, MAX);
        String sha = r.text("sha256", true, FieldChecks::sha256);
        String videoSha = r.text("video_sha256", true, FieldChecks::sha256);
        r.finish();
        if (leading != null && frames != null && leading >= frames) {
          problems.add(new Problem(r.at("leading"), "is " + leading + " but the region has " + frames
              + " frames; its random-access point (frame start + leading) must be one of them"));
        }
        boolean numbers = start != null && frames != null && leading != null && offset != null && length != null;
        shapes.add(numbers ? new ContentChecks.Shape(start, frames, leading, offset, length) : null);
        if (problems.size() == regionBefore) {
          Region region = build(path, () -> Region.gop(start, frames, leading, offset, length, sha, videoSha));
          if (region != null) regions.add(region);
        }
      }
    }
    SpanParts trailer = span(t.inlineTable("trailer", true, "{ offset = …, length = …, sha256 = \"…\" }"), Region.Kind.TRAILER);
    t.finish();
    if (array != null) {
      problems.addAll(ContentChecks.structure(header.shape, shapes, trailer.shape));
      problems.addAll(ContentChecks.againstMaster(master.size, master.frameCount, video.intraOnly, shapes, trailer.shape));
    }
    if (problems.size() != before) return null;
    return build(t.path, () -> new ContentIndex(header.region, regions, trailer.region));
  }

  private record SpanParts(Region region, ContentChecks.Shape shape) {}

  private SpanParts span(Table t, Region.Kind kind) {
    if (t == null) return new SpanParts(null, null);
    int before = problems.size();
    Long offset = t.whole("offset", true, 0, MAX);
    Long length = t.whole("length", true, 0, MAX);
    String sha = t.text("sha256", true, FieldChecks::sha256);
    t.finish();
    ContentChecks.Shape shape = offset != null && length != null ? new ContentChecks.Shape(0, 0, 0, offset, length) : null;
    Region region = problems.size() == before
        ? build(t.path, () -> new Region(kind, 0, 0, 0, offset, length, sha, null)) : null;
    return new SpanParts(region, shape);
  }

  // --------------------------------------------------------------------------------------------- history

  private List<HistoryEntry> history(Table root) {
    List<HistoryEntry> result = new ArrayList<>();
    for (Table t : root.tables("history", "[[history]] tables")) {
      int before = problems.size();
      Instant time = t.parsed("time", true, SidecarReader::instant);
      String tool = t.text("tool", true);
      String toolVersion = t.text("tool_version", true);
      String parent = t.text("parent_sha256", true, FieldChecks::sha256);
      String output = t.text("output_sha256", true, FieldChecks::sha256);
      String renderer = t.text("renderer", false);
      List<Change> changes = new ArrayList<>();
      ArrayNode array = t.array("changes", true, "an array of { start = …, frames = …, name = \"…\", color = \"…\", note = \"…\" } (may be empty)");
      if (array != null) {
        for (int i = 0; i < array.size(); i++) {
          String path = t.at("changes") + "[" + i + "]";
          JsonNode n = array.get(i);
          if (!(n instanceof ObjectNode)) {
            problems.add(new Problem(path, "expected an inline table { start = …, frames = … }, found " + describe(n)));
            continue;
          }
          Table c = new Table((ObjectNode) n, path);
          int changeBefore = problems.size();
          Long start = c.whole("start", true, 0, MAX);
          Long frames = c.whole("frames", true, 1, MAX);
          String name = c.text("name", false);
          String color = c.text("color", false);
          String note = c.text("note", false);
          c.finish();
          if (problems.size() == changeBefore) {
            Change change = build(path, () -> new Change(FrameRange.ofLength(start, frames), name, color, note, null));
            if (change != null) changes.add(change);
          }
        }
      }
      t.finish();
      if (problems.size() == before) {
        HistoryEntry h = build(t.path, () -> new HistoryEntry(time, tool, toolVersion, parent, output, changes, renderer));
        if (h != null) result.add(h);
      }
    }
    return result;
  }

  private static Object instant(String text) {
    try {
      return DateTimeFormatter.ISO_INSTANT.parse(text, Instant::from);
    } catch (DateTimeParseException e) {
      return new Invalid(FieldChecks.quote(text) + " is not a UTC time; expected ISO-8601 such as \"2025-03-14T09:26:53Z\"");
    }
  }

  // ------------------------------------------------------------------------------------------- plumbing

  /** A parse failure's message, returned by the parsers handed to {@link Table#parsed}. */
  private record Invalid(String message) {}

  /** Runs a constructor on checked values; a rule the reader missed still becomes a problem, not a crash. */
  private <T> T build(String path, java.util.function.Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ValidationException e) {
      problems.addAll(e.problems());
    } catch (IllegalArgumentException | NullPointerException | ArithmeticException e) {
      problems.add(new Problem(path, String.valueOf(e.getMessage())));
    }
    return null;
  }

  private static Integer toInt(Long v) {
    return v == null ? null : Math.toIntExact(v);
  }

  static String describe(JsonNode n) {
    if (n.isTextual()) return FieldChecks.quote(n.textValue());
    if (n.isBoolean()) return n.asText();
    if (n.isBigDecimal()) return "the decimal number " + n.decimalValue().stripTrailingZeros().toPlainString();
    if (n.isFloatingPointNumber()) return "the decimal number " + n.asText();
    if (n.isNumber()) return n.asText();
    if (n.isArray()) return "an array";
    if (n.isObject()) return "a table";
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** One TOML table being read: hands out its fields by key, remembering which keys were asked for. */
  private final class Table {
    final ObjectNode node;
    final String path;
    final Set<String> seen = new HashSet<>();

    Table(ObjectNode node, String path) {
      this.node = node;
      this.path = path;
    }

    String at(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    private JsonNode get(String key, boolean required, String expected) {
      seen.add(key);
      JsonNode n = node.get(key);
      if (n == null && required) problems.add(new Problem(at(key), "missing; expected " + expected));
      return n;
    }

    private void wrongType(String key, String expected, JsonNode found) {
      problems.add(new Problem(at(key), "expected " + expected + ", found " + describe(found)));
    }

    String text(String key, boolean required) {
      JsonNode n = get(key, required, "a string in double quotes");
      if (n == null) return null;
      if (!n.isTextual()) {
        wrongType(key, "a string in double quotes", n);
        return null;
      }
      String s = n.textValue();
      if (s.isBlank()) {
        problems.add(new Problem(at(key), required ? "is empty; expected a value" : "is empty; leave the key out when it is not known"));
        return null;
      }
      return s;
    }

    /** A string passed through {@code check}, which returns null or what is wrong with it. */
    String text(String key, boolean required, Function<String, String> check) {
      String s = text(key, required);
      if (s == null) return null;
      String error = check.apply(s);
      if (error == null) return s;
      problems.add(new Problem(at(key), error));
      return null;
    }

    /** A string turned into a value by {@code parser}, which returns the value or an {@link Invalid}. */
    @SuppressWarnings("unchecked")
    <T> T parsed(String key, boolean required, Function<String, Object> parser) {
      String s = text(key, required);
      if (s == null) return null;
      Object v = parser.apply(s);
      if (v instanceof Invalid invalid) {
        problems.add(new Problem(at(key), invalid.message()));
        return null;
      }
      return (T) v;
    }

    Long whole(String key, boolean required, long min, long max) {
      JsonNode n = get(key, required, "a whole number");
      if (n == null) return null;
      if (!n.isIntegralNumber()) {
        wrongType(key, "a whole number", n);
        return null;
      }
      if (!n.canConvertToLong() || n.longValue() > max) {
        problems.add(new Problem(at(key), n.asText() + " is too large (at most " + max + ")"));
        return null;
      }
      long v = n.longValue();
      if (v < min) {
        problems.add(new Problem(at(key), v + " is too small; expected " + (min == 1 ? "a positive whole number" : "at least " + min)));
        return null;
      }
      return v;
    }

    Boolean bool(String key, boolean required) {
      JsonNode n = get(key, required, "true or false");
      if (n == null) return null;
      if (!n.isBoolean()) {
        wrongType(key, "true or false", n);
        return null;
      }
      return n.booleanValue();
    }

    Table table(String key, boolean required, String expected) {
      JsonNode n = get(key, required, expected);
      if (n == null) return null;
      if (!(n instanceof ObjectNode)) {
        wrongType(key, expected, n);
        return null;
      }
      return new Table((ObjectNode) n, at(key));
    }

    Table inlineTable(String key, boolean required, String expected) {
      return table(key, required, expected);
    }

    ArrayNode array(String key, boolean required, String expected) {
      JsonNode n = get(key, required, expected);
      if (n == null) return null;
      if (!(n instanceof ArrayNode)) {
        wrongType(key, expected, n);
        return null;
      }
      return (ArrayNode) n;
    }

    /** The tables of an optional array of tables ({@code [[audio]]}); problems for elements that are not tables. */
    List<Table> tables(String key, String expected) {
      ArrayNode array = array(key, false, expected);
      List<Table> tables = new ArrayList<>();
      if (array == null) return tables;
      for (int i = 0; i < array.size(); i++) {
        JsonNode n = array.get(i);
        String p = at(key) + "[" + i + "]";
        if (n instanceof ObjectNode o) tables.add(new Table(o, p));
        else problems.add(new Problem(p, "expected a table, found " + describe(n)));
      }
      return tables;
    }

    /** Reports every key nobody asked for. */
    void finish() {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!seen.contains(name)) {
          problems.add(new Problem(at(name), "unknown key; schema " + Sidecar.SCHEMA_VERSION
              + " has no such field here (a typo, or written by a newer Patchwork?)"));
        }
      }
    }
  }
}
