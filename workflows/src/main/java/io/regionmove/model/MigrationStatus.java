package io.regionmove.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * The lifecycle of a migration (SPEC §2); {@link #wireName()} is what the CLI and search attributes
 * show.
 */
public enum MigrationStatus {
  CREATED("created"),
  PREFLIGHT_SUCCESS("preflight-success"),
  PREFLIGHT_ERROR("preflight-error"),
  RUNNING("running"),
  PREPARED("prepared"),
  DATA_MIGRATED("data-migrated"),
  /** Live data mode (SPEC §9): the data is being replicated; finalize is the cutover. */
  DATA_REPLICATING("data-replicating"),
  ABORTING("aborting"),
  ABORTED("aborted"),
  ERROR("error"),
  DONE("done"),
  ROLLING_BACK("rolling-back"),
  ROLLED_BACK("rolled-back");

  private final String wireName;

  MigrationStatus(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  /**
   * Terminal statuses accept no further step and no abort; {@code done} still accepts a rollback
   * while its redirect window lasts (SPEC §10).
   */
  public boolean isTerminal() {
    return this == PREFLIGHT_ERROR || this == ABORTED || this == DONE || this == ROLLED_BACK;
  }

  @JsonCreator
  public static MigrationStatus fromWireName(String name) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(name) || s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown migration status: " + name));
  }

  @Override
  public String toString() {
    return wireName;
  }
}
