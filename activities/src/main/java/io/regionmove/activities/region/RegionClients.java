package io.regionmove.activities.region;

import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.UnknownRegionException;
import io.regionmove.regionapi.RegionClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One client per configured region, made on first use and shared by concurrent activities. */
final class RegionClients {

  private final Regions regions;
  private final RegionClientFactory factory;
  private final Map<String, RegionClient> clients = new ConcurrentHashMap<>();

  RegionClients(Regions regions, RegionClientFactory factory) {
    this.regions = regions;
    this.factory = factory;
  }

  Regions regions() {
    return regions;
  }

  /** The client of that region; a non-retryable {@code UNKNOWN_REGION} failure if unconfigured. */
  RegionClient of(String region) {
    try {
      return clients.computeIfAbsent(region, name -> factory.create(regions.get(name)));
    } catch (UnknownRegionException e) {
      throw RegionFailures.unknownRegion(e.getMessage());
    }
  }
}
