package io.regionmove.activities.data.mysql;

import io.regionmove.activities.data.DatabaseUrl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A {@code mysql://user:password@host:port/db?params} URL (or {@code mariadb://}) split so that the
 * password never reaches a command line, a log line or an exception message: the tools get it
 * through {@code MYSQL_PWD}, JDBC through its properties. {@code useSSL=true} (or {@code ssl=true})
 * asks for an encrypted connection.
 */
final class MySqlUrl {

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final boolean ssl;

  private MySqlUrl(
      String host, int port, String database, String user, String password, boolean ssl) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.ssl = ssl;
  }

  static MySqlUrl parse(String url) {
    DatabaseUrl parts = DatabaseUrl.parse(url, List.of("mysql", "mariadb"));
    Map<String, String> params = new HashMap<>();
    parts.params().forEach((name, value) -> params.put(name.toLowerCase(Locale.ROOT), value));
    boolean ssl =
        "true".equalsIgnoreCase(params.getOrDefault("usessl", params.getOrDefault("ssl", "")));
    String host = parts.host() == null ? "127.0.0.1" : parts.host();
    return new MySqlUrl(
        host,
        parts.port() > 0 ? parts.port() : 3306,
        parts.database(),
        parts.user(),
        parts.password(),
        ssl);
  }

  String database() {
    return database;
  }

  String user() {
    return user;
  }

  /**
   * Connection options of mariadb-dump and mariadb, first among their arguments: no option file is
   * read, TCP even to {@code localhost}, utf8mb4 on the wire. The password is not among them.
   */
  List<String> toolArguments() {
    List<String> args = new ArrayList<>();
    args.add("--no-defaults");
    args.add("--protocol=TCP");
    args.add("--host=" + host);
    args.add("--port=" + port);
    if (user != null) {
      args.add("--user=" + user);
    }
    args.add("--default-character-set=utf8mb4");
    if (ssl) {
      args.add("--ssl");
    }
    return args;
  }

  /** The tools' environment: the password. */
  Map<String, String> toolEnvironment() {
    return password == null ? Map.of() : Map.of("MYSQL_PWD", password);
  }

  String jdbcUrl() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "jdbc:mariadb://" + h + ":" + port + "/" + database;
  }

  Properties jdbcProperties() {
    Properties props = new Properties();
    if (user != null) {
      props.setProperty("user", user);
    }
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10000");
    if (ssl) {
      props.setProperty("sslMode", "trust");
    }
    return props;
  }
}
