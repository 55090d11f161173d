package io.regionmove.cli;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The webhooks of {@code migration-create --notify URL} (repeatable), or else of {@value #ENV}
 * (comma-separated): each an http(s) URL with a host, else a usage error (exit 2) naming it, before
 * anything starts.
 */
final class NotifyUrls {

  static final String ENV = "REGIONMOVE_NOTIFY_URLS";

  private NotifyUrls() {}

  /** The URLs of the options, or of the variable when no option is given; in order, once each. */
  static List<String> resolve(List<String> options, String environment) {
    Set<String> urls = new LinkedHashSet<>();
    if (options != null && !options.isEmpty()) {
      for (String url : options) {
        urls.add(check(url, "--notify " + quoted(url) + " is not a webhook URL"));
      }
    } else if (environment != null && !environment.isBlank()) {
      for (String url : environment.split(",")) {
        if (!url.isBlank()) {
          urls.add(
              check(url.strip(), ENV + " holds " + quoted(url) + ", which is not a webhook URL"));
        }
      }
    }
    return new ArrayList<>(urls);
  }

  private static String check(String url, String problem) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return url;
      }
    } catch (java.net.URISyntaxException e) {
      // the sentence below says what is expected
    }
    throw new CliException(
        ExitCodes.USAGE,
        problem
            + "; give an http:// or https:// URL such as https://hooks.example.com/regionmove.");
  }

  private static String quoted(String url) {
    String text = url == null ? "" : url;
    String cut = text.length() > 60 ? text.substring(0, 60) + "..." : text;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
