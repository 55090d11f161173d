package io.regionmove.activities.data.postgres;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code postgresql://user:password@host:port/db?params} URL split so that the password never
 * reaches a command line, a log line or an exception message: tools get it through {@code
 * PGPASSWORD}, JDBC through its properties. Text that may quote a URL goes through {@link
 * io.regionmove.activities.data.Redaction}.
 */
public final class PostgresUrl {

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> params;

  private PostgresUrl(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> params) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.params = params;
  }

  public static PostgresUrl parse(String url) {
    if (url == null || !(url.startsWith("postgresql://") || url.startsWith("postgres://"))) {
      throw new IllegalArgumentException("not a postgresql:// URL");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      // The message would quote the URL, and so the password.
      throw new IllegalArgumentException("malformed postgresql:// URL");
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
    Map<String, String> params = new HashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          params.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
      }
    }
    String host = uri.getHost() != null ? uri.getHost() : params.getOrDefault("host", "127.0.0.1");
    int port = uri.getPort() > 0 ? uri.getPort() : 5432;
    if (database == null) {
      throw new IllegalArgumentException("the postgresql:// URL names no database");
    }
    return new PostgresUrl(host, port, database, user, password, params);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public String database() {
    return database;
  }

  /** libpq environment for pg_dump and pg_restore: everything, password included. */
  public Map<String, String> libpqEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", Integer.toString(port));
    env.put("PGDATABASE", database);
    if (user != null) {
      env.put("PGUSER", user);
    }
    if (password != null) {
      env.put("PGPASSWORD", password);
    }
    if (params.containsKey("sslmode")) {
      env.put("PGSSLMODE", params.get("sslmode"));
    }
    env.put("PGAPPNAME", "regionmove");
    return env;
  }

  public String jdbcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    String ssl = params.containsKey("sslmode") ? "?sslmode=" + params.get("sslmode") : "";
    return "jdbc:postgresql://" + h + ":" + port + "/" + database + ssl;
  }

  public Properties jdbcProperties() {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("ApplicationName", "regionmove");
    return props;
  }
}
