package io.regionmove.activities;

import java.util.List;

/** A backup made of one source addon: where the backup store keeps it and what it holds. */
public record BackupResult(String backupId, long sizeBytes, int tables, List<String> logs) {

  public BackupResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
