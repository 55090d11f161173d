package io.regionmove.sandbox.mysql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-table row counts and checksums of a MariaDB/MySQL database, read with plain SQL apart from
 * any copy of it: for each base table, its row count and the MD5 of its rows' MD5s in sorted order,
 * each row read as the hex of every column's bytes ({@code CAST(... AS BINARY)}, so text, JSON,
 * BLOBs, DECIMAL and DATETIME(6) compare exactly), NULL told apart from any value.
 */
public final class MySqlFingerprint {

  /** One table's fingerprint. */
  public record Table(long rows, String md5) {}

  private MySqlFingerprint() {}

  /** Table name → fingerprint, for every base table of the database at {@code mysqlUrl}. */
  public static Map<String, Table> of(String mysqlUrl) {
    MariaDbServer server = MariaDbServer.fromUrl(mysqlUrl);
    String database = MariaDbServer.databaseOf(mysqlUrl);
    try (Connection c = server.connect(database, server.user(), server.password());
        Statement s = c.createStatement()) {
      s.execute("SET SESSION group_concat_max_len = 4294967295");
      Map<String, List<String>> columns = new TreeMap<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT c.TABLE_NAME, c.COLUMN_NAME FROM information_schema.COLUMNS c"
                  + " JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
                  + " AND t.TABLE_NAME = c.TABLE_NAME"
                  + " WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'"
                  + " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      Map<String, Table> tables = new TreeMap<>();
      for (Map.Entry<String, List<String>> table : columns.entrySet()) {
        List<String> parts = new ArrayList<>();
        for (String column : table.getValue()) {
          parts.add("COALESCE(HEX(CAST(" + quote(column) + " AS BINARY)), 'NULL')");
        }
        String row = "MD5(CONCAT_WS('|', " + String.join(", ", parts) + "))";
        try (ResultSet rs =
            s.executeQuery(
                "SELECT COUNT(*), COALESCE(MD5(GROUP_CONCAT(h ORDER BY h SEPARATOR '')), '')"
                    + " FROM (SELECT "
                    + row
                    + " AS h FROM "
                    + quote(table.getKey())
                    + ") AS t")) {
          rs.next();
          tables.put(table.getKey(), new Table(rs.getLong(1), rs.getString(2)));
        }
      }
      return tables;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot fingerprint the MySQL database "
              + database
              + " on "
              + server.host()
              + ":"
              + server.port()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
