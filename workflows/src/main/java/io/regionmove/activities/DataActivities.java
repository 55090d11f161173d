package io.regionmove.activities;

import io.temporal.activity.ActivityInterface;

/**
 * Moves the data of the addons an engine of the worker moves ({@code DataHandling.ENGINE}). Long
 * calls heartbeat with their progress and stop their tools (such as {@code pg_dump}) as soon as the
 * migration is aborted.
 *
 * <p>Each input says which way the data goes ({@link AddonInput#direction()}): forward, the source
 * addon into the destination addon made for it; or back (a rollback), that destination addon into
 * the source addon, whose content it replaces. "Source" and "destination" below are the sides of
 * the copy: a copy back is backed up in the destination region and restored in the source region.
 */
@ActivityInterface
public interface DataActivities {

  /** Source region: dumps the addon's database into the backup store (the app is stopped). */
  BackupResult backupAddon(AddonInput input);

  /** Source region: deletes the backups this migration made of the addon. */
  StepResult deleteBackup(AddonInput input);

  /**
   * Destination region: restores the backup into the destination addon made for the source one.
   * With {@link RestoreInput#whileBackingUp()}, starts before the backup is complete and reads its
   * archive as pg_dump writes it; a backup attempt that is discarded midway fails the restore
   * (retryable), which then starts over.
   */
  StepResult restoreAddon(RestoreInput input);

  /**
   * Destination region: compares per-table row counts and checksums on both sides; a difference is
   * a non-retryable failure naming the tables.
   */
  VerifyResult verifyAddon(AddonInput input);
}
