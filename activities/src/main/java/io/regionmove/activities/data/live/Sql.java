package io.regionmove.activities.data.live;

import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.postgres.DatabaseInspector;
import io.regionmove.activities.data.postgres.PostgresUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Opening sessions on an addon's database with its own credentials, and small queries. */
final class Sql {

  private Sql() {}

  interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  /**
   * A session with the settings that make both sides print a row identically ({@link
   * DatabaseInspector#SESSION_SETTINGS}); writable even where writes are refused by default.
   */
  static Connection connect(PostgresUrl url) throws SQLException {
    Connection c = open(url.jdbcUrl(), url.jdbcProperties());
    try (Statement s = c.createStatement()) {
      s.execute(DatabaseInspector.SESSION_SETTINGS + "; set default_transaction_read_only = off");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * A replication-protocol session ({@code replication=database}), which can create a slot with an
   * exported snapshot; the addon's role needs the {@code REPLICATION} attribute.
   */
  static Connection replication(PostgresUrl url) throws SQLException {
    Properties props = url.jdbcProperties();
    props.setProperty("replication", "database");
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("assumeMinServerVersion", "10");
    return open(url.jdbcUrl(), props);
  }

  private static Connection open(String jdbcUrl, Properties props) throws SQLException {
    try {
      return DriverManager.getConnection(jdbcUrl, props);
    } catch (SQLException e) {
      throw new SQLException(Redaction.redact(e.getMessage()), e.getSQLState());
    }
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<T> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(row.read(rs));
        }
        return rows;
      }
    }
  }

  /** The first row's answer; {@code fallback} when there is no row. */
  static <T> T one(Connection c, String sql, Row<T> row, T fallback, Object... params)
      throws SQLException {
    List<T> rows = list(c, sql, row, params);
    return rows.isEmpty() ? fallback : rows.get(0);
  }

  /** A string literal: single quotes doubled. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
