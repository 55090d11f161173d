package io.regionmove.activities.data;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a complete backup holds; written last, so a backup without one is not complete.
 *
 * @param sizeBytes size of the archive (for a directory archive, the sum of its files)
 * @param sha256 hex SHA-256 of the archive (for a directory archive, of its files' names and
 *     contents in name order)
 * @param tables schema-qualified names of the tables dumped
 * @param rowCounts rows per table, counted in the snapshot pg_dump read
 * @param fingerprints row count and checksum per table, computed in the source database in the
 *     snapshot pg_dump read, so verification compares the destination with exactly what was
 *     dumped; null in manifests written before they were recorded
 * @param sequences last value per sequence when the dump was made (null: never used)
 */
public record BackupManifest(
    String backupId,
    DumpFormat format,
    long sizeBytes,
    String sha256,
    List<String> tables,
    Map<String, Long> rowCounts,
    Map<String, TableFingerprint> fingerprints,
    Map<String, Long> sequences,
    String serverVersion,
    Instant createdAt) {

  public BackupManifest {
    tables = tables == null ? List.of() : List.copyOf(tables);
    rowCounts = rowCounts == null ? Map.of() : Map.copyOf(rowCounts);
    // Null in manifests written before the source side was recorded with the backup.
    fingerprints = fingerprints == null ? null : Collections.unmodifiableMap(new TreeMap<>(fingerprints));
    // Sequence values may be null, which Map.copyOf refuses.
    sequences = sequences == null ? null : Collections.unmodifiableMap(new TreeMap<>(sequences));
  }

  public long rows() {
    return rowCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the source side of the verification was recorded with the backup. */
  public boolean hasFingerprints() {
    return fingerprints != null && sequences != null;
  }
}
