package io.regionmove.activities.data.live;

import static io.regionmove.activities.data.live.LiveFailures.guard;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CutoverInput;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.postgres.PostgresUrl;
import io.regionmove.activities.data.postgres.TableName;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionClient;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frozen window of a cutover, and the freeze itself: the source's database refuses writes, a
 * marker proves the destination applied every committed write, the rows changed since the last
 * check are compared, sequences are set at or above the source's, large objects are copied. Each
 * part is idempotent: with the source frozen, doing it again finds the same.
 */
final class Cutover {

  private static final Logger log = LoggerFactory.getLogger(Cutover.class);

  private final LiveRegions regions;
  private final LiveOptions options;
  private final ExecutorService executor;

  Cutover(LiveRegions regions, LiveOptions options, ExecutorService executor) {
    this.regions = regions;
    this.options = options;
    this.executor = executor;
  }

  /** Makes the source database refuse writes and ends the app's sessions; how many ended. */
  static int freeze(Connection source, PostgresUrl url) throws SQLException {
    Sql.execute(
        source,
        "alter database "
            + TableName.quote(url.database())
            + " set default_transaction_read_only = on");
    return endClientSessions(source);
  }

  StepResult unfreeze(AddonInput input) {
    String addonId = input.addon().id();
    return guard(
        () -> {
          if (!regions.sourceAddonExists(input)) {
            return StepResult.of("Addon " + addonId + " is gone; nothing to unfreeze.");
          }
          PostgresUrl url = regions.sourceUrl(input);
          try (Connection c = Sql.connect(url)) {
            Sql.execute(
                c,
                "alter database "
                    + TableName.quote(url.database())
                    + " reset default_transaction_read_only");
            // Sessions opened while it refused writes would keep refusing them.
            endClientSessions(c);
            return StepResult.of("The database of addon " + addonId + " accepts writes again.");
          }
        });
  }

  private static int endClientSessions(Connection c) throws SQLException {
    return Sql.one(
        c,
        "select count(pg_terminate_backend(pid))::int from pg_stat_activity"
            + " where datname = current_database() and pid <> pg_backend_pid()"
            + " and backend_type = 'client backend'",
        rs -> rs.getInt(1),
        0);
  }

  CutoverResult catchUp(CutoverInput in, Heartbeat heartbeat) {
    AddonInput input = in.addon();
    LiveNames names = LiveNames.of(input);
    String addonId = input.addon().id();
    return guard(
        () -> {
          RegionClient destination = regions.destination(input);
          RegionAddon made = regions.requireDestinationAddon(input);
          String app = input.move().newName();
          List<String> logs = new ArrayList<>();
          PostgresUrl sourceUrl = regions.sourceUrl(input);
          try (Connection source = Sql.connect(sourceUrl);
              Connection target = Sql.connect(regions.destinationUrl(input))) {
            ConsistentCheck.requireHealthy(addonId, destination, app, made, source, target);
            long frozenAt = System.nanoTime();
            int ended = freeze(source, sourceUrl);
            String token = Marker.write(source);
            long checkEvery = Duration.ofSeconds(1).toNanos();
            long[] nextCheck = {System.nanoTime() + checkEvery};
            Marker.await(
                target,
                token,
                Duration.ofMillis(5),
                options.catchUpTimeout(),
                () -> {
                  heartbeat.beatIfDue(() -> new DataProgress(addonId, "catching up", 0, 0, 0));
                  if (System.nanoTime() > nextCheck[0]) {
                    // A subscription stopped by an error would never bring the marker.
                    nextCheck[0] = System.nanoTime() + checkEvery;
                    requireEnabled(addonId, destination, app, made);
                  }
                });
            long caughtUp = System.nanoTime();
            Map<TableName, LiveTable> tables = new LinkedHashMap<>();
            LiveCatalog.tables(source).forEach(t -> tables.put(t.name(), t));
            ChangedRows changed = ChangedRows.read(source, in.verificationSlot(), null, tables);
            long read = System.nanoTime();
            if (!changed.unknownTables().isEmpty()) {
              throw LiveFailures.differs(
                  "Tables were added to addon "
                      + addonId
                      + " on the source during the replication ("
                      + changed.unknownTables()
                      + "): they were not replicated; abort the migration.");
            }
            Comparison.Outcome outcome =
                new Comparison(executor, heartbeat, addonId)
                    .rows(source, target, tables, changed, ChangedRows.none());
            if (!outcome.equal()) {
              throw LiveFailures.differs(
                  "The destination copy of addon "
                      + addonId
                      + " lacks writes the source committed: "
                      + outcome.describe()
                      + ". Abort the migration: the source will accept writes again.");
            }
            long checked = System.nanoTime();
            int sequences = sequences(source, target);
            int largeObjects = largeObjects(source, target);
            logs.add(
                String.format(
                    Locale.ROOT,
                    "The database of addon %s refuses writes (%d sessions of the app ended); caught"
                        + " up in %.0f ms; %,d changed rows (read in %.0f ms) equal on both sides"
                        + " (%.0f ms); %d sequences at or above the source's; %d large objects"
                        + " copied (%.0f ms in all)",
                    addonId,
                    ended,
                    (caughtUp - frozenAt) / 1e6,
                    outcome.rows(),
                    (read - caughtUp) / 1e6,
                    (checked - read) / 1e6,
                    sequences,
                    largeObjects,
                    (System.nanoTime() - frozenAt) / 1e6));
            log.info("{}", logs.get(0));
            return new CutoverResult(outcome.rows(), sequences, largeObjects, logs);
          }
        });
  }

