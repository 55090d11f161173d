package io.regionmove.activities.data.postgres;

import io.regionmove.activities.data.DatabaseUrl;
import java.util.HashMap;
import java.util.List;
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
    DatabaseUrl parts = DatabaseUrl.parse(url, List.of("postgresql", "postgres"));
    String host =
        parts.host() != null ? parts.host() : parts.params().getOrDefault("host", "127.0.0.1");
    int port = parts.port() > 0 ? parts.port() : 5432;
    return new PostgresUrl(
        host, port, parts.database(), parts.user(), parts.password(), parts.params());
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
