package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** Where one app of a batch stands in the batch (its migration has its own status). */
public enum BatchEntryState {
  /** Not started yet: waiting for a free slot. */
  WAITING("waiting"),
  /** Its migration is started and being driven through its steps. */
  RUNNING("running"),
  /** The batch is done with it: its migration reached the step asked, or stopped short of it. */
  FINISHED("finished"),
  /** Never started, because the batch was aborted first. */
  SKIPPED("skipped");

  private final String wireName;

  BatchEntryState(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static BatchEntryState fromWireName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(name) || s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown batch entry state: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
