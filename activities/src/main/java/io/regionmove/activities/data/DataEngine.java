package io.regionmove.activities.data;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import java.util.List;

/**
 * Moves the data of the addons of one provider: backs a source addon up into the {@link
 * BackupStore}, restores the backup into the destination addon made for it, proves both equal, and
 * deletes what it made. {@link DataActivitiesImpl} hands each call to the engine of the addon's
 * provider ({@link Engines}); the engine never sees another provider's addon.
 *
 * <p>Contract of every method, as the workflow relies on it:
 *
 * <ul>
 *   <li>The input's {@link io.regionmove.activities.CopyDirection} says which way the data goes:
 *       the engine reads the side {@link AddonDatabases#fromUrl} names and writes the side {@link
 *       AddonDatabases#toUrl} names, never "the source" or "the destination" by itself, so a
 *       rollback copies the destination addon back into the source addon with the same methods.
 *       Below, "source" and "destination" are the sides of the copy.
 *   <li>Idempotent, keyed by the backup id ({@link BackupStore#backupId}, the migration id and the
 *       source addon id): a retry after a worker crash finds what the earlier attempt left and
 *       carries on or starts clean ({@link StoredBackups} does the store's part).
 *   <li>Long work reports progress through the {@link Heartbeat} it is given, and stops at once
 *       when the heartbeat throws (the activity was cancelled), killing its tool processes.
 *   <li>Failures a retry cannot cure are {@code ApplicationFailure.newNonRetryableFailure} with a
 *       {@code FailureType}; anything else is retried, for example {@link ToolFailedException}.
 *   <li>No connection URL or password appears in a result, a log line or a failure message ({@link
 *       Redaction}).
 * </ul>
 */
public interface DataEngine {

  /** The addon provider this engine serves, as the Region API names it: {@code postgresql}. */
  String provider();

  /**
   * Checks made on a source addon before a migration is created (server version, size, features the
   * engine cannot move...); empty when nothing stands in the way.
   */
  List<Check> preflight(AppInput sourceApp, Addon addon);

  /**
   * Source region, for a dry run's estimate: the size in bytes of the data a backup of the addon
   * would copy, as the server counts it; only reads. -1 when the engine cannot tell (the default).
   */
  default long sizeBytes(AppInput sourceApp, Addon addon) {
    return -1;
  }

  /**
   * Source region: backs the addon up into the backup store as {@code backupId}, publishing it only
   * once complete. A complete and intact backup of that id is kept as it is.
   */
  BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat);

  /**
   * Whether {@link #restore} can follow a backup while it is being written, so that the source is
   * down for about one restore instead of a backup plus a restore.
   */
  boolean supportsRestoreWhileBackingUp();

  /**
   * Destination region: restores backup {@code backupId} into the destination addon made for the
   * source one, first cleaning whatever an interrupted attempt left there. The archive's SHA-256 is
   * checked against its manifest before a complete backup is restored.
   *
   * @param whileBackingUp the backup may still be being written (or not even started): an engine
   *     that {@linkplain #supportsRestoreWhileBackingUp() can} follows it, any other waits for it
   *     to be complete ({@link StoredBackups#awaitComplete}); a followed attempt that is discarded
   *     fails the restore retryably, and the retry starts over
   */
  StepResult restore(
      AddonInput input, String backupId, boolean whileBackingUp, Heartbeat heartbeat);

  /**
   * Destination region: compares the source addon with the destination one as they are now; only
   * reads. Differences are returned, not thrown: the caller fails the activity with them.
   */
  Verification verify(AddonInput input, Heartbeat heartbeat);

  /**
   * Source region: deletes backup {@code backupId} and anything else this engine made for the
   * migration; tolerates finding nothing.
   */
  StepResult cleanUp(AddonInput input, String backupId);
}
