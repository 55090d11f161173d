package io.regionmove.sandbox.mysql;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * A MariaDB (or MySQL) server reached over TCP with an administrator login (one that may create
 * databases and users and grant on them).
 */
public record MariaDbServer(String host, int port, String user, String password) {

  public MariaDbServer {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
  }

  public String jdbcUrl(String database) {
    return "jdbc:mariadb://" + host + ":" + port + "/" + (database == null ? "" : database);
  }

  /** A {@code mysql://user:password@host:port/db} URL, user and password URL-encoded. */
  public String url(String database, String user, String password) {
    String credentials = encode(user) + (password == null ? "" : ":" + encode(password));
    return "mysql://" + credentials + "@" + host + ":" + port + "/" + database;
  }

  /** Opens a connection as the administrator, to {@code database} (null for none). */
  public Connection connect(String database) throws SQLException {
    return connect(database, user, password);
  }

  /** Opens a connection as {@code user} to {@code database}. */
  public Connection connect(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10000");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /**
   * Reads a {@code mysql://} or {@code mariadb://} URL; its database path, if any, is ignored. The
   * port defaults to 3306 and the user to {@code root}.
   */
  public static MariaDbServer fromUrl(String mysqlUrl) {
    URI uri = URI.create(mysqlUrl.trim());
    if (!"mysql".equals(uri.getScheme()) && !"mariadb".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "The MySQL URL must start with mysql:// (got '" + uri.getScheme() + "').");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("The MySQL URL names no host.");
    }
    String user = "root";
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new MariaDbServer(
        uri.getHost(), uri.getPort() < 0 ? 3306 : uri.getPort(), user, password);
  }

  /** The database named by the path of a {@code mysql://} URL, null when it names none. */
  public static String databaseOf(String mysqlUrl) {
    String path = URI.create(mysqlUrl.trim()).getPath();
    return path == null || path.length() <= 1 ? null : path.substring(1);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "MariaDbServer[" + user + "@" + host + ":" + port + "]";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
