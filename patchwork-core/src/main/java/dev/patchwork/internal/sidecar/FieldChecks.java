package dev.patchwork.internal.sidecar;

import java.util.Set;

/**
 * Field-level checks shared by the sidecar records' constructors and the TOML reader, so both reject the
 * same values with the same words. Each check returns {@code null} when the value is fine, or a plain
 * sentence saying what is wrong and what was expected.
 */
public final class FieldChecks {

  /** ffmpeg's field orders (ffprobe {@code field_order}), without {@code unknown}. */
  public static final Set<String> FIELD_ORDERS = Set.of("progressive", "tt", "bb", "tb", "bt");

  /** ffmpeg's colour ranges (ffprobe {@code color_range}), without {@code unknown}. */
  public static final Set<String> COLOR_RANGES = Set.of("tv", "pc");

  private FieldChecks() {}

  /** Throws {@link IllegalArgumentException} naming {@code field} if {@code error} is not null. */
  public static void require(String field, String error) {
    if (error != null) throw new IllegalArgumentException(field + ": " + error);
  }

  /** Requires a non-blank string; returns it unchanged. */
  public static String requireText(String field, String value) {
    if (value == null) throw new NullPointerException(field);
    require(field, nonBlank(value));
    return value;
  }

  /** {@code null} for {@code null} or blank text, the text otherwise (unchanged). */
  public static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  public static String nonBlank(String value) {
    return value.isBlank() ? "must not be empty" : null;
  }

  public static String sha256(String value) {
    if (value.length() == 64 && isLowerHex(value)) return null;
    return "expected a SHA-256 as 64 lowercase hex digits, found " + quote(value)
        + (value.length() == 64 && isLowerHex(value.toLowerCase(java.util.Locale.ROOT)) ? " (upper case)" : "");
  }

  public static String fileName(String value) {
    if (value.isBlank()) return "must not be empty";
    if (value.indexOf('/') >= 0 || value.indexOf('\0') >= 0) {
      return "expected a file name without a directory, found " + quote(value);
    }
    if (value.equals(".") || value.equals("..")) return "expected a file name, found " + quote(value);
    return null;
  }

  /** {@code "1:1"}, {@code "64:45"}: two positive whole numbers. */
  public static String sampleAspectRatio(String value) {
    int colon = value.indexOf(':');
    if (colon > 0 && colon < value.length() - 1 && isDigits(value, 0, colon) && isDigits(value, colon + 1, value.length())
        && !isZero(value, 0, colon) && !isZero(value, colon + 1, value.length())) {
      return null;
    }
    return "expected a sample aspect ratio such as \"1:1\" or \"64:45\", found " + quote(value)
        + " (leave the key out when it is not known)";
  }

  public static String fieldOrder(String value) {
    return FIELD_ORDERS.contains(value) ? null
        : "expected one of \"progressive\", \"tt\", \"bb\", \"tb\", \"bt\", found " + quote(value)
            + " (leave the key out when it is not known)";
  }

  public static String colorRange(String value) {
    return COLOR_RANGES.contains(value) ? null
        : "expected \"tv\" (limited) or \"pc\" (full), found " + quote(value) + " (leave the key out when it is not known)";
  }

  /** A value for a message: in double quotes, shortened if long, control characters shown as escapes. */
  public static String quote(String value) {
    String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    return TomlText.basicString(v);
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
  }

  private static boolean isDigits(String s, int from, int to) {
    if (from >= to || to - from > 9) return false;
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
    }
    return true;
  }

  private static boolean isZero(String s, int from, int to) {
    return Integer.parseInt(s, from, to, 10) == 0;
  }
}
