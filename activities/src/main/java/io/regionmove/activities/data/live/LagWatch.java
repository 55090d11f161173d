package io.regionmove.activities.data.live;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.Redaction;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionUnavailableException;
import io.regionmove.regionapi.Replication;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one addon's replication while the migration is {@code data-replicating}, for days if need
 * be: every interval it measures the lag and heartbeats it ({@link ReplicationProgress}), with what
 * would stop a cutover (the subscription stopped after an apply error, a table or column changed on
 * the source, the source out of reach). It ends only when the heartbeat throws: the activity was
 * cancelled by the cutover or an abort.
 */
final class LagWatch {

  private static final Logger log = LoggerFactory.getLogger(LagWatch.class);

  /** The schema is compared every this many measures. */
  private static final int SCHEMA_EVERY = 10;

  private final LiveRegions regions;
  private final LiveOptions options;

  LagWatch(LiveRegions regions, LiveOptions options) {
    this.regions = regions;
    this.options = options;
  }

  StepResult run(AddonInput input, Consumer<ReplicationProgress> heartbeat) {
    LiveNames names = LiveNames.of(input);
    String addonId = input.addon().id();
    Connection source = null;
    Connection target = null;
    List<String> schemaChanges = List.of();
    try {
      for (long beat = 0; ; beat++) {
        List<String> problems = new ArrayList<>();
        Lag lag = new Lag(-1, -1);
        try {
          if (source == null || source.isClosed()) {
            source = Sql.connect(regions.sourceUrl(input));
          }
          lag = Lag.of(source, names);
          if (lag.bytes() < 0) {
            problems.add("the replication slot " + names.slot() + " is gone from the source");
          }
          if (beat % SCHEMA_EVERY == 0) {
            if (target == null || target.isClosed()) {
              target = Sql.connect(regions.destinationUrl(input));
            }
            schemaChanges =
                LiveCatalog.schemaDifferences(
                    LiveCatalog.columns(source), LiveCatalog.columns(target));
          }
          problems.addAll(schemaChanges);
          problems.addAll(subscriptionProblems(input));
        } catch (SQLException | RegionUnavailableException | RegionApiException e) {
          problems.add("cannot measure the lag now: " + Redaction.redact(e.getMessage()));
          source = close(source);
          target = close(target);
        }
        heartbeat.accept(
            new ReplicationProgress(addonId, "replicating", lag.bytes(), lag.seconds(), problems));
        Marker.pause(options.heartbeatInterval());
      }
    } finally {
      close(source);
      close(target);
      log.info("Stopped watching the replication of addon {}", addonId);
    }
  }

  private List<String> subscriptionProblems(AddonInput input) {
    Optional<RegionAddon> made = regions.destinationAddon(input);
    if (made.isEmpty()) {
      return List.of("the destination addon is gone");
    }
    Optional<Replication> state =
        regions.destination(input).findReplication(input.move().newName(), made.get().id());
    if (state.isEmpty()) {
      return List.of("the destination addon replicates from nothing");
    }
    if (!state.get().enabled()) {
      return List.of(
          "the subscription stopped after "
              + state.get().applyErrorCount()
              + " apply errors on the destination: abort the migration");
    }
    return List.of();
  }

  private static Connection close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // gone already
      }
    }
    return null;
  }
}
