package io.regionmove.activities.data;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.CopyDirection;
import io.regionmove.activities.MoveInput;
import io.regionmove.model.Addon;

/**
 * Where the databases of the addons are, as connection URLs with their credentials, in the scheme
 * of the addon's provider ({@code postgresql://...}); only the addon's engine reads them, and never
 * shows them.
 *
 * <p>Engines ask for the side a copy reads ({@link #fromUrl}) and the side it writes ({@link
 * #toUrl}), so the same backup, restore and verification serve the data step and its rollback
 * ({@link CopyDirection}).
 */
public interface AddonDatabases {
  /** Connection URL of a source addon's database. */
  String sourceUrl(AppInput sourceApp, Addon addon);

  /**
   * Connection URL of the destination addon made for the source addon (reference migrationId + ":"
   * + addon.id()).
   */
  String destinationUrl(MoveInput move, Addon sourceAddon);

  /**
   * The database the input's data is copied from: the source addon, or when copying back the
   * destination addon made for it.
   */
  default String fromUrl(AddonInput input) {
    return input.direction() == CopyDirection.BACK
        ? destinationUrl(input.move(), input.addon())
        : sourceUrl(input.move().sourceApp(), input.addon());
  }

  /**
   * The database the input's data is copied into: the destination addon made for the source one, or
   * when copying back the source addon itself.
   */
  default String toUrl(AddonInput input) {
    return input.direction() == CopyDirection.BACK
        ? sourceUrl(input.move().sourceApp(), input.addon())
        : destinationUrl(input.move(), input.addon());
  }
}
