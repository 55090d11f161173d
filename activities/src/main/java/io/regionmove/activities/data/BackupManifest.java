package io.regionmove.activities.data;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a complete backup holds; written last, so a backup without one is not complete.
 *
 * @param sizeBytes size of the archive (for a directory archive, the sum of its files)
 * @param sha256 hex SHA-256 of the archive (for a directory archive, of its files' names and
 *     contents in name order)
 * @param tables schema-qualified names of the tables dumped
 * @param rowCounts rows per table, counted in the snapshot pg_dump read
 */
public record BackupManifest(
    String backupId,
    DumpFormat format,
    long sizeBytes,
    String sha256,
    List<String> tables,
    Map<String, Long> rowCounts,
    String serverVersion,
    Instant createdAt) {

  public BackupManifest {
    tables = tables == null ? List.of() : List.copyOf(tables);
    rowCounts = rowCounts == null ? Map.of() : Map.copyOf(rowCounts);
  }

  public long rows() {
    return rowCounts.values().stream().mapToLong(Long::longValue).sum();
  }
}
