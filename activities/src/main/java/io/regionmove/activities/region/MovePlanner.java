package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;

import io.regionmove.activities.PlanInput;
import io.regionmove.activities.data.CopyRate;
import io.regionmove.activities.data.DataEngine;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Addon;
import io.regionmove.model.AddonPlan;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.model.DataHandling;
import io.regionmove.model.MovePlan;
import io.regionmove.regionapi.RegionClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan of a dry run: what each {@link ConfigCopier} would copy, and per addon how its data
 * moves and how big it is, as its engine measures it. The data step's estimate is the sum of the
 * copy times of the addons an engine moves, at this worker's {@link CopyRate}. Only reads.
 */
final class MovePlanner {

  private static final Logger log = LoggerFactory.getLogger(MovePlanner.class);

  private final RegionClients clients;
  private final Engines engines;
  private final CopyRate rate;

  MovePlanner(RegionClients clients, Engines engines, CopyRate rate) {
    this.clients = clients;
    this.engines = engines;
    this.rate = rate;
  }

  MovePlan planMove(PlanInput input) {
    return guard(
        () -> {
          RegionClient source = clients.of(input.move().source());
          String app = input.move().app();
          List<ConfigPlan> config = new ArrayList<>();
          for (ConfigKind kind : ConfigKind.values()) {
            config.add(ConfigActions.copierOf(kind).plan(source, app));
          }
          List<AddonPlan> addons = new ArrayList<>();
          Duration dataStep = Duration.ZERO;
          for (Addon addon : input.addons()) {
            DataHandling handling = addon.handlingWith(input.manualData());
            long size = sizeOf(input, addon);
            Duration copyTime =
                handling == DataHandling.ENGINE && size >= 0 ? rate.timeFor(size) : null;
            if (copyTime != null) {
              dataStep = dataStep.plus(copyTime);
            }
            addons.add(new AddonPlan(addon, handling, size, copyTime));
          }
          return new MovePlan(config, addons, rate.perGigabyte(), dataStep);
        });
  }

  /** As the addon's engine measures it; -1 without an engine or when it cannot tell. */
  private long sizeOf(PlanInput input, Addon addon) {
    Optional<DataEngine> engine =
        addon.handling() == DataHandling.ENGINE ? engines.find(addon.provider()) : Optional.empty();
    if (engine.isEmpty()) {
      return -1;
    }
    try {
      return engine.get().sizeBytes(input.move().sourceApp(), addon);
    } catch (RuntimeException e) {
      // An estimate is a nicety: the plan goes on without this size, and the log says why.
      log.warn("cannot measure addon {} of {}: {}", addon.id(), input.move().app(), e.getMessage());
      return -1;
    }
  }
}
