package dev.patchwork.resolve.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchwork.resolve.MarkInOut;
import dev.patchwork.resolve.Marker;
import dev.patchwork.resolve.RenderFormat;
import dev.patchwork.resolve.RenderJob;
import dev.patchwork.resolve.RenderJobStatus;
import dev.patchwork.resolve.Resolve;
import dev.patchwork.resolve.ResolveException;
import dev.patchwork.resolve.ResolveUnavailableException;
import dev.patchwork.resolve.ResolveUnavailableException.Reason;
import dev.patchwork.resolve.TimelineInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** {@link Resolve} over a {@link BridgeProcess}. */
public final class BridgedResolve implements Resolve {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BridgeProcess bridge;
  private final String host;
  private final Duration callTimeout;
  private final String product;
  private final String version;

  private BridgedResolve(BridgeProcess bridge, String host, Duration callTimeout, String product, String version) {
    this.bridge = bridge;
    this.host = host;
    this.callTimeout = callTimeout;
    this.product = product;
    this.version = version;
  }

  /**
   * Connects {@code bridge} to Resolve ({@code scriptapp("Resolve")}, or {@code scriptapp("Resolve", host)}). Closes the
   * bridge if that fails.
   *
   * @throws ResolveUnavailableException if the scripting module cannot be loaded or no Resolve answers
   */
  public static BridgedResolve connect(BridgeProcess bridge, String host, Duration connectTimeout, Duration callTimeout) {
    ObjectNode args = JSON.createObjectNode();
    if (host == null) args.putNull("host"); else args.put("host", host);
    String where = host == null ? "the local DaVinci Resolve" : "the DaVinci Resolve node " + host;
    try {
      JsonNode r = bridge.call("connect", args, connectTimeout, "scriptapp(\"Resolve\"" + (host == null ? "" : ", \"" + host + "\"") + ")");
      return new BridgedResolve(bridge, host, callTimeout, r.path("product").asText(""), r.path("version").asText(""));
    } catch (BridgeProcess.BridgeError e) {
      bridge.close();
      switch (e.kind()) {
        case "module_missing" -> throw new ResolveUnavailableException(Reason.MODULE_MISSING,
            "Resolve's scripting module cannot be loaded: " + e.getMessage() + ". Is DaVinci Resolve Studio installed? "
                + "Point RESOLVE_SCRIPT_API (--script-api) at its Developer/Scripting folder and RESOLVE_SCRIPT_LIB "
                + "(--script-lib) at fusionscript");
        case "not_running" -> throw new ResolveUnavailableException(Reason.NOT_RUNNING, where + " is not reachable ("
            + e.getMessage() + "): " + (host == null
                ? "start DaVinci Resolve Studio and set Preferences > System > General > External scripting using: Local"
                : "start DaVinci Resolve Studio there and set Preferences > System > General > External scripting using: "
                    + "Network"));
        default -> throw new ResolveUnavailableException(Reason.BRIDGE_FAILED, "cannot connect to " + where + ": "
            + e.getMessage());
      }
    } catch (ResolveException e) {
      bridge.close();
      if (e instanceof ResolveUnavailableException) throw e;
      throw new ResolveUnavailableException(Reason.NOT_RUNNING, "cannot connect to " + where + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      bridge.close();
      throw e;
    }
  }

  /** The bridge process (for tests). */
  public BridgeProcess bridge() {
    return bridge;
  }

  @Override
  public Optional<String> host() {
    return Optional.ofNullable(host);
  }

  @Override
  public String productName() {
    return product;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public String projectName() {
    return text(call("project", "GetName"));
  }

  @Override
  public boolean loadProject(String name) {
    Objects.requireNonNull(name, "name");
    JsonNode r = call("projectManager", "LoadProject", name);
    return r != null && r.isObject() && r.has("__object__");
  }

  @Override
  public List<String> timelineNames() {
    List<String> out = new ArrayList<>();
    for (JsonNode n : op("timelines", JSON.createObjectNode(), "the project's timelines")) out.add(n.asText(""));
    return out;
  }

  @Override
  public void selectTimeline(String name) {
    Objects.requireNonNull(name, "name");
    ObjectNode args = JSON.createObjectNode();
    args.put("name", name);
    op("selectTimeline", args, "SetCurrentTimeline(" + name + ")");
  }

  @Override
  public TimelineInfo timeline() {
    String name = text(call("timeline", "GetName"));
    long start = whole(call("timeline", "GetStartFrame"), "GetStartFrame()");
    long end = whole(call("timeline", "GetEndFrame"), "GetEndFrame()");
    String tc = text(call("timeline", "GetStartTimecode"));
    String rate = timelineSetting("timelineFrameRate");
    if (rate.isBlank()) rate = projectSetting("timelineFrameRate");
    String df = timelineSetting("timelineDropFrameTimecode");
    if (df.isBlank()) df = projectSetting("timelineDropFrameTimecode");
    if (end < start) {
      throw new ResolveException(ResolveException.CALL_FAILED, "the timeline '" + name + "' ends (GetEndFrame() = " + end
          + ") before it starts (GetStartFrame() = " + start + ")");
    }
    return new TimelineInfo(name, start, end, tc, rate, df);
  }

  @Override
  public List<Marker> markers() {
    JsonNode r = call("timeline", "GetMarkers");
    List<Marker> out = new ArrayList<>();
    if (r == null || !r.isObject()) return out;
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      long offset = wholeText(e.getKey(), "a GetMarkers() key");
      JsonNode info = e.getValue();
      long duration = info.hasNonNull("duration") ? whole(info.get("duration"), "a marker's duration") : 1;
      out.add(new Marker(offset, Math.max(1, duration), textOrNull(info, "color"), textOrNull(info, "name"),
          textOrNull(info, "note"), textOrNull(info, "customData")));
    }
    out.sort(Comparator.comparingLong(Marker::offset));
    return out;
  }

  @Override
  public String projectSetting(String name) {
    return text(call("project", "GetSetting", name));
  }

  @Override
  public String timelineSetting(String name) {
    return text(call("timeline", "GetSetting", name));
  }

  @Override
  public Map<String, String> renderFormats() {
    return textMap(call("project", "GetRenderFormats"));
  }

  @Override
  public Map<String, String> renderCodecs(String format) {
    return textMap(call("project", "GetRenderCodecs", format));
  }

  @Override
  public RenderFormat currentRenderFormat() {
    JsonNode r = call("project", "GetCurrentRenderFormatAndCodec");
    String format = r == null ? "" : r.path("format").asText("");
    String codec = r == null ? "" : r.path("codec").asText("");
    if (format.isBlank() || codec.isBlank()) {
      throw new ResolveException(ResolveException.CALL_FAILED, "GetCurrentRenderFormatAndCodec() returned no format and codec: " + r);
    }
    return new RenderFormat(format, codec);
  }

  @Override
  public boolean setCurrentRenderFormat(RenderFormat format) {
    return bool(call("project", "SetCurrentRenderFormatAndCodec", format.format(), format.codec()));
  }

  @Override
  public int renderMode() {
    return (int) whole(call("project", "GetCurrentRenderMode"), "GetCurrentRenderMode()");
  }

  @Override
  public boolean setRenderMode(int mode) {
    return bool(call("project", "SetCurrentRenderMode", mode));
  }

  @Override
  public List<String> renderPresets() {
    List<String> out = new ArrayList<>();
    JsonNode r = call("project", "GetRenderPresetList");
    if (r == null || !r.isArray()) return out;
    for (JsonNode n : r) {
      // a list of names; some versions describe each preset with a dict
      if (n.isTextual()) out.add(n.asText());
      else if (n.isObject()) {
        for (String key : List.of("PresetName", "Name", "name")) {
          if (n.hasNonNull(key)) {
            out.add(n.get(key).asText());
            break;
          }
        }
      }
    }
    return out;
  }

  @Override
  public boolean loadRenderPreset(String name) {
    return bool(call("project", "LoadRenderPreset", name));
  }

  @Override
  public boolean saveRenderPreset(String name) {
    return bool(call("project", "SaveAsNewRenderPreset", name));
  }

  @Override
  public boolean deleteRenderPreset(String name) {
    return bool(call("project", "DeleteRenderPreset", name));
  }

  @Override
  public boolean setRenderSettings(Map<String, ?> settings) {
    return bool(call("project", "SetRenderSettings", JSON.valueToTree(new LinkedHashMap<>(settings))));
  }

  @Override
  public String addRenderJob() {
    JsonNode r = call("project", "AddRenderJob");
    return r == null || r.isNull() ? "" : r.asText("");
  }

  @Override
  public boolean deleteRenderJob(String id) {
    return bool(call("project", "DeleteRenderJob", id));
  }

  @Override
  public List<RenderJob> renderJobs() {
    List<RenderJob> out = new ArrayList<>();
    JsonNode r = call("project", "GetRenderJobList");
    if (r == null || !r.isArray()) return out;
    for (JsonNode n : r) {
      if (!n.isObject() || !n.hasNonNull("JobId")) continue;
      Map<String, String> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull() && !e.getValue().isContainerNode()) fields.put(e.getKey(), e.getValue().asText());
      }
      out.add(new RenderJob(n.get("JobId").asText(), fields));
    }
    return out;
  }

  @Override
  public boolean startRendering(List<String> ids) {
    ArrayNode list = JSON.createArrayNode();
    ids.forEach(list::add);
    return bool(call("project", "StartRendering", list, false));
  }

  @Override
  public void stopRendering() {
    call("project", "StopRendering");
  }

  @Override
  public boolean isRenderingInProgress() {
    return bool(call("project", "IsRenderingInProgress"));
  }

  @Override
  public RenderJobStatus renderJobStatus(String id) {
    JsonNode r = call("project", "GetRenderJobStatus", id);
    if (r == null || !r.isObject()) return RenderJobStatus.EMPTY;
    Optional<String> raw = Optional.ofNullable(textOrNull(r, "JobStatus"));
    OptionalInt percent = OptionalInt.empty();
    if (r.hasNonNull("CompletionPercentage")) {
      percent = OptionalInt.of((int) Math.max(0, Math.min(100, number(r.get("CompletionPercentage")))));
    }
    OptionalLong taken = r.hasNonNull("TimeTakenToRenderInMs") ? OptionalLong.of(number(r.get("TimeTakenToRenderInMs")))
        : OptionalLong.empty();
    return new RenderJobStatus(RenderJobStatus.State.of(raw.orElse(null)), percent, taken,
        Optional.ofNullable(textOrNull(r, "Error")), raw);
  }

  @Override
  public Optional<MarkInOut> markInOut() {
    JsonNode r = op("markInOut", JSON.createObjectNode(), "GetMarkInOut()");
    if (r == null || r.isNull()) return Optional.empty();
    JsonNode v = r.path("video");
    OptionalLong in = v.hasNonNull("in") ? OptionalLong.of(number(v.get("in"))) : OptionalLong.empty();
    OptionalLong out = v.hasNonNull("out") ? OptionalLong.of(number(v.get("out"))) : OptionalLong.empty();
    return Optional.of(new MarkInOut(in, out));
  }

  @Override
  public boolean setMarkInOut(long in, long out) {
    return optionalCall("SetMarkInOut", in, out);
  }

  @Override
  public boolean clearMarkInOut() {
    return optionalCall("ClearMarkInOut");
  }

  @Override
  public void close() {
    bridge.close();
  }

  @Override
  public String toString() {
    return "Resolve[" + (host == null ? "local" : host) + ", " + product + " " + version + "]";
  }

  // ---------------------------------------------------------------------------------------------------------------

  private boolean optionalCall(String method, Object... args) {
    try {
      return bool(call("timeline", method, args));
    } catch (ResolveException e) {
      if (e.kind().equals(ResolveException.CALL_FAILED) && e.getMessage().contains("has no method")) return false;
      throw e;
    }
  }

  private JsonNode call(String target, String method, Object... args) {
    ObjectNode a = JSON.createObjectNode();
    a.put("target", target);
    a.put("method", method);
    ArrayNode list = a.putArray("args");
    for (Object arg : args) list.add(JSON.valueToTree(arg));
    return op("call", a, describe(target, method, args));
  }

  private JsonNode op(String op, ObjectNode args, String what) {
    try {
      return bridge.call(op, args, callTimeout, what);
    } catch (BridgeProcess.BridgeError e) {
      throw new ResolveException(e.kind(), what + " failed" + (host == null ? "" : " on " + host) + ": " + e.getMessage());
    }
  }

  private static String describe(String target, String method, Object[] args) {
    StringBuilder sb = new StringBuilder(switch (target) {
      case "project" -> "Project.";
      case "timeline" -> "Timeline.";
      case "projectManager" -> "ProjectManager.";
      default -> "Resolve.";
    }).append(method).append('(');
    for (int i = 0; i < args.length; i++) {
      if (i > 0) sb.append(", ");
      String s = String.valueOf(args[i] instanceof JsonNode j ? j.toString() : args[i]);
      sb.append(s.length() > 80 ? s.substring(0, 77) + "..." : s);
    }
    return sb.append(')').toString();
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() || n.isContainerNode() ? "" : n.asText("");
  }

  private static String textOrNull(JsonNode obj, String key) {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull() || n.isContainerNode()) return null;
    String s = n.asText("");
    return s.isBlank() ? null : s;
  }

  private static boolean bool(JsonNode n) {
    return n != null && (n.isBoolean() ? n.booleanValue() : n.isNumber() ? n.asLong() != 0 : n.isTextual() && !n.asText().isEmpty());
  }

  private static Map<String, String> textMap(JsonNode n) {
    Map<String, String> out = new LinkedHashMap<>();
    if (n == null || !n.isObject()) return out;
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), text(e.getValue()));
    }
    return out;
  }

  /** A whole number Resolve gave as an int, a float with no fraction ({@code 96.0}), or text. */
  private static long whole(JsonNode n, String what) {
    if (n == null || n.isNull() || n.isContainerNode()) {
      throw new ResolveException(ResolveException.CALL_FAILED, what + " returned " + (n == null ? "nothing" : n) + ", not a frame number");
    }
    return wholeText(n.asText(), what);
  }

  private static long wholeText(String text, String what) {
    try {
      return new BigDecimal(text.strip()).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ResolveException(ResolveException.CALL_FAILED, what + " is '" + text + "', not a whole frame number");
    }
  }

  private static long number(JsonNode n) {
    try {
      return new BigDecimal(n.asText("0").strip()).longValue();
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
