package io.regionmove.sandbox.postgres;

import io.regionmove.sandbox.postgres.LogicalReplication.Slot;
import io.regionmove.sandbox.postgres.LogicalReplication.SubscriptionState;
import io.regionmove.sandbox.postgres.LogicalReplication.TableSync;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What PostgreSQL's catalogs say of a database's slots and subscription, and their cleanup. */
final class ReplicationCatalog {

  private static final Duration WORKERS_EXIT = Duration.ofSeconds(30);
  private static final Duration SLOTS_RELEASED = Duration.ofSeconds(30);

  private ReplicationCatalog() {}

  static List<Slot> slots(Connection c, String database) throws SQLException {
    List<Slot> slots = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT slot_name, plugin, active FROM pg_replication_slots WHERE database = ?"
                + " ORDER BY slot_name")) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          slots.add(new Slot(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        }
      }
    }
    return slots;
  }

  /** Ends the sessions holding the database's slots and drops them all. */
  static void dropSlots(Connection c, String database) throws SQLException {
    long deadline = System.nanoTime() + SLOTS_RELEASED.toNanos();
    while (true) {
      try (PreparedStatement terminate =
          c.prepareStatement(
              "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                  + " WHERE database = ? AND active_pid IS NOT NULL")) {
        terminate.setString(1, database);
        terminate.execute();
      }
      List<Slot> left = slots(c, database);
      boolean busy = false;
      for (Slot slot : left) {
        try (PreparedStatement drop = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
          drop.setString(1, slot.name());
          drop.execute();
        } catch (SQLException e) {
          // Still held by a session that is ending, or dropped meanwhile: look again.
          busy = true;
        }
      }
      if (!busy) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new SQLException(
            "The replication slots of " + database + " are still in use after " + SLOTS_RELEASED);
      }
      LogicalReplication.pause(Duration.ofMillis(100));
    }
  }

  static Optional<String> subscriptionName(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                    + " WHERE d.datname = current_database() ORDER BY subname LIMIT 1")) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  static Optional<SubscriptionState> state(Connection c) throws SQLException {
    long oid;
    String name;
    boolean enabled;
    String slot;
    String publication;
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT s.oid, s.subname, s.subenabled, s.subslotname,"
                    + " array_to_string(s.subpublications, ',')"
                    + " FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                    + " WHERE d.datname = current_database() ORDER BY s.subname LIMIT 1")) {
      if (!rs.next()) {
        return Optional.empty();
      }
      oid = rs.getLong(1);
      name = rs.getString(2);
      enabled = rs.getBoolean(3);
      slot = rs.getString(4);
      publication = rs.getString(5);
    }
    List<TableSync> tables = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT n.nspname || '.' || cl.relname, r.srsubstate FROM pg_subscription_rel r"
                + " JOIN pg_class cl ON cl.oid = r.srrelid"
                + " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                + " WHERE r.srsubid = ? ORDER BY 1")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          tables.add(new TableSync(rs.getString(1), syncState(rs.getString(2))));
        }
      }
    }
    String received = null;
    int workers = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT relid IS NULL, received_lsn::text FROM pg_stat_subscription"
                + " WHERE subid = ? AND pid IS NOT NULL")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          workers++;
          if (rs.getBoolean(1)) {
            received = rs.getString(2);
          }
        }
      }
    }
    String applied = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT remote_lsn::text FROM pg_replication_origin_status WHERE external_id = ?")) {
      ps.setString(1, "pg_" + oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next() && !"0/0".equals(rs.getString(1))) {
          applied = rs.getString(1);
        }
      }
    }
    long applyErrors = 0;
    long syncErrors = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT apply_error_count, sync_error_count FROM pg_stat_subscription_stats"
                + " WHERE subid = ?")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          applyErrors = rs.getLong(1);
          syncErrors = rs.getLong(2);
        }
      }
    }
    return Optional.of(
        new SubscriptionState(
            name,
            publication,
            slot,
            enabled,
            tables,
            received,
            applied,
            workers,
            applyErrors,
            syncErrors));
  }

  static void awaitNoWorkers(Connection c, String name) throws SQLException {
    long deadline = System.nanoTime() + WORKERS_EXIT.toNanos();
    while (true) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT count(*) FROM pg_stat_subscription st JOIN pg_subscription s"
                  + " ON s.oid = st.subid WHERE s.subname = ? AND st.pid IS NOT NULL"
                  + " AND s.subdbid = (SELECT oid FROM pg_database"
                  + " WHERE datname = current_database())")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw new SQLException(
            "The workers of subscription " + name + " did not stop within " + WORKERS_EXIT);
      }
      LogicalReplication.pause(Duration.ofMillis(20));
    }
  }

  static String syncState(String code) {
    return switch (code) {
      case "i" -> "init";
      case "d" -> "copying";
      case "f" -> "copied";
      case "s" -> "synchronized";
      case "r" -> "ready";
      default -> code;
    };
  }
}
