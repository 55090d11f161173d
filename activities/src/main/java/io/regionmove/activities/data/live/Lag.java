package io.regionmove.activities.data.live;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * How far the destination is behind, read on the source with the addon's credentials: the WAL
 * written since the position the subscription last confirmed ({@code confirmed_flush_lsn} of its
 * slot) and the replay lag its WAL sender reports.
 *
 * @param bytes -1 when the slot is gone
 * @param seconds 0 when caught up; -1 when no WAL sender streams
 */
record Lag(long bytes, double seconds) {

  static Lag of(Connection source, LiveNames names) throws SQLException {
    long bytes =
        Sql.one(
            source,
            "select pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " from pg_replication_slots where slot_name = ?",
            rs -> Math.max(0, rs.getLong(1)),
            -1L,
            names.slot());
    double seconds =
        Sql.one(
            source,
            "select coalesce(extract(epoch from replay_lag), 0)::float8 from pg_stat_replication"
                + " where application_name = ?",
            rs -> rs.getDouble(1),
            -1.0,
            names.subscription());
    return new Lag(bytes, seconds);
  }

  /** {@code 12.3 kB behind (0.1 s)}. */
  String describe() {
    if (bytes < 0) {
      return "no replication slot";
    }
    return humanBytes(bytes)
        + " behind"
        + (seconds < 0 ? "" : String.format(java.util.Locale.ROOT, " (%.1f s)", seconds));
  }

  static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    String[] units = {"kB", "MB", "GB", "TB"};
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
