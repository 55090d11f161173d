package io.regionmove.activities.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides addon connection URLs, which carry the addon's password, in any text that may reach a log,
 * a result or a failure message: a tool's stderr, a driver's exception.
 */
public final class Redaction {

  private static final Pattern URL_IN_TEXT =
      Pattern.compile(
          "(postgres(?:ql)?|mysql|mariadb|rediss?)://[^\\s'\"]*", Pattern.CASE_INSENSITIVE);

  private Redaction() {}

  /** Replaces every database URL in {@code text} by its scheme and {@code ***}. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    Matcher matcher = URL_IN_TEXT.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String scheme = matcher.group(1).toLowerCase(java.util.Locale.ROOT);
      String shown = scheme.startsWith("postgres") ? "postgresql" : scheme;
      matcher.appendReplacement(out, Matcher.quoteReplacement(shown + "://***"));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
