package io.regionmove.activities.data.live;

import io.regionmove.activities.data.postgres.TableName;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hashes of rows, the same on both sides for equal rows: the 64-bit hash of each row's text, in
 * sessions printing rows alike ({@link Sql#connect}). A whole table's fingerprint is its row count
 * and the sum of its rows' hashes (order-independent), as the stop-and-copy verification computes
 * it; rows found by key go through the key's index.
 */
final class RowHashes {

  /** Keys looked up per query. */
  private static final int BATCH = 5000;

  private static final String ROW = "\"regionmove row\"";

  private RowHashes() {}

  /** A table's row count and sum of row hashes. */
  record Fingerprint(long rows, BigDecimal sum) {

    Fingerprint minus(Collection<Long> hashes) {
      BigDecimal less = sum;
      for (long hash : hashes) {
        less = less.subtract(BigDecimal.valueOf(hash));
      }
      return new Fingerprint(rows - hashes.size(), less);
    }
  }

  static Fingerprint fingerprint(Connection c, TableName table) throws SQLException {
    return Sql.one(
        c,
        "select count(*), coalesce(sum(hashtextextended("
            + ROW
            + "::text, 0)), 0) from "
            + table.sql()
            + " as "
            + ROW,
        rs -> new Fingerprint(rs.getLong(1), rs.getBigDecimal(2)),
        null);
  }

  /**
   * The hash of each row of {@code table} whose key is among {@code keys} (keys as text, in the
   * order of {@link LiveTable#keyColumns()}); the answer is keyed by the key as this database
   * prints it, and rows that do not exist are absent.
   */
  static Map<List<String>, Long> byKey(Connection c, LiveTable table, Collection<List<String>> keys)
      throws SQLException {
    Map<List<String>, Long> hashes = new HashMap<>();
    List<List<String>> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += BATCH) {
      lookUp(c, table, all.subList(from, Math.min(all.size(), from + BATCH)), hashes);
    }
    return hashes;
  }

  /**
   * One query for a batch of keys: a lateral lookup per key, so each row is found through the key's
   * index whatever the table's size.
   */
  private static void lookUp(
      Connection c, LiveTable table, List<List<String>> keys, Map<List<String>, Long> into)
      throws SQLException {
    List<String> columns = table.keyColumns();
    StringBuilder select = new StringBuilder("select ");
    StringBuilder arrays = new StringBuilder();
    StringBuilder names = new StringBuilder();
    StringBuilder match = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      String column = TableName.quote(columns.get(i));
      select.append(ROW).append(".").append(column).append("::text, ");
      arrays
          .append(i == 0 ? "" : ", ")
          .append("?::text[]::")
          .append(table.keyTypes().get(i))
          .append("[]");
      names.append(i == 0 ? "" : ", ").append("k").append(i);
      match
          .append(i == 0 ? "" : " and ")
          .append(ROW)
          .append(".")
          .append(column)
          .append(" = \"regionmove key\".k")
          .append(i);
    }
    String sql =
        select
            + "hashtextextended("
            + ROW
            + "::text, 0) from unnest("
            + arrays
            + ") as \"regionmove key\"("
            + names
            + ") cross join lateral (select * from "
            + table.name().sql()
            + " as "
            + ROW
            + " where "
            + match
            + ") as "
            + ROW;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < columns.size(); i++) {
        String[] values = new String[keys.size()];
        for (int k = 0; k < keys.size(); k++) {
          values[k] = keys.get(k).get(i);
        }
        Array array = c.createArrayOf("text", values);
        ps.setArray(i + 1, array);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          List<String> key = new ArrayList<>(columns.size());
          for (int i = 0; i < columns.size(); i++) {
            key.add(rs.getString(i + 1));
          }
          into.put(key, rs.getLong(columns.size() + 1));
        }
      }
    }
  }

  /** The keys whose rows differ: on one side only, or with different hashes. */
  static List<List<String>> differing(
      Map<List<String>, Long> source, Map<List<String>, Long> destination) {
    List<List<String>> differing = new ArrayList<>();
    source.forEach(
        (key, hash) -> {
          if (!hash.equals(destination.get(key))) {
            differing.add(key);
          }
        });
    destination.keySet().stream().filter(k -> !source.containsKey(k)).forEach(differing::add);
    return differing;
  }
}
