package io.regionmove.activities.data;

public interface AddonDatabases {
  /** postgresql:// URL of a source addon's database. */
  String sourceUrl(io.regionmove.activities.AppInput sourceApp, io.regionmove.model.Addon addon);

  /**
   * postgresql:// URL of the destination addon made for the source addon (reference migrationId +
   * ":" + addon.id()).
   */
  String destinationUrl(
      io.regionmove.activities.MoveInput move, io.regionmove.model.Addon sourceAddon);
}
