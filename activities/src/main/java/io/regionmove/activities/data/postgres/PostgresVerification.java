package io.regionmove.activities.data.postgres;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.Verification;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a source PostgreSQL addon with its destination copy: the same user tables, each with the
 * same row count and order-independent checksum ({@link TableFingerprint}), and the same sequence
 * values.
 */
final class PostgresVerification {

  private static final Logger log = LoggerFactory.getLogger(PostgresVerification.class);

  private final AddonDatabases databases;
  private final ExecutorService executor;

  PostgresVerification(AddonDatabases databases, ExecutorService executor) {
    this.databases = databases;
    this.executor = executor;
  }

  Verification run(AddonInput input, Heartbeat heartbeat) {
    String addonId = input.addon().id();
    // "source" is the side copied from: the destination addon when a rollback copies it back.
    PostgresUrl sourceUrl = PostgresUrl.parse(databases.fromUrl(input));
    PostgresUrl destinationUrl = PostgresUrl.parse(databases.toUrl(input));
    long started = System.nanoTime();
    try (DatabaseInspector source = DatabaseInspector.connect(sourceUrl);
        DatabaseInspector destination = DatabaseInspector.connect(destinationUrl)) {
      List<TableName> sourceTables = source.tables();
      List<TableName> destinationTables = destination.tables();
      TreeSet<String> differing = new TreeSet<>();
      TreeSet<TableName> common = new TreeSet<>(sourceTables);
      common.retainAll(destinationTables);
      sourceTables.stream()
          .filter(t -> !common.contains(t))
          .forEach(t -> differing.add(t.toString()));
      destinationTables.stream()
          .filter(t -> !common.contains(t))
          .forEach(t -> differing.add(t.toString()));

      // Shown at once, not after the first interval: a small database is verified in less.
      heartbeat.beat(new DataProgress(addonId, "verifying", 0, 0, common.size()));
      // Both sides are read at the same time, one session each: the destination against the
      // source as it is now, so a write to the source after the dump is caught too.
      AtomicInteger doneSource = new AtomicInteger();
      AtomicInteger doneDestination = new AtomicInteger();
      List<TableName> tables = List.copyOf(common);
      Future<Map<TableName, TableFingerprint>> sourceSide =
          executor.submit(() -> fingerprints(source, tables, doneSource));
      Future<Map<TableName, TableFingerprint>> destinationSide =
          executor.submit(() -> fingerprints(destination, tables, doneDestination));
      Map<TableName, TableFingerprint> sourcePrints;
      Map<TableName, TableFingerprint> destinationPrints;
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  addonId,
                  "verifying",
                  0,
                  Math.min(doneSource.get(), doneDestination.get()),
                  tables.size());
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
      for (TableName table : tables) {
        TableFingerprint a = sourcePrints.get(table);
        TableFingerprint b = destinationPrints.get(table);
        if (a.rows() != b.rows() || a.checksum().compareTo(b.checksum()) != 0) {
          differing.add(table.toString());
          log.warn(
              "table {} differs: {} rows on the source, {} on the destination",
              table,
              a.rows(),
              b.rows());
        }
        rows += a.rows();
      }
      Map<String, Long> sourceSequences = source.sequences();
      Map<String, Long> destinationSequences = destination.sequences();
      TreeSet<String> differingSequences = new TreeSet<>();
      for (String name : union(sourceSequences.keySet(), destinationSequences.keySet())) {
        if (!sourceSequences.containsKey(name)
            || !destinationSequences.containsKey(name)
            || !Objects.equals(sourceSequences.get(name), destinationSequences.get(name))) {
          differingSequences.add(name);
        }
      }
      Map<String, List<String>> differences = new LinkedHashMap<>();
      differences.put("tables", List.copyOf(differing));
      differences.put("sequences", List.copyOf(differingSequences));
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new Verification(
          tables.size(),
          rows,
          differences,
          String.format(
              Locale.ROOT,
              "Verified addon %s: %d tables, %,d rows and %d sequences equal on both sides in %.1f s",
              addonId,
              tables.size(),
              rows,
              sourceSequences.size(),
              took.toMillis() / 1000.0));
    } catch (SQLException e) {
      throw new ToolFailedException("verification: " + Redaction.redact(e.getMessage()));
    }
  }

  private static Map<TableName, TableFingerprint> fingerprints(
      DatabaseInspector side, List<TableName> tables, AtomicInteger done) throws SQLException {
    Map<TableName, TableFingerprint> prints = new HashMap<>();
    for (TableName table : tables) {
      prints.put(table, side.fingerprint(table));
      done.incrementAndGet();
    }
    return prints;
  }

  private static TreeSet<String> union(Set<String> a, Set<String> b) {
    TreeSet<String> all = new TreeSet<>(a);
    all.addAll(b);
    return all;
  }
}
