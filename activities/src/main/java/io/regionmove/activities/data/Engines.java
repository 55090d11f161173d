package io.regionmove.activities.data;

import io.regionmove.activities.data.postgres.PostgresEngine;
import io.regionmove.activities.data.redis.RedisEngine;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The data engines a worker has, by the provider each serves. The data activities move the data of
 * an addon only when its provider is here.
 */
public final class Engines {

  private final Map<String, DataEngine> byProvider = new TreeMap<>();

  /** Fails when two engines claim the same provider. */
  public Engines(Collection<? extends DataEngine> engines) {
    for (DataEngine engine : engines) {
      DataEngine earlier = byProvider.putIfAbsent(engine.provider(), engine);
      if (earlier != null) {
        throw new IllegalArgumentException(
            "two data engines serve " + engine.provider() + " addons");
      }
    }
  }

  public static Engines of(DataEngine... engines) {
    return new Engines(List.of(engines));
  }

  /**
   * Every engine regionmove has, over one backup store.
   *
   * @param pgBinDir directory of pg_dump and pg_restore; null to find them
   */
  public static Engines standard(
      AddonDatabases databases, BackupStore store, Path pgBinDir, DataOptions options) {
    return of(
        new PostgresEngine(databases, store, pgBinDir, options),
        new RedisEngine(databases, store, options));
  }

  /** The providers served, in name order. */
  public Set<String> providers() {
    return byProvider.keySet();
  }

  public Optional<DataEngine> find(String provider) {
    return Optional.ofNullable(provider == null ? null : byProvider.get(provider));
  }

  /**
   * The engine of the addon's provider. An addon no engine serves is never the data activities'
   * business: asking for one is a request no retry can cure.
   */
  public DataEngine require(Addon addon) {
    return find(addon.provider())
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "No data engine moves "
                        + addon.provider()
                        + " addons (addon "
                        + addon.id()
                        + "): "
                        + (byProvider.isEmpty()
                            ? "this worker has no data engine"
                            : "this worker moves the data of "
                                + String.join(", ", providers())
                                + " addons only"),
                    FailureType.INVALID_REQUEST.name()));
  }
}
