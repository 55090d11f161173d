package io.regionmove.model;

import java.time.Duration;
import java.util.List;

/**
 * What a migration would move, as a dry run reads it from the source app.
 *
 * @param config per kind of configuration, what prepare copies
 * @param addons per addon, what the data step does and how big its data is
 * @param perGigabyte the data step's measured time per GB (2^30 bytes) the estimate is made with
 * @param estimatedDataStep the sum of the addons' copy times: the addons move at the same time, but
 *     on the same machines; the source app is stopped meanwhile (stop-and-copy)
 */
public record MovePlan(
    List<ConfigPlan> config,
    List<AddonPlan> addons,
    Duration perGigabyte,
    Duration estimatedDataStep) {

  public MovePlan {
    config = config == null ? List.of() : List.copyOf(config);
    addons = addons == null ? List.of() : List.copyOf(addons);
  }
}
