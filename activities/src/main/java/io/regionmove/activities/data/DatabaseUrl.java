package io.regionmove.activities.data;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a database URL, {@code scheme://user:password@host:port/database?params}, decoded,
 * for the engines' own URL types. Its messages never quote the URL, which holds a password.
 *
 * @param host null when the URL names none
 * @param port -1 when the URL names none
 * @param database null when the URL names none
 * @param params the query's parameters, names as written
 */
public record DatabaseUrl(
    String host,
    int port,
    String user,
    String password,
    String database,
    Map<String, String> params) {

  /**
   * Parses {@code url}, which must start with one of {@code schemes} (the first names it in
   * messages) and name a database; anything else is an {@link IllegalArgumentException}.
   */
  public static DatabaseUrl parse(String url, List<String> schemes) {
    String kind = schemes.get(0) + "://";
    if (url == null || schemes.stream().noneMatch(s -> url.startsWith(s + "://"))) {
      throw new IllegalArgumentException("not a " + kind + " URL");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The message would quote the URL, and so the password.
      throw new IllegalArgumentException("malformed " + kind + " URL");
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    String path = uri.getRawPath();
    String database = path == null || path.length() <= 1 ? null : decode(path.substring(1));
    if (database == null) {
      throw new IllegalArgumentException("the " + kind + " URL names no database");
    }
    Map<String, String> params = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    return new DatabaseUrl(
        uri.getHost(), uri.getPort(), user, password, database, Map.copyOf(params));
  }

  /** Percent-decoding that keeps a {@code +} (common in passwords) as it is. */
  public static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "database " + database + " on " + host + ":" + port;
  }
}
