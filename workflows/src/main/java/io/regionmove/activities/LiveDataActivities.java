package io.regionmove.activities;

import io.temporal.activity.ActivityInterface;

/**
 * Live data mode (SPEC §9): moves a PostgreSQL addon's data by logical replication while the source
 * app keeps running, then cuts over in about a second. Each call runs on the queue of the region
 * its javadoc names; the destination-side calls also reach the source database, with the addon's
 * own credentials, read from the regions and never passed through the workflow.
 *
 * <p>Names are derived from the migration id and the source addon id ({@link
 * #replicationName(String, String)}), so every call is idempotent, and every undo tolerates its
 * action never having happened. What needs more than the addon's credentials (the {@code
 * REPLICATION} attribute on the source, {@code CREATE SUBSCRIPTION} on the destination) is asked of
 * the regions through their Region API.
 */
@ActivityInterface
public interface LiveDataActivities {

  /**
   * The name of the publication, the slot and the subscription of one addon's replication: {@code
   * rm_<migration id, hex>_<8 hex digits of the addon id's hash>}, at most 44 characters.
   */
  static String replicationName(String migrationId, String addonId) {
    String migration = migrationId.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    return "rm_" + migration + "_" + String.format("%08x", addonId.hashCode() & 0xffffffffL);
  }

  /**
   * The name of the publication, the slot and the subscription of one addon's replication back,
   * from the destination to the source (SPEC §10): {@code regionmove_back_<migration id, hex>_<8
   * hex digits of the addon id's hash>}, 57 characters.
   */
  static String reverseReplicationName(String migrationId, String addonId) {
    return "regionmove_back_" + replicationName(migrationId, addonId).substring("rm_".length());
  }

  /**
   * Source region, at preflight: whether the addon can be replicated live (wal_level, free slots
   * and WAL senders, tables without a primary key or replica identity, unlogged tables, large
   * objects), each check saying what regionmove will do or why live mode is refused.
   */
  CheckResult checkLiveSource(AddonInput input);

  /**
   * Source region: asks the region to let the addon's role replicate, and checks the server can
   * (wal_level, a free slot and WAL sender, the {@code wal2json} plugin for the cutover's check).
   */
  StepResult allowReplication(AddonInput input);

  /**
   * Source region, undo of {@link #allowReplication} and end of a cutover: drops the publication
   * and the marker table, then asks the region to drop every replication slot of the addon's
   * database and take {@code REPLICATION} back; checks that no slot and no publication is left.
   */
  StepResult stopReplicationSource(AddonInput input);

  /**
   * Destination region: creates the marker table and the publication on the source, a slot with an
   * exported snapshot, copies schema and data at that snapshot ({@code pg_dump | pg_restore}), asks
   * the destination region to subscribe from the slot, and waits until every table is ready and a
   * marker written on the source has been applied. Done already when the subscription exists.
   */
  LiveCopyResult startReplication(AddonInput input);

  /**
   * Destination region, undo of {@link #startReplication} and part of a cutover: asks the region to
   * drop the subscription (detaching it when the source cannot be reached) and checks it is gone;
   * drops the marker table on the destination.
   */
  StepResult stopReplication(AddonInput input);

  /**
   * Destination region, while the migration is {@code data-replicating}: heartbeats the lag ({@code
   * ReplicationProgress}) until cancelled, and what went wrong (the subscription stopped after an
   * apply error, tables or columns that differ from the source's); never fails for those, which the
   * cutover refuses. Heartbeats are not history events, so days of replication add nothing to the
   * workflow's history.
   */
  StepResult watchReplication(AddonInput input);

  /**
   * Destination region, first step of a cutover while the source still accepts writes: waits until
   * the lag is under the gate, then checks every table at a consistent point of both sides (a
   * snapshot of the source at a verification slot's start, the destination paused at a position at
   * or after it), then narrows what is left to check to the rows changed since, in rounds. A
   * difference is a non-retryable {@code VERIFICATION_FAILED} naming the tables, and the source is
   * left as it was.
   */
  LiveCheckResult verifyBeforeCutover(AddonInput input);

  /**
   * Destination region, the frozen window of a cutover (the source app is stopped right after):
   * makes the source addon's database refuse writes ({@code default_transaction_read_only}, the
   * app's sessions ended), writes a marker on the source and waits until the destination has
   * applied it (every committed write is then there), checks the rows changed since the last check,
   * sets every sequence at or above the source's, copies the large objects. A difference is a
   * non-retryable {@code VERIFICATION_FAILED}; the source stays frozen until the undo.
   */
  CutoverResult catchUp(CutoverInput input);

  /**
   * Source region, undo of {@link #catchUp}'s freeze: the database accepts writes again (sessions
   * opened while it refused them are ended, so they come back writable).
   */
  StepResult unfreezeSourceDatabase(AddonInput input);

  // ---- the replication back, for a rollback (SPEC §10)

  /**
   * Destination region, in a cutover after {@link #catchUp} and before the destination app starts:
   * asks the region to let the destination addon's role replicate, makes the marker table of the
   * way back, the publication of every user table and the marker, and its slot on the destination,
   * which keeps every write the destination accepts from then on. Nothing streams from it yet: the
   * forward replication must be gone first ({@link #startReverseReplication}). Idempotent.
   */
  StepResult prepareReverseReplication(AddonInput input);

  /**
   * Source region, once the forward replication is dropped: makes the marker table of the way back
   * on the source, asks the region to subscribe the source addon to the destination's publication
   * from the slot {@link #prepareReverseReplication} made ({@code copy_data = false}), and waits
   * until a marker written on the destination has been applied on the source. The source database
   * keeps refusing the app's writes: the subscription's apply worker writes all the same. Done
   * already when the subscription exists.
   */
  StepResult startReverseReplication(AddonInput input);

  /**
   * Source region, first step of the rollback of a live migration: makes the destination addon's
   * database refuse writes (its app is stopped already), writes a marker there and waits until the
   * source has applied it (every write the destination committed is then back), sets every source
   * sequence at or above the destination's, copies the large objects back. A replication back that
   * stopped after an error is a non-retryable {@code VERIFICATION_FAILED}.
   */
  CutoverResult catchUpBack(AddonInput input);

  /**
   * Source region, undo of {@link #startReverseReplication} and part of a rollback or of the end of
   * the redirect window: asks the region to drop the source addon's subscription and checks it is
   * gone; drops the marker table of the way back on the source. Tolerates the app or addon gone.
   */
  StepResult stopReverseReplication(AddonInput input);

  /**
   * Destination region, undo of {@link #prepareReverseReplication} and end of a rollback or of the
   * redirect window: drops the publication and the marker table of the way back, then asks the
   * region to drop every replication slot of the destination addon's database and take {@code
   * REPLICATION} back; checks that no slot and no publication is left. Tolerates the addon gone.
   */
  StepResult stopReverseReplicationSource(AddonInput input);
}
