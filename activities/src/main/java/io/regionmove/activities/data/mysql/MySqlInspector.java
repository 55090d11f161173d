package io.regionmove.activities.data.mysql;

import io.regionmove.activities.data.Redaction;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the MySQL engine compares and cleans, over JDBC as the addon's user: the tables, their
 * fingerprints and definitions, views, triggers, routines, events and AUTO_INCREMENT counters. Each
 * session reads in UTC, so TIMESTAMP values print the same on both sides.
 */
final class MySqlInspector implements AutoCloseable {

  /** A column and its data type ({@code int}, {@code float}...). */
  record Column(String name, String type) {}

  /** What a table is, as information_schema names it. */
  enum Kind {
    TABLE,
    VIEW,
    SEQUENCE
  }

  private final Connection connection;
  private final String database;
  private volatile Statement running;

  private MySqlInspector(Connection connection, String database) {
    this.connection = connection;
    this.database = database;
  }

  static MySqlInspector connect(MySqlUrl url) throws SQLException {
    Connection connection;
    try {
      connection = DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
    } catch (SQLException e) {
      throw new SQLException(Redaction.redact(e.getMessage()), e.getSQLState());
    }
    try (Statement s = connection.createStatement()) {
      s.execute("SET SESSION time_zone = '+00:00', SESSION max_statement_time = 0");
    }
    return new MySqlInspector(connection, url.database());
  }

  String database() {
    return database;
  }

