package dev.patchwork.examples;

import dev.patchwork.plan.PatchPlan;
import dev.patchwork.plan.Segment;
import java.util.Locale;

/** The CLI's JSON shapes, written by hand so field order is fixed and nothing else leaks in. */
final class Json {
  private Json() {}

  /** {@code {"segments":[{"kind":"keep","start":0,"frames":94},…]}}. */
  static String plan(PatchPlan plan) {
    return "{\"segments\":" + segments(plan) + "}";
  }

  static String segments(PatchPlan plan) {
    StringBuilder sb = new StringBuilder("[");
    for (Segment s : plan.segments()) {
      if (sb.length() > 1) sb.append(',');
      sb.append(String.format(Locale.ROOT, "{\"kind\":\"%s\",\"start\":%d,\"frames\":%d}", s.kind().jsonName(), s.start(), s.frames()));
    }
    return sb.append(']').toString();
  }

  /** A JSON string literal. */
  static String string(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
