package io.regionmove.activities.region;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.RegionClient;

/** Makes the client of one region; {@code RegionClient::new} in production, a stub in tests. */
@FunctionalInterface
public interface RegionClientFactory {

  RegionClient create(RegionConfig region);
}
