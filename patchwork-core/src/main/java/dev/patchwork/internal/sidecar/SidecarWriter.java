package dev.patchwork.internal.sidecar;

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
import java.time.format.DateTimeFormatter;

/**
 * Writes a sidecar as TOML in one canonical layout: fixed key order, {@code schema = 1} first, one table
 * per section, optional keys left out when unknown, one region or change per line, {@code \n} line ends,
 * nothing that depends on the clock or the locale. Reading the text back gives an equal sidecar, and
 * writing that gives the same text.
 *
 * <p>Jackson's TOML generator is not used for writing because it writes nested tables as dotted keys and
 * every array on a single line: a content index of thousands of regions would become one line of
 * megabytes, unreadable and useless in a diff.
 */
public final class SidecarWriter {

  private final StringBuilder out;

  private SidecarWriter(int capacity) {
    out = new StringBuilder(capacity);
  }

  public static String toToml(Sidecar s) {
    SidecarWriter w = new SidecarWriter(2048 + 256 * s.content().regions().size());
    w.write(s);
    return w.out.toString();
  }

  private void write(Sidecar s) {
    key("schema").append(Sidecar.SCHEMA_VERSION).append('\n');
    master(s.master());
    video(s.video());
    for (AudioStream a : s.audio()) audio(a);
    encoder(s.encoder());
    origin(s.origin());
    content(s.content());
    for (HistoryEntry h : s.history()) history(h);
  }

  private void master(MasterInfo m) {
    table("[master]");
    string("file_name", m.fileName());
    number("size", m.size());
    string("sha256", m.sha256());
    string("container", m.container());
    number("frame_count", m.frameCount());
    string("frame_rate", m.frameRate().toString());
    string("start_timecode", m.startTimecode().toString());
  }

  private void video(VideoStream v) {
    table("[video]");
    string("codec", v.codec());
    string("profile", v.profile());
    string("level", v.level());
    string("pixel_format", v.pixelFormat());
    number("width", v.width());
    number("height", v.height());
    string("sample_aspect_ratio", v.sampleAspectRatio());
    string("field_order", v.fieldOrder());
    number("bit_rate", v.bitRate());
    ColorInfo c = v.color();
    if (!c.isUnspecified()) {
      table("[video.color]");
      string("primaries", c.primaries());
      string("transfer", c.transfer());
      string("matrix", c.matrix());
      string("range", c.range());
    }
    GopStructure g = v.gop();
    table("[video.gop]");
    bool("intra_only", g.intraOnly());
    number("length", g.length());
    number("b_frames", g.bFrames());
    bool("closed", g.closed());
  }

  private void audio(AudioStream a) {
    table("[[audio]]");
    string("codec", a.codec());
    number("sample_rate", a.sampleRate());
    number("channels", a.channels());
    string("layout", a.layout());
    number("bit_depth", a.bitDepth());
    number("bit_rate", a.bitRate());
  }

  private void encoder(Encoder e) {
    table("[encoder]");
    string("tool", e.tool());
    string("version", e.version());
    string("library", e.library());
    string("options", e.options());
  }

  private void origin(RenderOrigin o) {
    table("[origin]");
    string("kind", o.kind().tomlName());
    string("project", o.project());
    string("timeline", o.timeline());
    string("preset", o.preset());
    string("format", o.format());
    string("codec", o.codec());
  }

  private void content(ContentIndex c) {
    table("[content]");
    key("header");
    span(c.header());
    out.append('\n');
    key("regions").append("[\n");
    for (Region r : c.regions()) {
      out.append("  { start = ").append(r.start())
          .append(", frames = ").append(r.frames())
          .append(", leading = ").append(r.leading())
          .append(", offset = ").append(r.offset())
          .append(", length = ").append(r.length())
          .append(", sha256 = \"").append(r.sha256())
          .append("\", video_sha256 = \"").append(r.videoSha256())
          .append("\" },\n");
    }
    out.append("]\n");
    key("trailer");
    span(c.trailer());
    out.append('\n');
  }

  private void span(Region r) {
    out.append("{ offset = ").append(r.offset())
        .append(", length = ").append(r.length())
        .append(", sha256 = \"").append(r.sha256()).append("\" }");
  }

  private void history(HistoryEntry h) {
    table("[[history]]");
    string("time", DateTimeFormatter.ISO_INSTANT.format(h.time()));
    string("tool", h.tool());
    string("tool_version", h.toolVersion());
    string("parent_sha256", h.parentSha256());
    string("output_sha256", h.outputSha256());
    if (h.renderer() != null) string("renderer", h.renderer());
    if (h.changes().isEmpty()) {
      key("changes").append("[]\n");
      return;
    }
    key("changes").append("[\n");
    for (Change c : h.changes()) {
      out.append("  { start = ").append(c.range().start()).append(", frames = ").append(c.range().frames());
      if (c.name() != null) TomlText.appendBasicString(out.append(", name = "), c.name());
      if (c.color() != null) TomlText.appendBasicString(out.append(", color = "), c.color());
      if (c.note() != null) TomlText.appendBasicString(out.append(", note = "), c.note());
      out.append(" },\n");
    }
    out.append("]\n");
  }

  private void table(String header) {
    out.append('\n').append(header).append('\n');
  }

  private StringBuilder key(String key) {
    return out.append(key).append(" = ");
  }

  private void string(String key, String value) {
    if (value == null) return;
    TomlText.appendBasicString(key(key), value);
    out.append('\n');
  }

  private void number(String key, Number value) {
    if (value == null) return;
    key(key).append(value.longValue()).append('\n');
  }

  private void bool(String key, Boolean value) {
    if (value == null) return;
    key(key).append(value.booleanValue()).append('\n');
  }
}
