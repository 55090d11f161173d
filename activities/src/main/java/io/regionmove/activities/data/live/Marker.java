package io.regionmove.activities.data.live;

import io.regionmove.activities.data.ToolFailedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * A row written on the source and awaited on the destination: once the destination shows it, every
 * transaction the source committed before it has been applied there too (the subscription applies
 * in commit order). The table is published with the user's tables and copied with their schema.
 */
final class Marker {

  private Marker() {}

  static void create(Connection source) throws SQLException {
    create(source, LiveNames.MARKER_TABLE);
  }

  /** Makes the marker table {@code table} (in {@link LiveNames#MARKER_SCHEMA}). */
  static void create(Connection c, String table) throws SQLException {
    Sql.execute(c, "create schema if not exists " + LiveNames.MARKER_SCHEMA);
    Sql.execute(
        c,
        "create table if not exists "
            + table
            + " (id int primary key, token text not null, written_at timestamptz not null)");
  }

  /** Writes a new token (also when writes are refused by default) and returns it. */
  static String write(Connection source) throws SQLException {
    return write(source, LiveNames.MARKER_TABLE);
  }

  static String write(Connection source, String table) throws SQLException {
    String token = UUID.randomUUID().toString();
    Sql.list(
        source,
        "insert into "
            + table
            + " values (1, ?, now()) on conflict (id)"
            + " do update set token = excluded.token, written_at = excluded.written_at"
            + " returning 1",
        rs -> 1,
        token);
    return token;
  }

  static boolean seen(Connection destination, String table, String token) throws SQLException {
    return Sql.one(
        destination,
        "select token = ? from " + table + " where id = 1",
        rs -> rs.getBoolean(1),
        false,
        token);
  }

  /**
   * Waits until the destination shows {@code token}, polling every {@code poll} and calling {@code
   * tick} meanwhile (a heartbeat, which throws on cancellation).
   */
  static void await(
      Connection destination, String token, Duration poll, Duration timeout, Runnable tick)
      throws SQLException {
    await(destination, LiveNames.MARKER_TABLE, token, poll, timeout, tick);
  }

  static void await(
      Connection destination,
      String table,
      String token,
      Duration poll,
      Duration timeout,
      Runnable tick)
      throws SQLException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!seen(destination, table, token)) {
      if (System.nanoTime() > deadline) {
        throw new ToolFailedException(
            "the destination had not applied the source's marker after "
                + timeout.toSeconds()
                + " s");
      }
      tick.run();
      pause(poll);
    }
  }

  /** Drops the marker table, and its schema when nothing else is in it. */
  static void drop(Connection c) throws SQLException {
    drop(c, LiveNames.MARKER_TABLE);
  }

  static void drop(Connection c, String table) throws SQLException {
    Sql.execute(c, "drop table if exists " + table);
    boolean empty =
        Sql.one(
            c,
            "select not exists (select 1 from pg_class c join pg_namespace n"
                + " on n.oid = c.relnamespace where n.nspname = ?)",
            rs -> rs.getBoolean(1),
            true,
            LiveNames.MARKER_SCHEMA);
    if (empty) {
      Sql.execute(c, "drop schema if exists " + LiveNames.MARKER_SCHEMA);
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted");
    }
  }
}
