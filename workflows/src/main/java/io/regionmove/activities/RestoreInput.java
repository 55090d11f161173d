package io.regionmove.activities;

/**
 * Restores the backup of one source addon into the destination addon made for it.
 *
 * @param backupId the complete backup to restore; null for the backup of {@code addon} that this
 *     migration makes
 * @param whileBackingUp start restoring while that backup is still being written, following the
 *     archive as pg_dump writes it, instead of waiting for it to be complete
 */
public record RestoreInput(AddonInput addon, String backupId, boolean whileBackingUp) {

  /** Restores a complete backup. */
  public RestoreInput(AddonInput addon, String backupId) {
    this(addon, backupId, false);
  }

  /** Restores the backup this migration is making of the addon, following it as it is written. */
  public static RestoreInput whileBackingUp(AddonInput addon) {
    return new RestoreInput(addon, null, true);
  }
}
