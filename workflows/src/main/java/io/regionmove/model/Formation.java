package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/** An app's formation: how many containers of which size each process type runs. */
public record Formation(List<Process> processes) {

  public Formation {
    processes = processes == null ? List.of() : List.copyOf(processes);
  }

  /** Derived, so not a payload field: Temporal's converter would refuse it when reading back. */
  @JsonIgnore
  public boolean isStopped() {
    return processes.stream().allMatch(p -> p.amount() == 0);
  }
}
