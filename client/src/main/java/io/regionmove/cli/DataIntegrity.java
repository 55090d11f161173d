package io.regionmove.cli;

import io.regionmove.sandbox.mysql.MySqlFingerprint;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.redis.RedisFingerprint;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Compares the data of two addons of the same provider, computed the same way on both sides and
 * apart from the engines that copied it: for PostgreSQL and MySQL, per table, the row count and an
 * order-independent checksum; for Redis, the key count and a digest of every key's name, type,
 * value and whether it expires.
 */
final class DataIntegrity {

  /** What is compared of the tables, and the one line of a Redis database. */
  static final String REDIS_KEYS = "keys";

  /**
   * @param rows rows of a table, or keys of a Redis database
   * @param checksum equal for equal contents
   */
  record Table(long rows, String checksum) {}

  /**
   * @param provider the addons' provider, as their URL's scheme tells it
   * @param item a table, or {@value #REDIS_KEYS}
   */
  record Line(String provider, String item, Table source, Table destination) {
    boolean matches() {
      return Objects.equals(source, destination);
    }
  }

  private DataIntegrity() {}

  /** Compares the databases at two URLs of the same provider. */
  static List<Line> compare(String sourceUrl, String destinationUrl) {
    String provider = provider(sourceUrl);
    Map<String, Table> source = fingerprint(sourceUrl);
    Map<String, Table> destination = fingerprint(destinationUrl);
    List<Line> lines = new ArrayList<>();
    TreeSet<String> items = new TreeSet<>(source.keySet());
    items.addAll(destination.keySet());
    for (String item : items) {
      lines.add(new Line(provider, item, source.get(item), destination.get(item)));
    }
    return lines;
  }

  /** Item → fingerprint of the database at {@code url}: postgresql://, mysql:// or redis://. */
  static Map<String, Table> fingerprint(String url) {
    return switch (provider(url)) {
      case "postgresql" -> postgresql(url);
      case "mysql" -> mysql(url);
      case "redis" -> redis(url);
      default ->
          throw new CliException(
              ExitCodes.FAILED, "Cannot compare the data of " + provider(url) + " addons.");
    };
  }

  /** The provider of an addon URL, as its scheme names it. */
  static String provider(String url) {
    String scheme = String.valueOf(URI.create(url).getScheme());
    return scheme.equals("postgres") ? "postgresql" : scheme;
  }

  private static Map<String, Table> mysql(String url) {
    try {
      Map<String, Table> tables = new TreeMap<>();
      MySqlFingerprint.of(url).forEach((name, t) -> tables.put(name, new Table(t.rows(), t.md5())));
      return tables;
    } catch (IllegalStateException e) {
      throw new CliException(ExitCodes.FAILED, e.getMessage() + ".", e);
    }
  }

  private static Map<String, Table> redis(String url) {
    try {
      RedisFingerprint keys = RedisFingerprint.of(url);
      return Map.of(REDIS_KEYS, new Table(keys.size(), keys.digest()));
    } catch (JedisException e) {
      URI uri = URI.create(url);
      throw new CliException(
          ExitCodes.FAILED,
          "Cannot read the Redis database on "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " ("
              + e.getMessage()
              + ").",
          e);
    }
  }

  /** Table name → fingerprint, for every user table of the database at that postgresql:// URL. */
  private static Map<String, Table> postgresql(String postgresqlUrl) {
    PostgresServer server = PostgresServer.fromUrl(postgresqlUrl);
    Map<String, Table> tables = new TreeMap<>();
    try (Connection c = server.connect(PostgresServer.databaseOf(postgresqlUrl));
        Statement s = c.createStatement()) {
      s.execute(
          "set TimeZone = 'UTC'; set DateStyle = 'ISO, YMD'; set extra_float_digits = 3; set bytea_output = 'hex'");
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "select quote_ident(schemaname) || '.' || quote_ident(tablename) from pg_tables"
                  + " where schemaname not in ('pg_catalog', 'information_schema') order by 1")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String name : names) {
        try (ResultSet rs =
            s.executeQuery(
                "select count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) from "
                    + name
                    + " as t")) {
          rs.next();
          tables.put(name, new Table(rs.getLong(1), rs.getBigDecimal(2).toPlainString()));
        }
      }
    } catch (SQLException e) {
      throw new CliException(
          ExitCodes.FAILED,
          "Cannot read the database "
              + PostgresServer.databaseOf(postgresqlUrl)
              + " on "
              + server.host()
              + ":"
              + server.port()
              + " ("
              + e.getMessage()
              + ").",
          e);
    }
    return tables;
  }

  static void print(Console console, List<Line> lines) {
    String format = "  %-10s %-20s %12s %12s  %-22s %s";
    console.println(
        String.format(
            format, "Addon", "Table or keys", "Source", "Destination", "Checksum", "Result"));
    for (Line line : lines) {
      String rowsSource = line.source() == null ? "missing" : Long.toString(line.source().rows());
      String rowsDest =
          line.destination() == null ? "missing" : Long.toString(line.destination().rows());
      String checksum = line.source() == null ? "-" : shortened(line.source().checksum());
      String result = line.matches() ? console.green("match") : console.red("DIFFERENT");
      console.println(
          String.format(
              format, line.provider(), line.item(), rowsSource, rowsDest, checksum, result));
    }
  }

  private static String shortened(String checksum) {
    return checksum.length() <= 22 ? checksum : checksum.substring(0, 21) + "…";
  }
}
