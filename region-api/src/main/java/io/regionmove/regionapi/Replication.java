package io.regionmove.regionapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The subscription through which a destination postgresql addon replicates a source addon.
 *
 * @param enabled false after an apply error ({@code disable_on_error}) or while paused
 * @param tables each published table and the state of its initial copy ({@code ready} once done)
 * @param receivedLsn the last source WAL position received; null while no apply worker runs
 * @param appliedLsn the end of the last source transaction applied; null before the first
 * @param workers the apply and table-sync workers running
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Replication(
    String subscription,
    String publication,
    String slot,
    boolean enabled,
    List<TableSync> tables,
    String receivedLsn,
    String appliedLsn,
    int workers,
    long applyErrorCount,
    long syncErrorCount) {

  public Replication {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }

  /** Whether every table's initial copy is done. */
  public boolean allTablesReady() {
    return tables.stream().allMatch(t -> "ready".equals(t.state()));
  }

  /** One table of the subscription and the state of its initial copy. */
  public record TableSync(String table, String state) {}
}
