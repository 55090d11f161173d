package io.regionmove.activities.data.live;

import java.util.List;

/**
 * Heartbeat details of a replicating addon, as Temporal Web and {@code migration-follow} show them.
 *
 * @param addon the source addon
 * @param stage {@code replicating}, {@code waiting for the lag}, {@code checking}
 * @param lagBytes WAL the destination has yet to confirm; -1 when unknown
 * @param lagSeconds how far the destination's replay is behind, in seconds; -1 when unknown
 * @param problems what stands in the way of a cutover, one sentence each (empty when none)
 */
public record ReplicationProgress(
    String addon, String stage, long lagBytes, double lagSeconds, List<String> problems) {

  public ReplicationProgress {
    problems = problems == null ? List.of() : List.copyOf(problems);
  }
}
