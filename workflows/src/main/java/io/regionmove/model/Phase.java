package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The parts of a migration a user drives, named as the CLI flags and the update and signal names
 * are. {@link #CLEANUP} is the work the workflow does on its own after the redirect window; {@link
 * #ROLLBACK} brings a done migration back to its source within that window (SPEC §10).
 */
public enum Phase {
  PREFLIGHT("preflight"),
  PREPARE("prepare"),
  DATA("data"),
  FINALIZE("finalize"),
  ABORT("abort"),
  CLEANUP("cleanup"),
  ROLLBACK("rollback");

  private final String wireName;

  Phase(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static Phase fromWireName(String name) {
    return Arrays.stream(values())
        .filter(p -> p.wireName.equals(name) || p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown phase: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
