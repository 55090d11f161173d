package io.regionmove.cli;

import io.regionmove.sandbox.postgres.PostgresServer;
import java.math.BigDecimal;
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

/**
 * Compares two PostgreSQL databases table by table: row count and an order-independent checksum
 * (the sum of each row's 64-bit hash), computed the same way on both sides.
 */
final class DataIntegrity {

  record Table(long rows, BigDecimal checksum) {}

  record Line(String table, Table source, Table destination) {
    boolean matches() {
      return Objects.equals(source, destination);
    }
  }

  private DataIntegrity() {}

  static List<Line> compare(String sourceUrl, String destinationUrl) {
    Map<String, Table> source = fingerprint(sourceUrl);
    Map<String, Table> destination = fingerprint(destinationUrl);
    List<Line> lines = new ArrayList<>();
    TreeSet<String> tables = new TreeSet<>(source.keySet());
    tables.addAll(destination.keySet());
    for (String table : tables) {
      lines.add(new Line(table, source.get(table), destination.get(table)));
    }
    return lines;
  }

  /** Table name → fingerprint, for every user table of the database at that postgresql:// URL. */
  static Map<String, Table> fingerprint(String postgresqlUrl) {
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
          tables.put(name, new Table(rs.getLong(1), rs.getBigDecimal(2)));
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
    String format = "  %-20s %12s %12s  %-22s %s";
    console.println(
        String.format(format, "Table", "Source rows", "Dest rows", "Checksum", "Result"));
    for (Line line : lines) {
      String rowsSource = line.source() == null ? "missing" : Long.toString(line.source().rows());
      String rowsDest =
          line.destination() == null ? "missing" : Long.toString(line.destination().rows());
      String checksum = line.source() == null ? "-" : line.source().checksum().toPlainString();
      String result = line.matches() ? console.green("match") : console.red("DIFFERENT");
      console.println(String.format(format, line.table(), rowsSource, rowsDest, checksum, result));
    }
  }
}
