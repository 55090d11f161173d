package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveFailures.guard;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.postgres.PostgresUrl;
import io.regionmove.activities.data.postgres.TableName;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Replication;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check before a cutover, while the source still accepts writes. Its point: the frozen window
 * then checks only the rows changed since, so its length does not grow with the database.
 *
 * <p>Round 0 compares every table at a consistent point of both sides: a verification slot is made
 * on the source with an exported snapshot (its start C: every transaction committed before is in
 * the snapshot, every later one in the slot); a marker written after C is awaited on the
 * destination, whose subscription is then paused, at a position L at or after C, long enough to
 * take a snapshot of it. The rows changed between C and L (read from the slot) are left out on both
 * sides; every other row must be equal, which proves: for every row not changed in (C, L], the
 * destination at L equals the source at C.
 *
 * <p>Round i then does the same with a new slot C' and pause L', comparing by key only the rows
 * changed in (C, C'] (the previous slot up to C') but those changed in (C', L'], and drops the
 * previous slot. The destination only changes a row when the source changed it, so a row not
 * changed in (C, C'] and equal at round i-1 is still equal; the claim carries from round to round.
 * Rounds go on while many rows changed meanwhile; the last slot is left for the frozen window,
 * which compares the rows it holds (with the source frozen, nothing is left out).
 */
final class ConsistentCheck {

  private static final Logger log = LoggerFactory.getLogger(ConsistentCheck.class);

  private final LiveRegions regions;
  private final LiveOptions options;
  private final ExecutorService executor;

  ConsistentCheck(LiveRegions regions, LiveOptions options, ExecutorService executor) {
    this.regions = regions;
    this.options = options;
    this.executor = executor;
  }

  LiveCheckResult run(AddonInput input, Heartbeat heartbeat) {
    LiveNames names = LiveNames.of(input);
    String addonId = input.addon().id();
    return guard(
        () -> {
          RegionClient destination = regions.destination(input);
          RegionAddon made = regions.requireDestinationAddon(input);
          String app = input.move().newName();
          PostgresUrl sourceUrl = regions.sourceUrl(input);
          PostgresUrl destinationUrl = regions.destinationUrl(input);
          try (Connection source = Sql.connect(sourceUrl);
              Connection target = Sql.connect(destinationUrl)) {
            List<String> logs = new ArrayList<>();
            Lag lag = awaitGate(input, names, source, target, destination, app, made, heartbeat);
            logs.add("Replication lag under the gate: " + lag.describe());
            dropVerificationSlots(source, names);
            Map<TableName, LiveTable> tables = new LinkedHashMap<>();
            LiveCatalog.tables(source).forEach(t -> tables.put(t.name(), t));
            Comparison compare = new Comparison(executor, heartbeat, addonId);
            try {
              return rounds(
                  input,
                  names,
                  sourceUrl,
                  destinationUrl,
                  source,
                  target,
                  destination,
                  app,
                  made,
                  tables,
                  compare,
                  heartbeat,
                  logs);
            } catch (RuntimeException | SQLException e) {
              // A verification slot holds the source's WAL: never leave one behind a failure.
              try {
                dropVerificationSlots(source, names);
              } catch (SQLException ignored) {
                log.warn("Could not drop the verification slots of {} now", addonId);
              }
              throw e;
            }
          }
        });
  }

  private LiveCheckResult rounds(
      AddonInput input,
      LiveNames names,
      PostgresUrl sourceUrl,
      PostgresUrl destinationUrl,
      Connection source,
      Connection target,
      RegionClient destination,
      String app,
      RegionAddon made,
      Map<TableName, LiveTable> tables,
      Comparison compare,
      Heartbeat heartbeat,
      List<String> logs)
      throws SQLException {
    String addonId = input.addon().id();
    String previousSlot = null;
    long rowsAtConsistentPoint = 0;
    for (int next = 0; ; next++) {
      int round = next;
      long started = System.nanoTime();
      String slotName = names.verificationSlot(round);
      Comparison.Outcome outcome;
      long leftOut;
      try (SnapshotSlot slot = SnapshotSlot.create(sourceUrl, slotName, "wal2json");
          Connection sourceAtC = Sql.connect(sourceUrl);
          Connection destinationAtL = Sql.connect(destinationUrl)) {
        importSnapshot(sourceAtC, slot.snapshot());
        heartbeat.beatIfDue(() -> progress(addonId, "checking: round " + round));
        String token = Marker.write(source);
        Marker.await(
            target,
            token,
            Duration.ofMillis(20),
            options.catchUpTimeout(),
            () -> heartbeat.beatIfDue(() -> progress(addonId, "waiting for the marker")));
        String applied;
        Replication paused = destination.setReplicationEnabled(app, made.id(), false);
        try {
          applied = paused.appliedLsn();
          destinationAtL.setAutoCommit(false);
          Sql.execute(destinationAtL, "set transaction isolation level repeatable read");
          Sql.one(destinationAtL, "select 1", rs -> 1, 0);
        } finally {
          destination.setReplicationEnabled(app, made.id(), true);
        }
        heartbeat.beatIfDue(() -> progress(addonId, "checking: round " + round));
        if (Lsn.parse(applied) < Lsn.parse(slot.lsn())) {
          throw new ToolFailedException(
              "the destination paused at " + applied + ", before the check's start " + slot.lsn());
        }
        ChangedRows inFlight = ChangedRows.read(source, slotName, applied, tables);
        refuseUnknownTables(inFlight, addonId);
        heartbeat.beatIfDue(() -> progress(addonId, "checking: round " + round));
        if (previousSlot == null) {
          outcome = compare.tables(sourceAtC, destinationAtL, tables.values(), inFlight);
          rowsAtConsistentPoint = outcome.rows();
        } else {
          ChangedRows changed = ChangedRows.read(source, previousSlot, slot.lsn(), tables);
          refuseUnknownTables(changed, addonId);
          heartbeat.beatIfDue(() -> progress(addonId, "checking: round " + round));
          outcome =
              compare.rows(sourceAtC, destinationAtL, tables, changed.minus(inFlight), inFlight);
          Sql.list(source, "select pg_drop_replication_slot(?)", rs -> 1, previousSlot);
        }
        leftOut = inFlight.rows();
        sourceAtC.rollback();
        destinationAtL.rollback();
      }
      if (!outcome.equal()) {
        throw LiveFailures.differs(
            "The destination copy of addon "
                + addonId
                + " differs from the source at a consistent point: "
                + outcome.describe()
                + ". The source was not stopped; abort the migration.");
      }
      heartbeat.beatIfDue(() -> progress(addonId, "checking: round " + round));
      long pending = ChangedRows.read(source, slotName, null, tables).rows();
      logs.add(
          String.format(
              Locale.ROOT,
              "Round %d: %s %,d rows equal at a consistent point (%,d in flight left for later)"
                  + " in %.1f s; %,d rows changed since",
              round,
              round == 0 ? "every table," : "changed rows,",
              outcome.rows(),
              leftOut,
              (System.nanoTime() - started) / 1e9,
              pending));
      log.info("Live check of addon {}: {}", addonId, logs.get(logs.size() - 1));
      if (pending <= options.fewRows() || round + 1 >= options.maxRounds()) {
        awaitApplying(addonId, source, target, destination, app, made, heartbeat);
        return new LiveCheckResult(slotName, tables.size(), rowsAtConsistentPoint, round + 1, logs);
      }
      previousSlot = slotName;
    }
  }

  /**
   * Waits until the subscription, resumed after the last pause, applies again (a marker makes the
   * round trip), so that the frozen window never waits for its worker to start.
   */
  private void awaitApplying(
      String addonId,
      Connection source,
      Connection target,
      RegionClient destination,
      String app,
      RegionAddon made,
      Heartbeat heartbeat)
      throws SQLException {
    long deadline = System.nanoTime() + options.catchUpTimeout().toNanos();
    while (destination.findReplication(app, made.id()).map(Replication::workers).orElse(0) == 0) {
      if (System.nanoTime() > deadline) {
        throw new ToolFailedException("the subscription's apply worker did not start again");
      }
      heartbeat.beatIfDue(() -> progress(addonId, "resuming the replication"));
      Marker.pause(Duration.ofMillis(50));
    }
    Marker.await(
        target,
        Marker.write(source),
        Duration.ofMillis(20),
        options.catchUpTimeout(),
        () -> heartbeat.beatIfDue(() -> progress(addonId, "resuming the replication")));
  }

  /** Waits until the lag is under the gate, refusing a broken or diverged replication. */
  private Lag awaitGate(
      AddonInput input,
      LiveNames names,
      Connection source,
      Connection target,
      RegionClient destination,
      String app,
      RegionAddon made,
      Heartbeat heartbeat)
      throws SQLException {
    String addonId = input.addon().id();
    requireHealthy(addonId, destination, app, made, source, target);
    long deadline = System.nanoTime() + options.lagGateWait().toNanos();
    while (true) {
      Lag lag = Lag.of(source, names);
      if (lag.bytes() >= 0 && lag.bytes() <= options.lagGateBytes()) {
        return lag;
      }
      if (System.nanoTime() > deadline) {
        throw LiveFailures.refused(
            "The replication of addon "
                + addonId
                + " stayed "
                + lag.describe()
                + " for "
                + options.lagGateWait().toMinutes()
                + " min, above the cutover's gate of "
                + Lag.humanBytes(options.lagGateBytes())
                + "; the source was not stopped: run --finalize again when writes calm down.");
      }
      heartbeat.beatIfDue(() -> progress(addonId, "waiting for the lag: " + lag.describe()));
      Marker.pause(Duration.ofMillis(200));
    }
  }

  /** A disabled subscription or a changed schema stops the cutover before anything stops. */
  static void requireHealthy(
      String addonId,
      RegionClient destination,
      String app,
      RegionAddon made,
      Connection source,
      Connection target)
      throws SQLException {
    Replication state =
        destination
            .findReplication(app, made.id())
            .orElseThrow(
                () ->
                    LiveFailures.refused(
                        "Addon " + made.id() + " replicates from nothing: abort the migration."));
    if (!state.enabled()) {
      throw LiveFailures.refused(
          "The replication of addon "
              + addonId
              + " stopped after an error on the destination ("
              + state.applyErrorCount()
              + " apply errors): abort the migration, then run it again.");
    }
    List<String> changes =
        LiveCatalog.schemaDifferences(LiveCatalog.columns(source), LiveCatalog.columns(target));
    if (!changes.isEmpty()) {
      throw LiveFailures.refused(
          "The schema of addon "
              + addonId
              + " changed on the source during the replication ("
              + String.join("; ", changes)
              + "), which logical replication does not carry: abort the migration, then run it"
              + " again.");
    }
  }

  private static void refuseUnknownTables(ChangedRows changed, String addonId) {
    if (!changed.unknownTables().isEmpty()) {
      throw LiveFailures.refused(
          "Tables were added to addon "
              + addonId
              + " on the source during the check ("
              + changed.unknownTables()
              + "): abort the migration, then run it again.");
    }
  }

  private static void importSnapshot(Connection c, String snapshot) throws SQLException {
    c.setAutoCommit(false);
    Sql.execute(c, "set transaction isolation level repeatable read");
    Sql.execute(c, "set transaction snapshot " + Sql.literal(snapshot));
  }

  /** Drops this addon's verification slots an earlier attempt or round left. */
  static void dropVerificationSlots(Connection source, LiveNames names) throws SQLException {
    List<String> slots =
        Sql.list(
            source,
            "select slot_name from pg_replication_slots where database = current_database()",
            rs -> rs.getString(1));
    for (String slot : slots) {
      if (names.isVerificationSlot(slot)) {
        ReplicationSetup.dropSlot(source, slot);
      }
    }
  }

  private static DataProgress progress(String addonId, String stage) {
    return new DataProgress(addonId, stage, 0, 0, 0);
  }
}
