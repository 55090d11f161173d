package io.regionmove.activities.data.live;

import io.regionmove.activities.data.postgres.PostgresUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A logical replication slot made on the source together with a snapshot of the database exactly at
 * the slot's start ({@code CREATE_REPLICATION_SLOT ... EXPORT_SNAPSHOT} over the replication
 * protocol): every transaction committed before the slot's {@link #lsn()} is in the snapshot, every
 * later one in the slot. The snapshot can be imported ({@code SET TRANSACTION SNAPSHOT}, {@code
 * pg_dump --snapshot}) while this stays open; the slot outlives it.
 */
final class SnapshotSlot implements AutoCloseable {

  private final Connection connection;
  private final String slot;
  private final String lsn;
  private final String snapshot;

  private SnapshotSlot(Connection connection, String slot, String lsn, String snapshot) {
    this.connection = connection;
    this.slot = slot;
    this.lsn = lsn;
    this.snapshot = snapshot;
  }

  /**
   * @param plugin {@code pgoutput} for a subscription, {@code wal2json} to read changes
   */
  static SnapshotSlot create(PostgresUrl source, String slot, String plugin) throws SQLException {
    Connection c = Sql.replication(source);
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "CREATE_REPLICATION_SLOT " + slot + " LOGICAL " + plugin + " EXPORT_SNAPSHOT")) {
      rs.next();
      return new SnapshotSlot(c, slot, rs.getString(2), rs.getString(3));
    } catch (SQLException e) {
      c.close();
      throw e;
    }
  }

  String slot() {
    return slot;
  }

  /** Where the slot starts: the snapshot holds every transaction committed before. */
  String lsn() {
    return lsn;
  }

  /** The exported snapshot's name. */
  String snapshot() {
    return snapshot;
  }

  /** Ends the export; the slot stays. */
  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing to keep
    }
  }
}
