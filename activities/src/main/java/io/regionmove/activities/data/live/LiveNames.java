package io.regionmove.activities.data.live;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.LiveDataActivities;

/**
 * The names of one addon's live replication, all derived from the migration id and the source addon
 * id, so that a retried call finds what an earlier attempt made.
 *
 * @param base the publication, the replication slot and the subscription
 */
record LiveNames(String base) {

  /** The schema of the marker table, made on the source and copied to the destination. */
  static final String MARKER_SCHEMA = "regionmove";

  /** The marker table: a row written on the source and seen on the destination proves catch-up. */
  static final String MARKER_TABLE = "regionmove.live_marker";

  /**
   * The marker table of the replication back (SPEC §10): written on the destination, seen on the
   * source.
   */
  static final String BACK_MARKER_TABLE = "regionmove.live_marker_back";

  static LiveNames of(AddonInput input) {
    return new LiveNames(
        LiveDataActivities.replicationName(input.move().migrationId(), input.addon().id()));
  }

  /** The names of the addon's replication back, from the destination to the source. */
  static LiveNames back(AddonInput input) {
    return new LiveNames(
        LiveDataActivities.reverseReplicationName(input.move().migrationId(), input.addon().id()));
  }

  String publication() {
    return base;
  }

  String slot() {
    return base;
  }

  String subscription() {
    return base;
  }

  /** The logical slot ({@code wal2json}) of one round of the check before a cutover. */
  String verificationSlot(int round) {
    return base + "_v" + round;
  }

  /** Whether a slot name is one of this addon's verification slots. */
  boolean isVerificationSlot(String name) {
    return name.startsWith(base + "_v");
  }
}
