package io.regionmove.activities;

import io.regionmove.model.Check;
import java.util.List;

/** The checks one region answered. */
public record CheckResult(List<Check> checks) {

  public CheckResult {
    checks = checks == null ? List.of() : List.copyOf(checks);
  }
}
