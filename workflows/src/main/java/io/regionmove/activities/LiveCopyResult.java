package io.regionmove.activities;

import java.util.List;

/**
 * What the start of a live replication did.
 *
 * @param tables the tables replicated
 * @param copiedBytes bytes of archive copied at the slot's snapshot; 0 when it was done already
 * @param lagBytes the lag once every table was ready
 */
public record LiveCopyResult(int tables, long copiedBytes, long lagBytes, List<String> logs) {

  public LiveCopyResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