  private static void requireEnabled(
      String addonId, RegionClient destination, String app, RegionAddon made) {
    boolean enabled =
        destination.findReplication(app, made.id()).map(r -> r.enabled()).orElse(false);
    if (!enabled) {
      throw LiveFailures.refused(
          "The replication of addon "
              + addonId
              + " stopped during the cutover: abort the migration (the source will accept writes"
              + " again).");
    }
  }

  /** Sets each destination sequence at or above the source's last value. */
  static int sequences(Connection source, Connection target) throws SQLException {
    Map<String, Long> from = LiveCatalog.sequences(source);
    Map<String, Long> to = LiveCatalog.sequences(target);
    int set = 0;
    for (Map.Entry<String, Long> sequence : from.entrySet()) {
      Long there = to.get(sequence.getKey());
      if (there == null || there < sequence.getValue()) {
        Sql.one(
            target,
            "select setval(?::regclass, ?, true)",
            rs -> 1,
            0,
            sequence.getKey(),
            sequence.getValue());
      }
      set++;
    }
    return set;
  }

  /** Large objects are not replicated: copies the source's, drops the destination's others. */
  static int largeObjects(Connection source, Connection target) throws SQLException {
    List<Long> ids = LiveCatalog.largeObjects(source);
    Set<Long> there = new HashSet<>(LiveCatalog.largeObjects(target));
    if (ids.isEmpty() && there.isEmpty()) {
      return 0;
    }
    boolean auto = target.getAutoCommit();
    target.setAutoCommit(false);
    try {
      for (long id : ids) {
        byte[] data =
            Sql.one(source, "select lo_get(?::oid)", rs -> rs.getBytes(1), new byte[0], id);
        if (there.remove(id)) {
          Sql.one(target, "select lo_unlink(?::oid)", rs -> 1, 0, id);
        }
        Sql.one(target, "select lo_from_bytea(?::oid, ?)", rs -> 1, 0, id, data);
      }
      for (long id : there) {
        Sql.one(target, "select lo_unlink(?::oid)", rs -> 1, 0, id);
      }
      target.commit();
    } catch (SQLException | RuntimeException e) {
      target.rollback();
      throw e;
    } finally {
      target.setAutoCommit(auto);
    }
    return ids.size();
  }
}
