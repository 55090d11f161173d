package io.regionmove.activities.data.live;

import io.regionmove.activities.data.postgres.TableName;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What live mode reads of a database's catalog with the addon's own credentials: its user tables
 * and how rows are identified, their columns (to notice a schema change), sequences, large objects.
 * The marker schema is regionmove's own and never listed.
 */
final class LiveCatalog {

  private LiveCatalog() {}

  private static final String USER_RELATIONS =
      """
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r'
        and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'
        and n.nspname <> 'regionmove'
        and not exists (select 1 from pg_depend d
                         where d.classid = 'pg_class'::regclass and d.objid = c.oid
                           and d.deptype = 'e')
      """;

  private static final String KEY_COLUMNS =
      """
      (select array_agg(a.attname::text order by k.ord)
         from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = c.oid and %s)
      """;

  private static final String KEY_TYPES =
      """
      (select array_agg(format_type(a.atttypid, a.atttypmod) order by k.ord)
         from pg_index i cross join unnest(i.indkey) with ordinality k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = c.oid and %s)
      """;

  /** The user tables, in name order. */
  static List<LiveTable> tables(Connection c) throws SQLException {
    String sql =
        "select n.nspname, c.relname, c.relpersistence = 'u', c.relreplident::text, "
            + KEY_COLUMNS.formatted("i.indisreplident")
            + ", "
            + KEY_TYPES.formatted("i.indisreplident")
            + ", "
            + KEY_COLUMNS.formatted("i.indisprimary")
            + ", "
            + KEY_TYPES.formatted("i.indisprimary")
            + USER_RELATIONS
            + " order by 1, 2";
    return Sql.list(
        c,
        sql,
        rs -> {
          String identity = rs.getString(4);
          List<String> indexColumns = strings(rs.getArray(5));
          List<String> indexTypes = strings(rs.getArray(6));
          List<String> primaryColumns = strings(rs.getArray(7));
          List<String> primaryTypes = strings(rs.getArray(8));
          boolean byIndex = "i".equals(identity) && !indexColumns.isEmpty();
          return new LiveTable(
              new TableName(rs.getString(1), rs.getString(2)),
              rs.getBoolean(3),
              identity,
              byIndex ? indexColumns : primaryColumns,
              byIndex ? indexTypes : primaryTypes);
        });
  }

  /**
   * Table → its columns ({@code name type}, in order): two sides with equal maps have one schema.
   */
  static Map<TableName, List<String>> columns(Connection c) throws SQLException {
    Map<TableName, List<String>> columns = new TreeMap<>();
    Sql.list(
        c,
        "select n.nspname, c.relname,"
            + " array_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod)"
            + " order by a.attnum)::text[]"
            + " from pg_attribute a join pg_class c on c.oid = a.attrelid"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " where a.attnum > 0 and not a.attisdropped and c.oid in (select c.oid "
            + USER_RELATIONS
            + ") group by 1, 2",
        rs ->
            columns.put(new TableName(rs.getString(1), rs.getString(2)), strings(rs.getArray(3))));
    return columns;
  }

  /** What differs between the source's schema and the destination's, one sentence each. */
  static List<String> schemaDifferences(
      Map<TableName, List<String>> source, Map<TableName, List<String>> destination) {
    Map<String, String> differences = new LinkedHashMap<>();
    source.forEach(
        (table, cols) -> {
          List<String> other = destination.get(table);
          if (other == null) {
            differences.put(table.toString(), "table " + table + " was added on the source");
          } else if (!other.equals(cols)) {
            differences.put(table.toString(), "the columns of table " + table + " changed");
          }
        });
    destination.keySet().stream()
        .filter(t -> !source.containsKey(t))
        .forEach(t -> differences.put(t.toString(), "table " + t + " was dropped on the source"));
    return List.copyOf(differences.values());
  }

  /** Sequence → its last value; sequences never used are left out. */
  static Map<String, Long> sequences(Connection c) throws SQLException {
    Map<String, Long> values = new TreeMap<>();
    Sql.list(
        c,
        "select quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
            + " from pg_sequences where last_value is not null"
            + " and schemaname <> 'information_schema' and schemaname not like 'pg\\_%'",
        rs -> values.put(rs.getString(1), rs.getLong(2)));
    return values;
  }

  /** The large objects' ids. */
  static List<Long> largeObjects(Connection c) throws SQLException {
    return Sql.list(
        c, "select oid::bigint from pg_largeobject_metadata order by 1", rs -> rs.getLong(1));
  }

  /** The large objects' total size in bytes (each is opened and its end sought). */
  static long largeObjectBytes(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      return Sql.one(
          c,
          "select coalesce(sum(lo_lseek64(lo_open(oid, 262144), 0, 2)), 0)::bigint"
              + " from pg_largeobject_metadata",
          rs -> rs.getLong(1),
          0L);
    } finally {
      c.rollback();
      c.setAutoCommit(auto);
    }
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }
}
