package io.regionmove.sandbox.postgres;

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
 * A PostgreSQL server reached over TCP with a superuser login.
 *
 * @param password may be null (trust authentication)
 */
public record PostgresServer(String host, int port, String user, String password) {

  public PostgresServer {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
  }

  public String jdbcUrl(String db) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + db;
  }

  /** A {@code postgresql://user:password@host:port/db} URL, user and password URL-encoded. */
  public String url(String db, String user, String password) {
    String credentials = encode(user) + (password == null ? "" : ":" + encode(password));
    return "postgresql://" + credentials + "@" + host + ":" + port + "/" + db;
  }

  /** Opens a connection as the superuser to {@code db}. */
  public Connection connect(String db) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl(db), props);
  }

  /**
   * Reads a {@code postgresql://} or {@code postgres://} URL; its database path, if any, is
   * ignored. The port defaults to 5432 and the user to {@code postgres}.
   */
  public static PostgresServer fromUrl(String postgresqlUrl) {
    URI uri = URI.create(postgresqlUrl.trim());
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "The PostgreSQL URL must start with postgresql:// (got '" + uri.getScheme() + "').");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException(
          "The PostgreSQL URL names no host: " + redacted(postgresqlUrl));
    }
    String user = "postgres";
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new PostgresServer(
        uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), user, password);
  }

  /** The database named by the path of a {@code postgresql://} URL. */
  public static String databaseOf(String postgresqlUrl) {
    String path = URI.create(postgresqlUrl.trim()).getPath();
    return path == null || path.length() <= 1 ? "postgres" : path.substring(1);
  }

  @Override
  public String toString() {
    return "PostgresServer[" + user + "@" + host + ":" + port + "]";
  }

  private static String redacted(String url) {
    return url.replaceAll(":[^:@/]*@", ":***@");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
