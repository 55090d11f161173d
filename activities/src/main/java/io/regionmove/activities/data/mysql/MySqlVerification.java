package io.regionmove.activities.data.mysql;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Verification;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a source MySQL addon with its destination copy: the same tables, each with the same row
 * count and order-independent checksum computed by each server at the same time; the same table
 * definitions (columns, generated columns, indexes, foreign keys, checks); the same views,
 * triggers, routines and events; the same AUTO_INCREMENT counters. Every difference is named.
 */
final class MySqlVerification {

  private static final Logger log = LoggerFactory.getLogger(MySqlVerification.class);

  private final AddonDatabases databases;
  private final ExecutorService executor;

  MySqlVerification(AddonDatabases databases, ExecutorService executor) {
    this.databases = databases;
    this.executor = executor;
  }

  Verification run(AddonInput input, Heartbeat heartbeat) {
    String addonId = input.addon().id();
    // The two sides of the copy: when a rollback copies back, the destination addon is read.
    MySqlUrl sourceUrl = MySqlUrl.parse(databases.fromUrl(input));
    MySqlUrl destinationUrl = MySqlUrl.parse(databases.toUrl(input));
    long started = System.nanoTime();
    try (MySqlInspector source = MySqlInspector.connect(sourceUrl);
        MySqlInspector destination = MySqlInspector.connect(destinationUrl)) {
      source.startSnapshot();
      destination.startSnapshot();
      Map<String, List<MySqlInspector.Column>> sourceColumns = source.columns();
      Map<String, List<MySqlInspector.Column>> destinationColumns = destination.columns();
      List<String> sourceTables = source.tables();
      List<String> destinationTables = destination.tables();
      TreeSet<String> differing = new TreeSet<>();
      TreeSet<String> common = new TreeSet<>(sourceTables);
      common.retainAll(destinationTables);
      sourceTables.stream().filter(t -> !common.contains(t)).forEach(differing::add);
      destinationTables.stream().filter(t -> !common.contains(t)).forEach(differing::add);
      // A table whose columns differ differs: its rows are not hashed alike.
      common.stream()
          .filter(t -> !Objects.equals(sourceColumns.get(t), destinationColumns.get(t)))
          .forEach(differing::add);
      common.removeAll(differing);

      // Shown at once, not after the first interval: a small database is verified in less.
      heartbeat.beat(new DataProgress(addonId, "verifying", 0, 0, common.size()));
      // Both sides are read at the same time, one session each, so the destination is compared
      // with the source as it is now: a write to the source after the dump is caught too.
      List<String> tables = List.copyOf(common);
      AtomicInteger doneSource = new AtomicInteger();
      AtomicInteger doneDestination = new AtomicInteger();
      Future<Map<String, TableFingerprint>> sourceSide =
          executor.submit(() -> fingerprints(source, tables, sourceColumns, doneSource));
      Future<Map<String, TableFingerprint>> destinationSide =
          executor.submit(() -> fingerprints(destination, tables, sourceColumns, doneDestination));
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  addonId,
                  "verifying",
                  0,
                  Math.min(doneSource.get(), doneDestination.get()),
                  tables.size());
      Map<String, TableFingerprint> sourcePrints;
      Map<String, TableFingerprint> destinationPrints;
      try {
        sourcePrints = heartbeat.await(sourceSide, progress);
        destinationPrints = heartbeat.await(destinationSide, progress);
      } catch (RuntimeException | Error e) {
        source.cancel();
        destination.cancel();
        sourceSide.cancel(true);
        destinationSide.cancel(true);
        throw e;
      }
      long rows = 0;
      for (String table : tables) {
        TableFingerprint a = sourcePrints.get(table);
        TableFingerprint b = destinationPrints.get(table);
        if (!a.sameAs(b)) {
          differing.add(table);
          log.warn(
              "table {} differs: {} rows on the source, {} on the destination",
              table,
              a.rows(),
              b.rows());
        }
        rows += a.rows();
      }

      Map<String, List<String>> differences = new LinkedHashMap<>();
      differences.put("tables", List.copyOf(differing));
      differences.put(
          "table definitions", differ(source.tableDefinitions(), destination.tableDefinitions()));
      differences.put(
          "AUTO_INCREMENT counters", differ(source.autoIncrements(), destination.autoIncrements()));
      Map<String, String> views = source.views();
      Map<String, String> triggers = source.triggers();
      Map<String, String> routines = source.routines();
      Map<String, String> events = source.events();
      differences.put("views", differ(views, destination.views()));
      differences.put("triggers", differ(triggers, destination.triggers()));
      differences.put("routines", differ(routines, destination.routines()));
      differences.put("events", differ(events, destination.events()));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new Verification(
          tables.size(),
          rows,
          differences,
          String.format(
              Locale.ROOT,
              "Verified addon %s: %d tables, %,d rows, %d views, %d triggers, %d routines and"
                  + " %d events equal on both sides in %.1f s",
              addonId,
              tables.size(),
              rows,
              views.size(),
              triggers.size(),
              routines.size(),
              events.size(),
              took.toMillis() / 1000.0));
    } catch (SQLException e) {
      throw MySqlFailures.databaseFailed("verification", e);
    }
  }

  /**
   * Fingerprints each table over the source's columns, so that both sides hash the same expression
   * (a table whose columns differ is named anyway).
   */
  private static Map<String, TableFingerprint> fingerprints(
      MySqlInspector side,
      List<String> tables,
      Map<String, List<MySqlInspector.Column>> columns,
      AtomicInteger done)
      throws SQLException {
    Map<String, TableFingerprint> prints = new LinkedHashMap<>();
    for (String table : tables) {
      prints.put(table, side.fingerprint(table, columns.getOrDefault(table, List.of())));
      done.incrementAndGet();
    }
    return prints;
  }

  /** The names whose values differ, or that only one side has, in name order. */
  private static <V> List<String> differ(Map<String, V> source, Map<String, V> destination) {
    TreeSet<String> names = new TreeSet<>(source.keySet());
    names.addAll(destination.keySet());
    names.removeIf(name -> Objects.equals(source.get(name), destination.get(name)));
    return List.copyOf(names);
  }
}
