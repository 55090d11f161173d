package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Status of one progress line of a migration. */
public enum StepStatus {
  RUNNING,
  DONE,
  ERROR;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return wireName();
  }
}
