package io.regionmove.activities;

import java.util.List;

/**
 * What the check before a cutover proved, and what it leaves to the frozen window.
 *
 * @param verificationSlot the logical slot on the source holding every change since the last check
 *     (the cutover reads it)
 * @param tables tables compared
 * @param rows rows compared at the consistent point
 * @param rounds checks run, the first of every row, the next ones of the rows changed since
 */
public record LiveCheckResult(
    String verificationSlot, int tables, long rows, int rounds, List<String> logs) {

  public LiveCheckResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
