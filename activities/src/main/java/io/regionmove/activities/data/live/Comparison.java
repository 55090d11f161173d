package io.regionmove.activities.data.live;

import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.postgres.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Compares the source and the destination, each read in its own session (both at the points the
 * caller chose), the two sides at the same time: whole tables by fingerprint, leaving out rows some
 * keys name, or single rows by key. Differences are returned as table → rows that differ.
 */
final class Comparison {

  private final ExecutorService executor;
  private final Heartbeat heartbeat;
  private final String addonId;

  Comparison(ExecutorService executor, Heartbeat heartbeat, String addonId) {
    this.executor = executor;
    this.heartbeat = heartbeat;
    this.addonId = addonId;
  }

  /** What one comparison found. */
  record Outcome(long rows, Map<TableName, Long> differing) {

    boolean equal() {
      return differing.isEmpty();
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      differing.forEach((t, n) -> parts.add(t + (n > 0 ? " (" + n + " rows)" : "")));
      return String.join(", ", parts);
    }
  }

  /**
   * Every row of {@code tables} but those {@code exclude} names (rows whose two sides may be at
   * different points), by fingerprint.
   */
  Outcome tables(
      Connection source, Connection destination, Collection<LiveTable> tables, ChangedRows exclude)
      throws SQLException {
    List<LiveTable> all = new ArrayList<>(tables);
    AtomicInteger sourceDone = new AtomicInteger();
    AtomicInteger destinationDone = new AtomicInteger();
    Sides<Map<TableName, RowHashes.Fingerprint>> prints =
        both(
            () -> fingerprints(source, all, exclude, sourceDone),
            () -> fingerprints(destination, all, exclude, destinationDone),
            sourceDone,
            destinationDone,
            all.size());
    Map<TableName, RowHashes.Fingerprint> a = prints.source();
    Map<TableName, RowHashes.Fingerprint> b = prints.destination();
    Map<TableName, Long> differing = new TreeMap<>();
    long rows = 0;
    for (LiveTable table : all) {
      RowHashes.Fingerprint x = a.get(table.name());
      RowHashes.Fingerprint y = b.get(table.name());
      rows += x.rows();
      if (x.rows() != y.rows() || x.sum().compareTo(y.sum()) != 0) {
        differing.put(table.name(), Math.abs(x.rows() - y.rows()));
      }
    }
    return new Outcome(rows, differing);
  }

  /**
   * The rows {@code changed} names, by key (whole tables, but the rows {@code exclude} names, for
   * those it truncated).
   */
  Outcome rows(
      Connection source,
      Connection destination,
      Map<TableName, LiveTable> tables,
      ChangedRows changed,
      ChangedRows exclude)
      throws SQLException {
    Map<TableName, Long> differing = new TreeMap<>();
    long rows = 0;
    List<LiveTable> whole = new ArrayList<>();
    for (TableName name : changed.changedTables()) {
      LiveTable table = tables.get(name);
      if (changed.truncated().contains(name)) {
        whole.add(table);
        continue;
      }
      Collection<List<String>> keys = changed.keys(name);
      AtomicInteger none = new AtomicInteger();
      Sides<Map<List<String>, Long>> hashes =
          both(
              () -> RowHashes.byKey(source, table, keys),
              () -> RowHashes.byKey(destination, table, keys),
              none,
              none,
              0);
      List<List<String>> different = RowHashes.differing(hashes.source(), hashes.destination());
      rows += keys.size();
      if (!different.isEmpty()) {
        differing.put(name, (long) different.size());
      }
    }
    if (!whole.isEmpty()) {
      Outcome full = tables(source, destination, whole, exclude);
      rows += full.rows();
      differing.putAll(full.differing());
    }
    return new Outcome(rows, differing);
  }

  private Map<TableName, RowHashes.Fingerprint> fingerprints(
      Connection c, List<LiveTable> tables, ChangedRows exclude, AtomicInteger done)
      throws SQLException {
    Map<TableName, RowHashes.Fingerprint> prints = new HashMap<>();
    for (LiveTable table : tables) {
      RowHashes.Fingerprint print = RowHashes.fingerprint(c, table.name());
      Collection<List<String>> left = exclude.keys(table.name());
      if (!left.isEmpty()) {
        print = print.minus(RowHashes.byKey(c, table, left).values());
      }
      prints.put(table.name(), print);
      done.incrementAndGet();
    }
    return prints;
  }

  private record Sides<T>(T source, T destination) {}

  /** Runs both sides at once, heartbeating meanwhile. */
  private <T> Sides<T> both(
      Callable<T> onSource,
      Callable<T> onDestination,
      AtomicInteger sourceDone,
      AtomicInteger destinationDone,
      int total) {
    Future<T> a = executor.submit(onSource);
    Future<T> b = executor.submit(onDestination);
    try {
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  addonId,
                  "checking at a consistent point",
                  0,
                  Math.min(sourceDone.get(), destinationDone.get()),
                  total);
      T first = heartbeat.await(a, progress);
      return new Sides<>(first, heartbeat.await(b, progress));
    } finally {
      a.cancel(true);
      b.cancel(true);
    }
  }
}
