package io.regionmove.activities.data.live;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regionmove.activities.data.postgres.TableName;
import io.regionmove.regionapi.Json;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rows a stretch of the source's WAL changed, read from a verification slot ({@code wal2json},
 * format 2) without consuming it: per table, the keys of the rows inserted, updated (old and new
 * key) or deleted, and the tables truncated. Changes to regionmove's marker are left out.
 */
final class ChangedRows {

  /** Numbers read exactly, so a key's text is the one PostgreSQL printed. */
  private static final ObjectMapper JSON =
      Json.mapper()
          .copy()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  private final Map<TableName, Set<List<String>>> keys = new HashMap<>();
  private final Set<TableName> truncated = new TreeSet<>();
  private final Set<TableName> unknown = new TreeSet<>();
  private long changes;

  private ChangedRows() {}

  static ChangedRows none() {
    return new ChangedRows();
  }

  /**
   * The changes of the transactions the slot holds that committed up to {@code uptoLsn} (all when
   * null).
   */
  static ChangedRows read(
      Connection c, String slot, String uptoLsn, Map<TableName, LiveTable> tables)
      throws SQLException {
    ChangedRows rows = new ChangedRows();
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps =
        c.prepareStatement(
            "select data from pg_logical_slot_peek_changes(?, ?::pg_lsn, null,"
                + " 'format-version', '2', 'include-transaction', 'false')")) {
      ps.setString(1, slot);
      ps.setString(2, uptoLsn);
      ps.setFetchSize(2000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(JSON.readTree(rs.getString(1)), tables);
        }
      }
    } catch (IOException e) {
      throw new SQLException("unreadable change in slot " + slot + ": " + e.getMessage());
    } finally {
      c.rollback();
      c.setAutoCommit(auto);
    }
    return rows;
  }

  private void add(JsonNode change, Map<TableName, LiveTable> tables) {
    String action = change.path("action").asText();
    String schema = change.path("schema").asText();
    if (schema.equals(LiveNames.MARKER_SCHEMA) || schema.isEmpty()) {
      return;
    }
    changes++;
    TableName name = new TableName(schema, change.path("table").asText());
    LiveTable table = tables.get(name);
    if (table == null) {
      unknown.add(name);
      return;
    }
    if ("T".equals(action) || !table.hasKey()) {
      truncated.add(name);
      return;
    }
    Set<List<String>> tableKeys = keys.computeIfAbsent(name, t -> new LinkedHashSet<>());
    key(change.get("columns"), table).ifPresent(tableKeys::add);
    key(change.get("identity"), table).ifPresent(tableKeys::add);
  }

  private static Optional<List<String>> key(JsonNode columns, LiveTable table) {
    if (columns == null || !columns.isArray()) {
      return Optional.empty();
    }
    Map<String, JsonNode> byName = new HashMap<>();
    columns.forEach(column -> byName.put(column.path("name").asText(), column.get("value")));
    List<String> key = new ArrayList<>(table.keyColumns().size());
    for (String column : table.keyColumns()) {
      JsonNode value = byName.get(column);
      if (value == null || value.isNull()) {
        return Optional.empty();
      }
      key.add(value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
    }
    return Optional.of(key);
  }

  /** The keys changed in {@code table}; empty when none. */
  Collection<List<String>> keys(TableName table) {
    return keys.getOrDefault(table, Set.of());
  }

  Set<TableName> changedTables() {
    Set<TableName> all = new TreeSet<>(keys.keySet());
    all.addAll(truncated);
    return all;
  }

  /** Tables whose every row must be compared: truncated, or without a key. */
  Set<TableName> truncated() {
    return truncated;
  }

  /** Tables changed on the source that the check did not know of (made after it began). */
  Set<TableName> unknownTables() {
    return unknown;
  }

  /** Rows changed (a key counted once per table). */
  long rows() {
    return keys.values().stream().mapToLong(Set::size).sum();
  }

  /** Changes read, repeated changes of one row included. */
  long changes() {
    return changes;
  }

  /**
   * These changes but those of {@code other}: its keys, and every row of a table it truncated (or
   * changed without a key).
   */
  ChangedRows minus(ChangedRows other) {
    ChangedRows left = new ChangedRows();
    keys.forEach(
        (table, set) -> {
          if (other.truncated.contains(table)) {
            return;
          }
          Set<List<String>> kept = new LinkedHashSet<>(set);
          kept.removeAll(other.keys(table));
          if (!kept.isEmpty()) {
            left.keys.put(table, kept);
          }
        });
    left.truncated.addAll(truncated);
    left.truncated.removeAll(other.truncated);
    left.unknown.addAll(unknown);
    left.changes = changes;
    return left;
  }
}
