package io.regionmove.activities.data;

/**
 * Where the databases of the addons are, as connection URLs with their credentials, in the scheme
 * of the addon's provider ({@code postgresql://...}); only the addon's engine reads them, and never
 * shows them.
 */
public interface AddonDatabases {
  /** Connection URL of a source addon's database. */
  String sourceUrl(io.regionmove.activities.AppInput sourceApp, io.regionmove.model.Addon addon);

  /**
   * Connection URL of the destination addon made for the source addon (reference migrationId + ":"
   * + addon.id()).
   */
  String destinationUrl(
      io.regionmove.activities.MoveInput move, io.regionmove.model.Addon sourceAddon);
}
