package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveFailures.guard;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.postgres.PostgresUrl;
import io.regionmove.activities.data.postgres.TableName;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Replication;
import io.regionmove.regionapi.ReplicationRequest;
import io.regionmove.regionapi.ReplicationSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops one addon's replication: the source's part (the REPLICATION attribute the region
 * gives, the publication and the marker the addon's owner makes, the slots the region drops) and
 * the destination's (the initial copy at the slot's snapshot, the subscription the region makes).
 */
final class ReplicationSetup {

  private static final Logger log = LoggerFactory.getLogger(ReplicationSetup.class);

  private final LiveRegions regions;
  private final InitialCopy copy;
  private final LiveOptions options;

  ReplicationSetup(LiveRegions regions, InitialCopy copy, LiveOptions options) {
    this.regions = regions;
    this.copy = copy;
    this.options = options;
  }

  // ---- source

  StepResult allow(AddonInput input) {
    LiveNames names = LiveNames.of(input);
    String app = input.move().app();
    String addonId = input.addon().id();
    RegionClient source = regions.source(input);
    ReplicationSource report = guard(() -> source.allowReplicationSource(app, addonId));
    if (!"logical".equals(report.walLevel())) {
      throw LiveFailures.refused(
          "The PostgreSQL server of addon "
              + addonId
              + " in region "
              + input.move().source()
              + " runs with wal_level="
              + report.walLevel()
              + ", and live mode needs wal_level=logical: run migration-run --data (stop and copy)"
              + " instead.");
    }
    boolean ours = report.slots().stream().anyMatch(s -> s.name().equals(names.slot()));
    int slotsNeeded = ours ? 1 : 2;
    if (report.freeReplicationSlots() < slotsNeeded || report.freeWalSenders() < 1) {
      throw LiveFailures.refused(
          "The PostgreSQL server of addon "
              + addonId
              + " has "
              + report.freeReplicationSlots()
              + " free replication slots and "
              + report.freeWalSenders()
              + " free WAL senders; live mode needs 2 and 1: free some, or run migration-run"
              + " --data (stop and copy) instead.");
    }
    guard(
        () -> {
          try (Connection c = Sql.connect(regions.sourceUrl(input))) {
            checkWal2json(c, names);
          }
          return null;
        });
    return StepResult.of(
        "Addon "
            + addonId
            + " may be replicated from region "
            + input.move().source()
            + ": wal_level logical, "
            + report.freeReplicationSlots()
            + " free replication slots, "
            + report.freeWalSenders()
            + " free WAL senders.");
  }

