package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** How one app of a finished batch ended, as the summary line counts it. */
public enum BatchOutcome {
  /** Its migration reached the status of the step asked (done, or prepared, or data-migrated). */
  DONE("done"),
  /** Its migration failed its preflight, a step failed, or it could not be driven. */
  ERROR("error"),
  /** Its migration was aborted, or never started because the batch was aborted. */
  ABORTED("aborted");

  private final String wireName;

  BatchOutcome(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
