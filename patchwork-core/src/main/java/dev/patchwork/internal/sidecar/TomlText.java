package dev.patchwork.internal.sidecar;

/** Writing TOML values as text. */
public final class TomlText {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private TomlText() {}

  /**
   * {@code value} as a TOML basic string: in double quotes, with {@code "} and {@code \} escaped, the
   * usual short escapes for backspace, tab, newline, form feed and carriage return, {@code \}{@code uXXXX}
   * for the other control characters (U+0000-U+001F, U+007F), and every other character as itself.
   */
  public static String basicString(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2);
    appendBasicString(sb, value);
    return sb.toString();
  }

  /** Appends {@code value} as a TOML basic string (see {@link #basicString}). */
  public static void appendBasicString(StringBuilder sb, String value) {
    sb.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\f' -> sb.append("\\f");
        case '\r' -> sb.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
