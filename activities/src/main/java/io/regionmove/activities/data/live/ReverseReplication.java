package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveFailures.guard;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.postgres.PostgresUrl;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Replication;
import io.regionmove.regionapi.ReplicationRequest;
import io.regionmove.regionapi.ReplicationSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication back of a live migration (SPEC §10), from the destination addon to the source
 * addon, through the same Region API endpoints as the forward one with the regions' roles swapped:
 * the destination region lets its addon's role replicate and drops its slots, the source region
 * subscribes its addon. Its slot is made at the cutover before the destination app starts, so every
 * write the destination accepts is kept; its subscription is made once the forward replication is
 * gone (PostgreSQL 15 cannot tell a replicated change from the app's, so both directions at once
 * would send each change back where it came from).
 */
final class ReverseReplication {

  private static final Logger log = LoggerFactory.getLogger(ReverseReplication.class);

  private final LiveRegions regions;
  private final LiveOptions options;

  ReverseReplication(LiveRegions regions, LiveOptions options) {
    this.regions = regions;
    this.options = options;
  }

  // ---- destination: the publication and the slot

  StepResult prepare(AddonInput input) {
    LiveNames names = LiveNames.back(input);
    return guard(
        () -> {
          RegionAddon made = regions.requireDestinationAddon(input);
          String app = input.move().newName();
          RegionClient destination = regions.destination(input);
          ReplicationSource report = destination.allowReplicationSource(app, made.id());
          boolean ours = report.slots().stream().anyMatch(s -> s.name().equals(names.slot()));
          if (!"logical".equals(report.walLevel()) || !ours && report.freeReplicationSlots() < 1) {
            throw LiveFailures.refused(
                "The PostgreSQL server of addon "
                    + made.id()
                    + " in region "
                    + input.move().destination()
                    + " cannot keep its writes for a rollback (wal_level="
                    + report.walLevel()
                    + ", "
                    + report.freeReplicationSlots()
                    + " free replication slots): free a slot and run finalize again, or abort.");
          }
          try (Connection target = Sql.connect(regions.destinationUrl(input))) {
            Marker.create(target, LiveNames.BACK_MARKER_TABLE);
            boolean published =
                Sql.one(
                    target,
                    "select count(*) > 0 from pg_publication where pubname = ?",
                    rs -> rs.getBoolean(1),
                    false,
                    names.publication());
            if (!published) {
              // Kept when it exists: its slot decodes with it, and a dropped publication would fail
              // the changes written meanwhile.
              String tables =
                  LiveCatalog.tables(target).stream()
                      .map(t -> t.name().sql() + ", ")
                      .collect(Collectors.joining());
              Sql.execute(
                  target,
                  "create publication "
                      + names.publication()
                      + " for table "
                      + tables
                      + LiveNames.BACK_MARKER_TABLE);
            }
            if (!ours) {
              Sql.one(
                  target,
                  "select 1 from pg_create_logical_replication_slot(?, 'pgoutput')",
                  rs -> 1,
                  0,
                  names.slot());
            }
          }
          log.info(
              "Slot {} keeps every write of addon {} in {} from now on",
              names.slot(),
              made.id(),
              input.move().destination());
          return StepResult.of(
              "Addon "
                  + made.id()
                  + " in region "
                  + input.move().destination()
                  + " keeps every write for a rollback (publication and slot "
                  + names.slot()
                  + ")");
        });
  }

  StepResult stopSource(AddonInput input) {
    LiveNames names = LiveNames.back(input);
    return guard(
        () -> {
          Optional<RegionAddon> made = regions.destinationAddon(input);
          if (made.isEmpty()) {
            return StepResult.of(
                "The destination addon of addon "
                    + input.addon().id()
                    + " is gone; nothing replicates from it.");
          }
          String app = input.move().newName();
          try (Connection target = Sql.connect(regions.destinationUrl(input))) {
            Sql.execute(target, "drop publication if exists " + names.publication());
            Marker.drop(target, LiveNames.BACK_MARKER_TABLE);
          }
          RegionClient destination = regions.destination(input);
          destination.disallowReplicationSource(app, made.get().id());
          ReplicationSource after = destination.getReplicationSource(app, made.get().id());
          if (!after.slots().isEmpty() || after.replication()) {
            throw new ToolFailedException(
                "the destination region still shows replication slots "
                    + after.slots().stream().map(ReplicationSource.ReplicationSlot::name).toList()
                    + " for addon "
                    + made.get().id());
          }
          try (Connection target = Sql.connect(regions.destinationUrl(input))) {
            boolean published =
                Sql.one(
                    target,
                    "select count(*) > 0 from pg_publication where pubname = ?",
                    rs -> rs.getBoolean(1),
                    false,
                    names.publication());
            if (published) {
              throw new ToolFailedException(
                  "publication " + names.publication() + " is still on the destination");
            }
          }
          return StepResult.of(
              "Dropped the publication and every replication slot of addon "
                  + made.get().id()
                  + " in region "
                  + input.move().destination()
                  + "; none is left.");
        });
  }

  // ---- source: the subscription

