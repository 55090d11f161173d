package io.regionmove.activities.data.live;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.UnknownRegionException;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.postgres.PostgresUrl;
import io.regionmove.activities.region.RegionClientFactory;
import io.regionmove.model.FailureType;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What live mode reaches through the regions: their Region API clients, the addons' database URLs
 * (secrets, never shown) and the destination addon made for a source addon.
 */
final class LiveRegions {

  private final Regions regions;
  private final RegionClientFactory factory;
  private final AddonDatabases databases;
  private final Map<String, RegionClient> clients = new ConcurrentHashMap<>();

  LiveRegions(Regions regions, RegionClientFactory factory, AddonDatabases databases) {
    this.regions = regions;
    this.factory = factory;
    this.databases = databases;
  }

  RegionClient of(String region) {
    try {
      return clients.computeIfAbsent(region, name -> factory.create(regions.get(name)));
    } catch (UnknownRegionException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), FailureType.UNKNOWN_REGION.name());
    }
  }

  RegionClient source(AddonInput input) {
    return of(input.move().source());
  }

  RegionClient destination(AddonInput input) {
    return of(input.move().destination());
  }

  PostgresUrl sourceUrl(AddonInput input) {
    return PostgresUrl.parse(sourceUrlText(input));
  }

  /** The source addon's URL as text, for the destination region's subscription only. */
  String sourceUrlText(AddonInput input) {
    return databases.sourceUrl(input.move().sourceApp(), input.addon());
  }

  PostgresUrl destinationUrl(AddonInput input) {
    return PostgresUrl.parse(destinationUrlText(input));
  }

  /** The destination addon's URL as text, for the source region's subscription back only. */
  String destinationUrlText(AddonInput input) {
    return databases.destinationUrl(input.move(), input.addon());
  }

  /** The destination addon made for the source one; empty when its app or it is gone. */
  Optional<RegionAddon> destinationAddon(AddonInput input) {
    MoveInput move = input.move();
    RegionClient destination = destination(input);
    if (destination.findApp(move.newName()).isEmpty()) {
      return Optional.empty();
    }
    String reference = move.migrationId() + ":" + input.addon().id();
    return destination.listAddons(move.newName()).stream()
        .filter(a -> reference.equals(a.reference()))
        .findFirst();
  }

  /** The destination addon made for the source one; a final failure when there is none. */
  RegionAddon requireDestinationAddon(AddonInput input) {
    return destinationAddon(input)
        .orElseThrow(
            () ->
                LiveFailures.refused(
                    "No addon has been provisioned for source addon "
                        + input.addon().id()
                        + " in app "
                        + input.move().newName()
                        + " of region "
                        + input.move().destination()
                        + "; provision it first."));
  }

  /** Whether the source app still has the addon (a finished migration may have deleted both). */
  boolean sourceAddonExists(AddonInput input) {
    RegionClient source = source(input);
    return source.findApp(input.move().app()).isPresent()
        && source.listAddons(input.move().app()).stream()
            .anyMatch(a -> a.id().equals(input.addon().id()));
  }
}
