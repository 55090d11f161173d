package io.regionmove.activities.region;

import io.regionmove.model.ConfigPlan;
import io.regionmove.regionapi.RegionClient;
import java.util.List;

/**
 * Copies one kind of configuration from the source app to the destination app, and removes what the
 * copy added. Both return the log lines of the step, naming what they did but never a secret value.
 * {@code remove} tolerates a copy that never happened or was already removed; it is only called on
 * a destination app made by the migration.
 */
interface ConfigCopier {

  /** What {@link #copy} would copy of the source app, for a dry run; only reads. */
  ConfigPlan plan(RegionClient source, String app);

  List<String> copy(ConfigMove move);

  List<String> remove(ConfigMove move);
}
