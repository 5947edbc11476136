package dev.patchwork.ffmpeg.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits a UTF-8 byte stream into lines ({@code \n}, {@code \r\n} or a lone {@code \r}, which ffmpeg uses to
 * redraw its status line) without ever holding more than one line, and no line longer than a limit: a tool
 * that writes megabytes without a newline cannot exhaust the heap.
 */
final class LineSplitter {

  private LineSplitter() {}

  /**
   * Reads {@code in} to its end, handing each line (without its terminator; truncated to {@code maxChars})
   * to {@code sink}. An unterminated last line is delivered too.
   */
  static void split(InputStream in, int maxChars, Consumer<String> sink) throws IOException {
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    char[] buf = new char[8192];
    StringBuilder line = new StringBuilder(128);
    boolean pending = false; // a line has begun (possibly empty so far)
    boolean afterCr = false;
    int n;
    while ((n = reader.read(buf)) >= 0) {
      for (int i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') {
          if (!afterCr) sink.accept(line.toString());
          line.setLength(0);
          pending = false;
          afterCr = false;
        } else if (c == '\r') {
          sink.accept(line.toString());
          line.setLength(0);
          pending = false;
          afterCr = true;
        } else {
          afterCr = false;
          pending = true;
          if (line.length() < maxChars) line.append(c);
        }
      }
    }
    if (pending) sink.accept(line.toString());
  }
}
