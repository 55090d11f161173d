package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.model.Addon;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import java.util.Optional;

/**
 * Finds the database URLs of PostgreSQL addons through the Region API, for the data activities. The
 * URLs hold passwords: they are returned to the caller and never logged nor put in a message.
 */
public class RegionAddonDatabases implements AddonDatabases {

  private final RegionClients clients;

  public RegionAddonDatabases(Regions regions, RegionClientFactory clientFactory) {
    this.clients = new RegionClients(regions, clientFactory);
  }

  @Override
  public String sourceUrl(AppInput sourceApp, Addon addon) {
    return guard(
        () -> {
          RegionAddon found = clients.of(sourceApp.region()).getAddon(sourceApp.app(), addon.id());
          return databaseUrl(
              found,
              "addon "
                  + addon.id()
                  + " of app "
                  + sourceApp.app()
                  + " in region "
                  + sourceApp.region());
        });
  }

  @Override
  public String destinationUrl(MoveInput move, Addon sourceAddon) {
    return guard(
        () -> {
          RegionClient destination = clients.of(move.destination());
          String reference = AddonActions.addonReference(move, sourceAddon);
          Optional<RegionAddon> found =
              destination.findApp(move.newName()).isEmpty()
                  ? Optional.empty()
                  : AddonActions.findByReference(destination, move.newName(), reference);
          RegionAddon made =
              found.orElseThrow(
                  () ->
                      invalidRequest(
                          "No addon has been provisioned for source addon "
                              + sourceAddon.id()
                              + " in app "
                              + move.newName()
                              + " of region "
                              + move.destination()
                              + "; provision it first."));
          return databaseUrl(
              destination.getAddon(move.newName(), made.id()),
              "addon "
                  + made.id()
                  + " of app "
                  + move.newName()
                  + " in region "
                  + move.destination());
        });
  }

  private static String databaseUrl(RegionAddon addon, String what) {
    String url = addon.url();
    if (url == null || url.isBlank()) {
      throw invalidRequest(
          "The " + what + " has no database URL; only postgresql addons hold data.");
    }
    return url.startsWith("postgres://")
        ? "postgresql://" + url.substring("postgres://".length())
        : url;
  }
}
