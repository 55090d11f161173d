package io.regionmove.activities.data.live;

import io.regionmove.activities.data.postgres.TableName;
import java.util.List;

/**
 * A user table as live mode sees it.
 *
 * @param unlogged whether it is unlogged (its changes are not in the WAL, so not replicated)
 * @param replicaIdentity {@code d} default (the primary key), {@code i} an index, {@code f} full,
 *     {@code n} nothing (updates and deletes fail once the table is published)
 * @param keyColumns the columns that identify a row (the replica identity index, else the primary
 *     key); empty when there are none
 * @param keyTypes their types, as {@code format_type} writes them
 */
record LiveTable(
    TableName name,
    boolean unlogged,
    String replicaIdentity,
    List<String> keyColumns,
    List<String> keyTypes) {

  LiveTable {
    keyColumns = List.copyOf(keyColumns);
    keyTypes = List.copyOf(keyTypes);
  }

  /** Whether updates and deletes replicate and rows can be checked one by one. */
  boolean hasKey() {
    return !keyColumns.isEmpty() && !"n".equals(replicaIdentity);
  }
}