  StepResult start(AddonInput input, Heartbeat heartbeat) {
    LiveNames names = LiveNames.back(input);
    String addonId = input.addon().id();
    String app = input.move().app();
    return guard(
        () -> {
          regions.requireDestinationAddon(input);
          RegionClient source = regions.source(input);
          if (source.findReplication(app, addonId).isEmpty()) {
            // The subscription needs every published table on its side. The source refuses the
            // app's writes since the freeze; this session writes all the same, like the
            // subscription's apply worker will.
            try (Connection back = Sql.connect(regions.sourceUrl(input))) {
              Marker.create(back, LiveNames.BACK_MARKER_TABLE);
            }
            source.replicateFrom(
                app,
                addonId,
                new ReplicationRequest(
                    regions.destinationUrlText(input),
                    names.publication(),
                    names.subscription(),
                    names.slot(),
                    false));
          }
          long started = System.nanoTime();
          try (Connection back = Sql.connect(regions.sourceUrl(input));
              Connection target = Sql.connect(regions.destinationUrl(input))) {
            String token = Marker.write(target, LiveNames.BACK_MARKER_TABLE);
            awaitApplied(input, source, back, token, Duration.ofMillis(50), heartbeat);
          }
          return StepResult.of(
              String.format(
                  Locale.ROOT,
                  "Region %s subscribed addon %s to the writes of its %s copy (subscription %s):"
                      + " a marker came back in %.0f ms",
                  input.move().source(),
                  addonId,
                  input.move().destination(),
                  names.subscription(),
                  (System.nanoTime() - started) / 1e6));
        });
  }

  StepResult stop(AddonInput input) {
    String addonId = input.addon().id();
    String app = input.move().app();
    return guard(
        () -> {
          if (!regions.sourceAddonExists(input)) {
            return StepResult.of(
                "Addon " + addonId + " of app " + app + " is gone; nothing replicates into it.");
          }
          RegionClient source = regions.source(input);
          source.stopReplication(app, addonId);
          if (source.findReplication(app, addonId).isPresent()) {
            throw new ToolFailedException(
                "the subscription of addon " + addonId + " is still there");
          }
          try (Connection c = Sql.connect(regions.sourceUrl(input))) {
            Marker.drop(c, LiveNames.BACK_MARKER_TABLE);
          }
          return StepResult.of(
              "Dropped the subscription of addon "
                  + addonId
                  + " in region "
                  + input.move().source()
                  + "; nothing replicates into it.");
        });
  }

  /**
   * The destination's database refuses writes, then a marker proves the source applied every write
   * it committed; sequences and large objects follow.
   */
  CutoverResult catchUp(AddonInput input, Heartbeat heartbeat) {
    String addonId = input.addon().id();
    return guard(
        () -> {
          regions.requireDestinationAddon(input);
          RegionClient source = regions.source(input);
          PostgresUrl destinationUrl = regions.destinationUrl(input);
          try (Connection target = Sql.connect(destinationUrl);
              Connection back = Sql.connect(regions.sourceUrl(input))) {
            requireEnabled(input, source);
            long frozenAt = System.nanoTime();
            int ended = Cutover.freeze(target, destinationUrl);
            String token = Marker.write(target, LiveNames.BACK_MARKER_TABLE);
            awaitApplied(input, source, back, token, Duration.ofMillis(5), heartbeat);
            long caughtUp = System.nanoTime();
            int sequences = Cutover.sequences(target, back);
            int largeObjects = Cutover.largeObjects(target, back);
            String line =
                String.format(
                    Locale.ROOT,
                    "The database of the %s copy of addon %s refuses writes (%d sessions ended);"
                        + " its writes are back in %s in %.0f ms; %d sequences at or above its"
                        + " values; %d large objects copied back",
                    input.move().destination(),
                    addonId,
                    ended,
                    input.move().source(),
                    (caughtUp - frozenAt) / 1e6,
                    sequences,
                    largeObjects);
            log.info("{}", line);
            return new CutoverResult(0, sequences, largeObjects, List.of(line));
          }
        });
  }

  private void awaitApplied(
      AddonInput input,
      RegionClient source,
      Connection back,
      String token,
      Duration poll,
      Heartbeat heartbeat)
      throws SQLException {
    String addonId = input.addon().id();
    long checkEvery = Duration.ofSeconds(1).toNanos();
    long[] nextCheck = {System.nanoTime() + checkEvery};
    Marker.await(
        back,
        LiveNames.BACK_MARKER_TABLE,
        token,
        poll,
        options.catchUpTimeout(),
        () -> {
          heartbeat.beatIfDue(() -> new DataProgress(addonId, "catching up back", 0, 0, 0));
          if (System.nanoTime() > nextCheck[0]) {
            // A subscription stopped by an error would never bring the marker.
            nextCheck[0] = System.nanoTime() + checkEvery;
            requireEnabled(input, source);
          }
        });
  }

  private static void requireEnabled(AddonInput input, RegionClient source) {
    String addonId = input.addon().id();
    Optional<Replication> state = source.findReplication(input.move().app(), addonId);
    if (state.isEmpty() || !state.get().enabled()) {
      throw LiveFailures.differs(
          "The replication of addon "
              + addonId
              + " back from region "
              + input.move().destination()
              + (state.isEmpty() ? " does not exist" : " stopped after an error")
              + ", so the writes made there since the cutover cannot come back: see the apply"
              + " error in the source region's PostgreSQL log, enable the subscription again once"
              + " it is fixed, then run rollback again.");
    }
  }
}
