package dev.patchwork.ffmpeg;

import dev.patchwork.PatchworkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An ffconcat script: which files the concat demuxer reads one after the other, where it starts ({@code inpoint}) and
 * stops ({@code outpoint}) in each, and how long each lasts on the output timeline ({@code duration}). Times are
 * whole microseconds; paths are absolute and quoted, so spaces, quotes and non-ASCII letters are safe.
 */
final class ConcatScript {

  /** One file of the script; null fields are left out. */
  record Entry(Path file, Long inpointMicros, Long outpointMicros, Long durationMicros) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(Path file, Long inpointMicros, Long outpointMicros, Long durationMicros) {
    entries.add(new Entry(file.toAbsolutePath(), inpointMicros, outpointMicros, durationMicros));
  }

  List<Entry> entries() {
    return List.copyOf(entries);
  }

  String text() {
    StringBuilder sb = new StringBuilder("ffconcat version 1.0\n");
    for (Entry e : entries) {
      sb.append("file ").append(quote(e.file().toString())).append('\n');
      if (e.inpointMicros() != null) sb.append("inpoint ").append(SpliceTime.seconds(e.inpointMicros())).append('\n');
      if (e.outpointMicros() != null) sb.append("outpoint ").append(SpliceTime.seconds(e.outpointMicros())).append('\n');
      if (e.durationMicros() != null) sb.append("duration ").append(SpliceTime.seconds(e.durationMicros())).append('\n');
    }
    return sb.toString();
  }

  void write(Path path) {
    try {
      Files.writeString(path, text(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PatchworkException("cannot write " + path + ": " + e, e);
    }
  }

  /** ffconcat's quoting: inside single quotes everything is literal; a quote itself is written {@code '\''}. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