  /** Reads everything that follows in one consistent snapshot, until {@link #close}. */
  void startSnapshot() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }
  }

  /** The bytes of the database's tables and indexes, as the server's statistics count them. */
  long databaseSize() throws SQLException {
    return query(
        "SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH), 0) FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
        rs -> rs.next() ? rs.getLong(1) : 0L);
  }

  String serverVersion() throws SQLException {
    return query("SELECT VERSION()", rs -> rs.next() ? rs.getString(1) : "unknown");
  }

  /** The database's tables, views and sequences by name, in name order. */
  Map<String, Kind> objects() throws SQLException {
    return query(
        "SELECT TABLE_NAME, TABLE_TYPE FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
        rs -> {
          Map<String, Kind> objects = new TreeMap<>();
          while (rs.next()) {
            String type = rs.getString(2);
            objects.put(
                rs.getString(1),
                type.equals("VIEW")
                    ? Kind.VIEW
                    : type.equals("SEQUENCE") ? Kind.SEQUENCE : Kind.TABLE);
          }
          return objects;
        });
  }

  /** The base tables and sequences: what holds rows. */
  List<String> tables() throws SQLException {
    List<String> tables = new ArrayList<>();
    objects()
        .forEach(
            (name, kind) -> {
              if (kind != Kind.VIEW) {
                tables.add(name);
              }
            });
    return tables;
  }

  /**
   * The row count and an order-independent checksum of the table: the sum of a CRC-32 of each row,
   * computed by the server. A row is its columns' text (generated columns included) separated by a
   * unit separator, followed by which of them are null. A FLOAT is hashed as the DOUBLE it is
   * exactly: its own text keeps 6 significant digits, and would hide a value rounded on the way.
   */
  TableFingerprint fingerprint(String table, List<Column> columns) throws SQLException {
    StringBuilder values = new StringBuilder();
    StringBuilder nulls = new StringBuilder();
    for (Column column : columns) {
      String quoted = quote(column.name());
      values
          .append(values.isEmpty() ? "" : ", ")
          .append(column.type().equals("float") ? "CAST(" + quoted + " AS DOUBLE)" : quoted);
      nulls.append(nulls.isEmpty() ? "" : ", ").append("ISNULL(").append(quoted).append(")");
    }
    String row =
        columns.isEmpty() ? "''" : "CONCAT_WS(0x1f, " + values + ", CONCAT(" + nulls + "))";
    return query(
        "SELECT COUNT(*), COALESCE(SUM(CRC32(" + row + ")), 0) FROM " + quote(table),
        rs -> {
          rs.next();
          return new TableFingerprint(rs.getLong(1), rs.getBigDecimal(2));
        });
  }

  /** The columns of every table, in column order. */
  Map<String, List<Column>> columns() throws SQLException {
    return query(
        "SELECT TABLE_NAME, COLUMN_NAME, LOWER(DATA_TYPE) FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION",
        rs -> {
          Map<String, List<Column>> columns = new TreeMap<>();
          while (rs.next()) {
            columns
                .computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
                .add(new Column(rs.getString(2), rs.getString(3)));
          }
          return columns;
        });
  }

  /**
   * Each table's definition as comparable text: its columns (type, nullability, default,
   * generation, character set), indexes, foreign keys and checks, engine and collation. Names of
   * the database itself are left out, so two databases of different names compare equal.
   */
  Map<String, String> tableDefinitions() throws SQLException {
    Map<String, StringBuilder> definitions = new TreeMap<>();
    collect(
        definitions,
        "SELECT TABLE_NAME, CONCAT_WS('|', 'table', ENGINE, TABLE_COLLATION, TABLE_COMMENT)"
            + " FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
            + " AND TABLE_TYPE <> 'VIEW'");
    collect(
        definitions,
        "SELECT TABLE_NAME, CONCAT_WS('|', 'column', ORDINAL_POSITION, COLUMN_NAME, COLUMN_TYPE,"
            + " IS_NULLABLE, IFNULL(COLUMN_DEFAULT, '<none>'), EXTRA,"
            + " IFNULL(GENERATION_EXPRESSION, ''), IFNULL(CHARACTER_SET_NAME, ''),"
            + " IFNULL(COLLATION_NAME, ''), COLUMN_COMMENT)"
            + " FROM information_schema.COLUMNS c WHERE TABLE_SCHEMA = DATABASE()"
            + " AND EXISTS (SELECT 1 FROM information_schema.TABLES t"
            + " WHERE t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME"
            + " AND t.TABLE_TYPE <> 'VIEW')"
            + " ORDER BY TABLE_NAME, ORDINAL_POSITION");
    collect(
        definitions,
        "SELECT TABLE_NAME, CONCAT_WS('|', 'index', INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX,"
            + " COLUMN_NAME, IFNULL(SUB_PART, ''), INDEX_TYPE)"
            + " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
            + " ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX");
    collect(
        definitions,
        "SELECT k.TABLE_NAME, CONCAT_WS('|', 'foreign key', k.CONSTRAINT_NAME,"
            + " k.ORDINAL_POSITION, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,"
            + " k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE)"
            + " FROM information_schema.KEY_COLUMN_USAGE k"
            + " JOIN information_schema.REFERENTIAL_CONSTRAINTS r"
            + " ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA"
            + " AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME"
            + " WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL"
            + " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
    collect(
        definitions,
        "SELECT TABLE_NAME, CONCAT_WS('|', 'check', CONSTRAINT_NAME, CHECK_CLAUSE)"
            + " FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()"
            + " ORDER BY TABLE_NAME, CONSTRAINT_NAME");
    Map<String, String> texts = new TreeMap<>();
    definitions.forEach((table, text) -> texts.put(table, text.toString()));
    return texts;
  }

  /** Each table's AUTO_INCREMENT counter (tables without one are left out). */
  Map<String, Long> autoIncrements() throws SQLException {
    return query(
        "SELECT TABLE_NAME, AUTO_INCREMENT FROM information_schema.TABLES"
            + " WHERE TABLE_SCHEMA = DATABASE() AND AUTO_INCREMENT IS NOT NULL",
        rs -> {
          Map<String, Long> counters = new TreeMap<>();
          while (rs.next()) {
            counters.put(rs.getString(1), rs.getLong(2));
          }
          return counters;
        });
  }

  /** View name → its definition, with this database's name taken out of qualified names. */
  Map<String, String> views() throws SQLException {
    String qualifier = quote(database) + ".";
    Map<String, String> views =
        texts(
            "SELECT TABLE_NAME, CONCAT_WS('|', VIEW_DEFINITION, CHECK_OPTION, IS_UPDATABLE,"
                + " SECURITY_TYPE, ALGORITHM) FROM information_schema.VIEWS"
                + " WHERE TABLE_SCHEMA = DATABASE()");
    views.replaceAll((name, text) -> text.replace(qualifier, ""));
    return views;
  }

  /** Trigger name → when it fires on which table, and what it does. */
  Map<String, String> triggers() throws SQLException {
    return texts(
        "SELECT TRIGGER_NAME, CONCAT_WS('|', EVENT_OBJECT_TABLE, ACTION_TIMING,"
            + " EVENT_MANIPULATION, ACTION_ORDER, ACTION_ORIENTATION, ACTION_STATEMENT, SQL_MODE)"
            + " FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()");
  }

  /** {@code procedure p} or {@code function f} → its parameters, body and characteristics. */
  Map<String, String> routines() throws SQLException {
    Map<String, String> routines =
        texts(
            "SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME), CONCAT_WS('|',"
                + " IFNULL(DTD_IDENTIFIER, ''), ROUTINE_BODY, ROUTINE_DEFINITION,"
                + " IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, SQL_MODE, ROUTINE_COMMENT)"
                + " FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()");
    Map<String, String> parameters =
        texts(
            "SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', SPECIFIC_NAME), GROUP_CONCAT(CONCAT_WS(' ',"
                + " ORDINAL_POSITION, IFNULL(PARAMETER_MODE, ''), IFNULL(PARAMETER_NAME, ''),"
                + " DTD_IDENTIFIER) ORDER BY ORDINAL_POSITION SEPARATOR ', ')"
                + " FROM information_schema.PARAMETERS WHERE SPECIFIC_SCHEMA = DATABASE()"
                + " GROUP BY ROUTINE_TYPE, SPECIFIC_NAME");
    parameters.forEach((name, text) -> routines.computeIfPresent(name, (n, r) -> r + "|" + text));
    return routines;
  }

  /** Event name → its schedule and body. */
  Map<String, String> events() throws SQLException {
    return texts(
        "SELECT EVENT_NAME, CONCAT_WS('|', EVENT_DEFINITION, EVENT_TYPE,"
            + " IFNULL(EXECUTE_AT, ''), IFNULL(INTERVAL_VALUE, ''), IFNULL(INTERVAL_FIELD, ''),"
            + " IFNULL(STARTS, ''), IFNULL(ENDS, ''), STATUS, ON_COMPLETION, SQL_MODE,"
            + " TIME_ZONE, EVENT_COMMENT)"
            + " FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()");
  }

  /**
   * Ends every other session of this user on this database: a mariadb client orphaned by a killed
   * worker must not keep writing while a new attempt restores. A user may end its own sessions.
   */
  int endOtherSessions() throws SQLException {
    List<Long> sessions =
        query(
            "SELECT ID FROM information_schema.PROCESSLIST"
                + " WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"
                + " AND DB = DATABASE() AND ID <> CONNECTION_ID()",
            rs -> {
              List<Long> ids = new ArrayList<>();
              while (rs.next()) {
                ids.add(rs.getLong(1));
              }
              return ids;
            });
    int ended = 0;
    try (Statement s = connection.createStatement()) {
      for (long id : sessions) {
        try {
          s.execute("KILL CONNECTION " + id);
          ended++;
        } catch (SQLException e) {
          // it ended meanwhile
        }
      }
    }
    return ended;
  }

  /**
   * Drops every table, view, sequence, routine and event of the database, so that a restore starts
   * from an empty one whatever an earlier attempt left.
   *
   * @return the tables (and sequences) there were
   */
  int dropEverything() throws SQLException {
    Map<String, Kind> objects = objects();
    Map<String, String> routineTypes =
        query(
            "SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
                + " WHERE ROUTINE_SCHEMA = DATABASE()",
            rs -> {
              Map<String, String> found = new LinkedHashMap<>();
              while (rs.next()) {
                found.put(rs.getString(2) + " " + quote(rs.getString(1)), rs.getString(2));
              }
              return found;
            });
    List<String> events =
        query(
            "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()",
            rs -> {
              List<String> found = new ArrayList<>();
              while (rs.next()) {
                found.add(rs.getString(1));
              }
              return found;
            });
    int tables = 0;
    try (Statement s = connection.createStatement()) {
      running = s;
      try {
        s.execute("SET SESSION foreign_key_checks = 0");
        for (Map.Entry<String, Kind> object : objects.entrySet()) {
          String name = quote(object.getKey());
          switch (object.getValue()) {
            case VIEW -> s.execute("DROP VIEW IF EXISTS " + name);
            case SEQUENCE -> {
              s.execute("DROP SEQUENCE IF EXISTS " + name);
              tables++;
            }
            case TABLE -> {
              s.execute("DROP TABLE IF EXISTS " + name);
              tables++;
            }
          }
        }
        for (String routine : routineTypes.keySet()) {
          s.execute("DROP " + routine);
        }
        for (String event : events) {
          s.execute("DROP EVENT IF EXISTS " + quote(event));
        }
        s.execute("SET SESSION foreign_key_checks = 1");
      } finally {
        running = null;
      }
    }
    return tables;
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

  static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
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

  /** A two-column query as a name → text map; several rows of one name are joined in order. */
  private Map<String, String> texts(String sql) throws SQLException {
    return query(
        sql,
        rs -> {
          ResultSetMetaData meta = rs.getMetaData();
          if (meta.getColumnCount() != 2) {
            throw new SQLException("expected two columns");
          }
          Map<String, String> texts = new TreeMap<>();
          while (rs.next()) {
            String text = rs.getString(2);
            texts.merge(rs.getString(1), text == null ? "" : text, (a, b) -> a + "\n" + b);
          }
          return texts;
        });
  }

  private void collect(Map<String, StringBuilder> into, String sql) throws SQLException {
    texts(sql)
        .forEach(
            (table, text) ->
                into.computeIfAbsent(table, t -> new StringBuilder()).append(text).append('\n'));
  }
}