  /** The check before a cutover reads changes with wal2json: make sure the server has it. */
  private static void checkWal2json(Connection c, LiveNames names) throws SQLException {
    try {
      Sql.one(
          c,
          "select 1 from pg_create_logical_replication_slot(?, 'wal2json', true)",
          rs -> 1,
          0,
          names.base() + "_probe");
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("wal2json")) {
        throw LiveFailures.refused(
            "The source's PostgreSQL server has no wal2json output plugin, which the live"
                + " cutover's check needs (package postgresql-15-wal2json): install it, or run"
                + " migration-run --data (stop and copy) instead.");
      }
      throw e;
    } finally {
      // A temporary slot goes with the session; dropping it here keeps the session usable.
      Sql.list(
          c,
          "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
              + " where slot_name = ? and temporary",
          rs -> 1,
          names.base() + "_probe");
    }
  }

  StepResult stopSource(AddonInput input) {
    LiveNames names = LiveNames.of(input);
    String app = input.move().app();
    String addonId = input.addon().id();
    return guard(
        () -> {
          if (!regions.sourceAddonExists(input)) {
            return StepResult.of(
                "Addon " + addonId + " of app " + app + " is gone; nothing replicates from it.");
          }
          try (Connection c = Sql.connect(regions.sourceUrl(input))) {
            Sql.execute(c, "drop publication if exists " + names.publication());
            Marker.drop(c);
          }
          RegionClient source = regions.source(input);
          source.disallowReplicationSource(app, addonId);
          ReplicationSource after = source.getReplicationSource(app, addonId);
          if (!after.slots().isEmpty() || after.replication()) {
            throw new ToolFailedException(
                "the source region still shows replication slots "
                    + after.slots().stream().map(ReplicationSource.ReplicationSlot::name).toList()
                    + " for addon "
                    + addonId);
          }
          try (Connection c = Sql.connect(regions.sourceUrl(input))) {
            boolean published =
                Sql.one(
                    c,
                    "select count(*) > 0 from pg_publication where pubname = ?",
                    rs -> rs.getBoolean(1),
                    false,
                    names.publication());
            if (published) {
              throw new ToolFailedException(
                  "publication " + names.publication() + " is still on the source");
            }
          }
          log.info("No slot nor publication is left on addon {} of {}", addonId, app);
          return StepResult.of(
              "Dropped the publication and every replication slot of addon "
                  + addonId
                  + " in region "
                  + input.move().source()
                  + "; none is left.");
        });
  }

  // ---- destination

  LiveCopyResult start(AddonInput input, Heartbeat heartbeat) {
    LiveNames names = LiveNames.of(input);
    String addonId = input.addon().id();
    return guard(
        () -> {
          RegionClient destination = regions.destination(input);
          RegionAddon made = regions.requireDestinationAddon(input);
          String app = input.move().newName();
          PostgresUrl sourceUrl = regions.sourceUrl(input);
          PostgresUrl destinationUrl = regions.destinationUrl(input);
          List<String> logs = new ArrayList<>();
          long copied = 0;
          int tables;
          Optional<Replication> existing = destination.findReplication(app, made.id());
          if (existing.isEmpty()) {
            long started = System.nanoTime();
            List<LiveTable> published;
            try (Connection source = Sql.connect(sourceUrl)) {
              published = publish(source, names, addonId);
              dropSlot(source, names.slot());
            }
            tables = published.size();
            try (Connection target = Sql.connect(destinationUrl)) {
              Sql.list(
                  target,
                  "select pg_terminate_backend(pid) from pg_stat_activity"
                      + " where datname = current_database() and pid <> pg_backend_pid()",
                  rs -> 1);
            }
            heartbeat.beat(new DataProgress(addonId, "copying at the snapshot", 0, 0, tables));
            try (SnapshotSlot slot = SnapshotSlot.create(sourceUrl, names.slot(), "pgoutput")) {
              copied =
                  copy.run(sourceUrl, destinationUrl, slot.snapshot(), addonId, tables, heartbeat);
              logs.add(
                  String.format(
                      Locale.ROOT,
                      "Copied addon %s at the snapshot of slot %s (%s): %d tables, %s of archive"
                          + " in %.1f s",
                      addonId,
                      names.slot(),
                      slot.lsn(),
                      tables,
                      Lag.humanBytes(copied),
                      (System.nanoTime() - started) / 1e9));
            }
            destination.replicateFrom(
                app,
                made.id(),
                new ReplicationRequest(
                    regions.sourceUrlText(input),
                    names.publication(),
                    names.subscription(),
                    names.slot(),
                    false));
            logs.add(
                "Region "
                    + input.move().destination()
                    + " subscribed addon "
                    + made.id()
                    + " to publication "
                    + names.publication()
                    + " (slot "
                    + names.slot()
                    + ", disable_on_error)");
          } else {
            tables = existing.get().tables().size() - 1;
          }
          Lag lag = awaitCaughtUp(input, names, destination, app, made.id(), heartbeat);
          logs.add(
              "Replication of addon " + addonId + " runs: every table ready, " + lag.describe());
          return new LiveCopyResult(tables, copied, Math.max(0, lag.bytes()), logs);
        });
  }

  /**
   * Makes the marker table and the publication of every user table and the marker; refuses a table
   * whose rows cannot be replicated or checked.
   */
  private static List<LiveTable> publish(Connection source, LiveNames names, String addonId)
      throws SQLException {
    Marker.create(source);
    List<LiveTable> tables = LiveCatalog.tables(source);
    List<String> refused =
        tables.stream()
            .filter(t -> t.unlogged() || !t.hasKey())
            .map(t -> t.name().toString())
            .toList();
    if (!refused.isEmpty()) {
      throw LiveFailures.refused(
          "Addon "
              + addonId
              + " has tables live mode cannot replicate (unlogged, or without a primary key or"
              + " replica identity): "
              + String.join(", ", refused)
              + "; run migration-run --data (stop and copy) instead.");
    }
    String list =
        tables.stream()
            .map(t -> t.name().sql())
            .collect(Collectors.joining(", ", "", tables.isEmpty() ? "" : ", "));
    Sql.execute(source, "drop publication if exists " + names.publication());
    Sql.execute(
        source,
        "create publication "
            + names.publication()
            + " for table "
            + list
            + TableName.quote(LiveNames.MARKER_SCHEMA)
            + ".live_marker");
    return tables;
  }

  /** Drops a slot an interrupted attempt left, ending the session that holds it if any. */
  static void dropSlot(Connection source, String slot) throws SQLException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Sql.list(
          source,
          "select pg_terminate_backend(active_pid) from pg_replication_slots"
              + " where slot_name = ? and active_pid is not null",
          rs -> 1,
          slot);
      try {
        Sql.list(
            source,
            "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                + " where slot_name = ?",
            rs -> 1,
            slot);
        return;
      } catch (SQLException e) {
        // Held a moment longer by a session that is ending.
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Marker.pause(Duration.ofMillis(100));
      }
    }
  }

  /** Waits for every table to be ready and a marker to make the round trip. */
  private Lag awaitCaughtUp(
      AddonInput input,
      LiveNames names,
      RegionClient destination,
      String app,
      String destinationAddonId,
      Heartbeat heartbeat)
      throws SQLException {
    String addonId = input.addon().id();
    long deadline = System.nanoTime() + options.catchUpTimeout().toNanos();
    while (true) {
      Replication state =
          destination
              .findReplication(app, destinationAddonId)
              .orElseThrow(
                  () ->
                      new ToolFailedException(
                          "the subscription of addon " + destinationAddonId + " is gone"));
      if (!state.enabled()) {
        throw LiveFailures.refused(
            "The replication of addon "
                + addonId
                + " stopped after an error on the destination (subscription "
                + state.subscription()
                + " disabled): abort the migration.");
      }
      if (state.allTablesReady() && state.workers() > 0) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new ToolFailedException("the subscription's tables are not all ready yet");
      }
      heartbeat.beatIfDue(() -> new DataProgress(addonId, "starting replication", 0, 0, 0));
      Marker.pause(Duration.ofMillis(100));
    }
    try (Connection source = Sql.connect(regions.sourceUrl(input));
        Connection target = Sql.connect(regions.destinationUrl(input))) {
      String token = Marker.write(source);
      Marker.await(
          target,
          token,
          Duration.ofMillis(50),
          options.catchUpTimeout(),
          () -> heartbeat.beatIfDue(() -> new DataProgress(addonId, "catching up", 0, 0, 0)));
      return Lag.of(source, names);
    }
  }

  StepResult stop(AddonInput input) {
    String addonId = input.addon().id();
    return guard(
        () -> {
          Optional<RegionAddon> made = regions.destinationAddon(input);
          if (made.isEmpty()) {
            return StepResult.of(
                "No destination addon was made for addon " + addonId + "; nothing replicates.");
          }
          RegionClient destination = regions.destination(input);
          String app = input.move().newName();
          destination.stopReplication(app, made.get().id());
          if (destination.findReplication(app, made.get().id()).isPresent()) {
            throw new ToolFailedException(
                "the subscription of addon " + made.get().id() + " is still there");
          }
          try (Connection target = Sql.connect(regions.destinationUrl(input))) {
            Marker.drop(target);
          }
          return StepResult.of(
              "Dropped the subscription of addon "
                  + made.get().id()
                  + " in region "
                  + input.move().destination()
                  + "; it replicates from nothing.");
        });
  }
}
