package dev.patchwork.examples;

import dev.patchwork.PatchListener;
import dev.patchwork.plan.Segment;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Timer;
import java.util.TimerTask;

/**
 * Progress for people on stderr, for long steps only: a step that is still running after a second gets its message
 * as a line ({@code hashing Feature.mov (2.5 GB) …}), then every two seconds a line with how far it got
 * ({@code hashing 1.2 GB of 2.5 GB … 48 %}). Quick steps print nothing, so a command that fails fast prints its one
 * error line alone. Steps whose message starts with {@code hashing} count bytes; others count frames.
 * Close it when the command ends.
 */
final class ProgressLines implements PatchListener, AutoCloseable {

  private static final long SECOND_NANOS = 1_000_000_000L;

  private final PrintWriter err;
  private final Timer timer = new Timer("patchwork-progress", true);
  private String message;
  private String step = "";
  private boolean bytes;
  private boolean shown;
  private long since;
  private long lastLine;
  private long done;
  private long total;

  ProgressLines(PrintWriter err) {
    this.err = err;
    timer.schedule(new TimerTask() {
      @Override
      public void run() {
        tick();
      }
    }, 250, 250);
  }

  @Override
  public synchronized void message(String text) {
    message = text;
    step = text.contains(" ") ? text.substring(0, text.indexOf(' ')) : text;
    bytes = step.equals("hashing");
    shown = false;
    since = System.nanoTime();
    done = 0;
    total = 0;
  }

  @Override
  public synchronized void progress(Segment segment, long doneSoFar, long all) {
    done = doneSoFar;
    total = all;
  }

  private synchronized void tick() {
    if (message == null) return;
    long now = System.nanoTime();
    if (now - since < SECOND_NANOS) return;
    if (!shown) {
      err.println(message + " …");
      shown = true;
      lastLine = now;
    } else if (now - lastLine >= 2 * SECOND_NANOS && total > 0 && done < total) {
      String amount = bytes ? size(done) + " of " + size(total) : done + " of " + total + " frames";
      err.printf(Locale.ROOT, "%s %s … %d %%%n", step, amount, done * 100 / total);
      lastLine = now;
    }
    err.flush();
  }

  @Override
  public void close() {
    timer.cancel();
  }

  /** {@code 1.2 GB}, {@code 340 MB}, {@code 12 KB}, {@code 512 bytes}: decimal units. */
  static String size(long bytes) {
    String[] units = {"KB", "MB", "GB", "TB", "PB"};
    if (bytes < 1000) return bytes + " bytes";
    long scale = 1000;
    int u = 0;
    while (u < units.length - 1 && bytes >= scale * 1000) {
      scale *= 1000;
      u++;
    }
    long tenths = (bytes * 10 + scale / 2) / scale;
    return (tenths < 100 ? tenths / 10 + "." + tenths % 10 : Long.toString((tenths + 5) / 10)) + " " + units[u];
  }

  /** {@code 820 MB/s}. */
  static String rate(long bytesPerSecond) {
    return size(bytesPerSecond) + "/s";
  }
}
