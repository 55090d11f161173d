package io.regionmove.testkit;

import io.regionmove.sandbox.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row counts and checksums of a database, computed apart from the code under test: the
 * MD5 of every row's text form, in a stable order.
 */
public final class DatabaseFingerprint {

  /** One table's fingerprint. */
  public record Table(long rows, String md5) {}

  private DatabaseFingerprint() {}

  /**
   * Table name (schema-qualified) → fingerprint, for every ordinary table outside the system
   * schemas of the database at {@code postgresqlUrl}.
   */
  public static Map<String, Table> of(String postgresqlUrl) {
    try (Connection c = connect(postgresqlUrl)) {
      List<String> tables = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables"
                      + " WHERE table_type = 'BASE TABLE'"
                      + " AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      Map<String, Table> prints = new TreeMap<>();
      for (String table : tables) {
        try (Statement s = c.createStatement();
            ResultSet rs =
                s.executeQuery(
                    "SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '')"
                        + " FROM "
                        + table
                        + " t")) {
          rs.next();
          prints.put(table, new Table(rs.getLong(1), rs.getString(2)));
        }
      }
      return prints;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot fingerprint " + PostgresServer.databaseOf(postgresqlUrl) + ": " + e.getMessage(),
          e);
    }
  }

  /** A JDBC connection to the database at {@code postgresqlUrl} (a sandbox addon URL). */
  static Connection connect(String postgresqlUrl) throws SQLException {
    PostgresServer server = PostgresServer.fromUrl(postgresqlUrl);
    return DriverManager.getConnection(
        server.jdbcUrl(PostgresServer.databaseOf(postgresqlUrl)), server.user(), server.password());
  }
}
