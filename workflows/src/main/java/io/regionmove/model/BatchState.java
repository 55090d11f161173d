package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** The lifecycle of a batch. */
public enum BatchState {
  /** Starting and driving migrations. */
  RUNNING("running"),
  /** Aborted: starts no more migrations and aborts the unfinished ones. */
  ABORTING("aborting"),
  /** Every app is finished or skipped; the batch workflow returns. */
  ENDED("ended");

  private final String wireName;

  BatchState(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static BatchState fromWireName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(name) || s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown batch state: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
