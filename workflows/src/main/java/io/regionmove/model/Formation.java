package io.regionmove.model;

import java.util.List;

/** An app's formation: how many containers of which size each process type runs. */
public record Formation(List<Process> processes) {

  public Formation {
    processes = processes == null ? List.of() : List.copyOf(processes);
  }

  public boolean isStopped() {
    return processes.stream().allMatch(p -> p.amount() == 0);
  }
}
