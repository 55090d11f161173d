package io.regionmove.activities;

import java.util.List;

/** Both sides compared equal: this many tables and rows, with equal checksums. */
public record VerifyResult(int tables, long rows, List<String> logs) {

  public VerifyResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
