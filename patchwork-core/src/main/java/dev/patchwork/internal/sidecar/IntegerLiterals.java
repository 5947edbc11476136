package dev.patchwork.internal.sidecar;

import dev.patchwork.ValidationException.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds whole numbers of 19 or more digits in TOML text, outside strings and comments.
 *
 * <p>jackson-dataformat-toml 2.18 misreads 19-digit integers that fit in a {@code long} (it drops the
 * leading digit: jackson-dataformats-text issue 663, fixed in a later release), so the sidecar reader
 * refuses them before parsing rather than read a wrong size or offset. No sidecar number comes near
 * 18 digits (10^18 bytes is an exabyte).
 */
final class IntegerLiterals {

  static final int MAX_DIGITS = 18;

  private IntegerLiterals() {}

  static List<Problem> overlong(String text, String sourceName) {
    List<Problem> problems = new ArrayList<>();
    int n = text.length();
    int line = 1;
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if (c == '#') {
        while (i < n && text.charAt(i) != '\n') i++;
      } else if (c == '"' || c == '\'') {
        String delimiter = c == '"' ? "\"\"\"" : "'''";
        boolean multi = text.startsWith(delimiter, i);
        i += multi ? 3 : 1;
        while (i < n) {
          char d = text.charAt(i);
          if (c == '"' && d == '\\' && i + 1 < n) {
            if (text.charAt(i + 1) == '\n') line++;
            i += 2;
            continue;
          }
          if (d == '\n') {
            if (!multi) break; // unterminated: the parser reports it
            line++;
          } else if (d == c && (!multi || text.startsWith(delimiter, i))) {
            i += multi ? 3 : 1;
            break;
          }
          i++;
        }
      } else if (isDigit(c) && (i == 0 || !isWordChar(text.charAt(i - 1)))) {
        int start = i;
        int digits = 0;
        while (i < n && (isDigit(text.charAt(i)) || text.charAt(i) == '_')) {
          if (isDigit(text.charAt(i))) digits++;
          i++;
        }
        boolean partOfSomethingElse = i < n && (isWordChar(text.charAt(i)) || text.charAt(i) == '-' || text.charAt(i) == ':');
        if (digits > MAX_DIGITS && !partOfSomethingElse) {
          problems.add(new Problem(sourceName + ":" + line, "the number " + text.substring(start, i) + " is too large; "
              + "sidecar numbers have at most " + MAX_DIGITS + " digits"));
        }
      } else {
        i++;
      }
    }
    return problems;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }
}
