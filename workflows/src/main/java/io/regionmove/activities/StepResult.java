package io.regionmove.activities;

import java.util.List;

/** What an activity did, as log lines of its step: names and counts, never values. */
public record StepResult(List<String> logs) {

  public StepResult {
    logs = logs == null ? List.of() : List.copyOf(logs);
  }

  public static StepResult of(String... logs) {
    return new StepResult(List.of(logs));
  }
}
