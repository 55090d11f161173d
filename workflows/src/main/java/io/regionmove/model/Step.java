package io.regionmove.model;

import java.time.Instant;
import java.util.List;

/** One line of progress inside a migration: one activity call and what it reported. */
public record Step(
    int id,
    Phase phase,
    String name,
    StepStatus status,
    List<String> logs,
    Instant startedAt,
    Instant finishedAt) {

  public Step {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }
}
