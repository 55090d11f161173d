package io.regionmove.model;

import java.time.Instant;
import java.util.List;

/**
 * A batch of migrations and where each of its apps stands: the answer of the batch's {@code status}
 * query and its result. Names, ids and statuses only.
 */
public record Batch(
    String id,
    String source,
    String destination,
    Phase through,
    int concurrency,
    BatchState state,
    List<BatchEntry> entries,
    Instant startedAt,
    Instant finishedAt) {

  public Batch {
    entries = entries == null ? List.of() : List.copyOf(entries);
  }

  /** How many apps ended with {@code outcome}. */
  public long count(BatchOutcome outcome) {
    return entries.stream().filter(e -> e.outcome(through) == outcome).count();
  }

  /** The summary line: {@code <n> done, <n> error, <n> aborted}. */
  public String summary() {
    return count(BatchOutcome.DONE)
        + " done, "
        + count(BatchOutcome.ERROR)
        + " error, "
        + count(BatchOutcome.ABORTED)
        + " aborted";
  }

  /** Whether every app's migration went through the step asked. */
  public boolean allDone() {
    return count(BatchOutcome.DONE) == entries.size();
  }
}
