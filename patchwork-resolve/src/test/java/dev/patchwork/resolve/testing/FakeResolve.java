package dev.patchwork.resolve.testing;

import dev.patchwork.resolve.ResolveConnector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.ffmpeg.FfmpegTools;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The fake {@code DaVinciResolveScript} of the test resources ({@code fake-resolve/Modules}), configured per test: a
 * JSON config file, a state directory the fake writes what it did into, and the bundled ffmpeg it renders with.
 * Shared with patchwork-examples' tests through the test jar.
 */
public final class FakeResolve {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static FfmpegTools tools;

  private final Path dir;
  private final ObjectNode config = JSON.createObjectNode();

  /** A fake whose config and state live in {@code dir}. */
  public FakeResolve(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir.resolve("state"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    config.put("project", "Feature");
  }

  /** The bundled ffmpeg, located once per test JVM. */
  public static synchronized FfmpegTools tools() {
    if (tools == null) {
      Map<String, String> env = new HashMap<>(System.getenv());
      env.put("XDG_CACHE_HOME", Path.of("target", "patchwork-test-cache").toAbsolutePath().toString());
      tools = FfmpegTools.locate(env);
    }
    return tools;
  }

  /** The fake module's source, from the test class path. */
  private static byte[] module() {
    try (InputStream in = FakeResolve.class.getResourceAsStream("/fake-resolve/Modules/DaVinciResolveScript.py")) {
      if (in == null) throw new IllegalStateException("fake-resolve is not on the test class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The folder to give as {@code RESOLVE_SCRIPT_API} ({@code --script-api}): {@code Modules/DaVinciResolveScript.py} and,
   * beside it, {@code fake-resolve.json} — the config with the ffmpeg to render with and its library path, so the fake
   * needs no environment. Written by {@link #connector()} (and {@link #writeApi()}).
   */
  public Path scriptApi() {
    return dir.resolve("api");
  }

  /** Writes the API folder and the config as they are now; returns {@link #scriptApi()}. */
  public Path writeApi() {
    Path api = scriptApi();
    try {
      Files.createDirectories(api.resolve("Modules"));
      Files.write(api.resolve("Modules/DaVinciResolveScript.py"), module());
      ObjectNode c = config.deepCopy();
      c.put("ffmpeg", tools().ffmpeg().toString());
      ObjectNode env = c.putObject("ffmpeg_env");
      tools().environment().forEach(env::put);
      c.put("state_dir", dir.resolve("state").toString());
      JSON.writerWithDefaultPrettyPrinter().writeValue(api.resolve("fake-resolve.json").toFile(), c);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return api;
  }

  /** The config as JSON, to change directly. */
  public ObjectNode config() {
    return config;
  }

  /**
   * Adds a timeline standing in for {@code media} (frame {@code i} of the file is timeline offset {@code i}).
   *
   * @param rate {@code 24}, {@code 23.976}, {@code 29.97 DF}, …
   */
  public ObjectNode timeline(String name, String startTimecode, String rate, long frames, Path media, boolean audio) {
    ArrayNode timelines = config.withArray("timelines");
    ObjectNode t = timelines.addObject();
    t.put("name", name);
    t.put("start_timecode", startTimecode);
    t.put("frame_rate", rate);
    t.put("frames", frames);
    t.put("width", 320);
    t.put("height", 240);
    t.put("media", media.toAbsolutePath().toString());
    t.put("audio", audio);
    t.putArray("markers");
    if (!config.has("current_timeline")) config.put("current_timeline", name);
    return t;
  }

  /** Adds a marker at {@code offset} to the timeline {@code t}. */
  public static ObjectNode marker(ObjectNode t, long offset, long duration, String color, String name, String note, String customData) {
    ObjectNode m = ((ArrayNode) t.get("markers")).addObject();
    m.put("frame", offset);
    m.put("duration", duration);
    m.put("color", color);
    m.put("name", name == null ? "" : name);
    m.put("note", note == null ? "" : note);
    m.put("customData", customData == null ? "" : customData);
    return m;
  }

  /** Sets the current render format and codec. */
  public FakeResolve render(String format, String codec) {
    ObjectNode r = config.putObject("render");
    r.put("format", format);
    r.put("codec", codec);
    return this;
  }

  /** Writes the API folder and returns a connector to the fake with short time limits and no extra environment. */
  public ResolveConnector connector() {
    return ResolveConnector.defaults().withScriptApi(writeApi()).withScriptLib(dir.resolve("no-fusionscript.so"))
        .withCallTimeout(java.time.Duration.ofSeconds(20)).withConnectTimeout(java.time.Duration.ofSeconds(20));
  }

  /** What the fake node {@code host} (null: the local one) last wrote about itself. */
  public JsonNode state(String host) {
    Path file = dir.resolve("state").resolve((host == null ? "local" : host) + ".json");
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
