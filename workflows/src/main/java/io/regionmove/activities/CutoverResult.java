package io.regionmove.activities;

import java.util.List;

/**
 * What the frozen window did.
 *
 * @param changedRows rows changed since the last check, compared on both sides
 * @param sequences sequences set at or above the source's values
 * @param largeObjects large objects copied
 */
public record CutoverResult(long changedRows, int sequences, int largeObjects, List<String> logs) {

  public CutoverResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
