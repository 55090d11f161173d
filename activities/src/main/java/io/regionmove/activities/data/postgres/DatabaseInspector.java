package io.regionmove.activities.data.postgres;

import io.regionmove.activities.data.Redaction;
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
 * Reads what the data step compares, over JDBC: user tables, their fingerprints, sequence values.
 * Each session pins the settings that shape a row's text (time zone, date and float output, bytea
 * output) so both sides print equal rows identically.
 */
public final class DatabaseInspector implements AutoCloseable {

  private static final String USER_TABLES =
      """
      select n.nspname, c.relname
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where c.relkind = 'r'
         and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'
         and not exists (select 1 from pg_depend d
                          where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
       order by 1, 2
      """;

  private static final String USER_SEQUENCES =
      """
      select schemaname, sequencename, last_value from pg_sequences
       where schemaname <> 'information_schema' and schemaname not like 'pg\\_%'
       order by 1, 2
      """;

  /**
   * The settings that shape a row's text, the same in every session that compares rows, so both
   * sides print equal rows identically.
   */
  public static final String SESSION_SETTINGS =
      "set TimeZone = 'UTC'; set DateStyle = 'ISO, YMD'; set IntervalStyle = 'postgres';"
          + " set extra_float_digits = 3; set bytea_output = 'hex'; set lc_monetary = 'C';"
          + " set statement_timeout = 0";

  private final Connection connection;
  private volatile Statement running;

  private DatabaseInspector(Connection connection) {
    this.connection = connection;
  }

  static DatabaseInspector connect(PostgresUrl url) throws SQLException {
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException(Redaction.redact(e.getMessage()), e.getSQLState());
    }
    try (Statement s = connection.createStatement()) {
      s.execute(SESSION_SETTINGS);
    }
    return new DatabaseInspector(connection);
  }

  /**
   * Opens a read-only repeatable-read transaction and exports its snapshot, so pg_dump and this
   * session read the same data.
   *
   * @return the snapshot id to give {@code pg_dump --snapshot}
   */
  String exportSnapshot() throws SQLException {
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("select pg_export_snapshot()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Keeps this session's queries to one process: the rows of the manifest are counted while pg_dump
   * runs and a restore follows it, and parallel workers would take the cores they need.
   */
  void withoutParallelWorkers() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("set max_parallel_workers_per_gather = 0");
    }
  }

  /** The database's size on disk, as {@code pg_database_size} counts it. */
  long databaseSize() throws SQLException {
    return query(
        "select pg_database_size(current_database())", rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  String serverVersion() throws SQLException {
    return query("show server_version", rs -> rs.next() ? rs.getString(1) : "unknown");
  }

  List<TableName> tables() throws SQLException {
    return query(
        USER_TABLES,
        rs -> {
          List<TableName> tables = new ArrayList<>();
          while (rs.next()) {
            tables.add(new TableName(rs.getString(1), rs.getString(2)));
          }
          return tables;
        });
  }

  /**
   * Ends every other session of this database: a pg_restore orphaned by a killed worker must not
   * keep writing while a new attempt restores. The addon's own role may end its own sessions.
   */
  int endOtherSessions() throws SQLException {
    return query(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity"
            + " where datname = current_database() and pid <> pg_backend_pid()",
        rs -> rs.next() ? rs.getInt(1) : 0);
  }

  long countRows(TableName table) throws SQLException {
    return query("select count(*) from " + table.sql(), rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  TableFingerprint fingerprint(TableName table) throws SQLException {
    // The alias has a space so that no column can shadow the whole-row reference.
    String sql =
        "select count(*), coalesce(sum(hashtextextended(\"regionmove row\"::text, 0)), 0) from "
            + table.sql()
            + " as \"regionmove row\"";
    return query(
        sql,
        rs -> {
          rs.next();
          return new TableFingerprint(rs.getLong(1), rs.getBigDecimal(2));
        });
  }

  /** Sequence name → last value (null when never used or not readable). */
  Map<String, Long> sequences() throws SQLException {
    return query(
        USER_SEQUENCES,
        rs -> {
          Map<String, Long> values = new TreeMap<>();
          while (rs.next()) {
            long value = rs.getLong(3);
            values.put(rs.getString(1) + "." + rs.getString(2), rs.wasNull() ? null : value);
          }
          return values;
        });
  }

  /** Stops the statement running in another thread, if any (on cancellation). */
  void cancel() {
    Statement statement = running;
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // the statement ended meanwhile
      }
    }
  }

  @Override
  public void close() {
    cancel();
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing to keep
    }
  }

  private interface Reader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private <T> T query(String sql, Reader<T> reader) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      running = statement;
      try (ResultSet rs = statement.executeQuery(sql)) {
        return reader.read(rs);
      } finally {
        running = null;
      }
    }
  }
}
