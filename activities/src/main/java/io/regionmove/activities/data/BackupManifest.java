package io.regionmove.activities.data;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a complete backup holds; written last, so a backup without one is not complete.
 *
 * @param format the archive's format as its engine names it ({@code CUSTOM} or {@code DIRECTORY}
 *     for pg_dump archives, {@code mariadb-dump} for a MariaDB/MySQL SQL dump); only its engine
 *     reads it
 * @param entry the name of the archive (a file or a directory) inside the backup; manifests written
 *     before engines named it (pg_dump archives only) get it from their {@code format}
 * @param sizeBytes size of the archive (for a directory archive, the sum of its files)
 * @param sha256 hex SHA-256 of the archive (for a directory archive, of its files' names and
 *     contents in name order)
 * @param tables names of the tables dumped (schema-qualified where the database has schemas)
 * @param rowCounts rows per table, counted in the snapshot the dump tool read
 */
public record BackupManifest(
    String backupId,
    String format,
    String entry,
    long sizeBytes,
    String sha256,
    List<String> tables,
    Map<String, Long> rowCounts,
    String serverVersion,
    Instant createdAt) {

  public BackupManifest {
    entry = entry == null ? legacyEntry(format) : entry;
    tables = tables == null ? List.of() : List.copyOf(tables);
    rowCounts = rowCounts == null ? Map.of() : Map.copyOf(rowCounts);
  }

  /** The manifest of a pg_dump archive in {@code format}. */
  public BackupManifest(
      String backupId,
      DumpFormat format,
      long sizeBytes,
      String sha256,
      List<String> tables,
      Map<String, Long> rowCounts,
      String serverVersion,
      Instant createdAt) {
    this(
        backupId,
        format.name(),
        format.entryName(),
        sizeBytes,
        sha256,
        tables,
        rowCounts,
        serverVersion,
        createdAt);
  }

  public long rows() {
    return rowCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Wave-1 manifests named only a {@link DumpFormat}; its entry name is implied. */
  private static String legacyEntry(String format) {
    for (DumpFormat known : DumpFormat.values()) {
      if (Objects.equals(known.name(), format)) {
        return known.entryName();
      }
    }
    return null;
  }
}
