package io.regionmove.activities.data.postgres;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveDigest;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.DumpFormat;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs a PostgreSQL addon up with pg_dump into the backup store. pg_dump reads a snapshot this
 * class exports, in which the rows of the manifest are counted too, so the manifest describes
 * exactly what the archive holds.
 */
final class PostgresBackup {

  private static final Logger log = LoggerFactory.getLogger(PostgresBackup.class);

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final PostgresTools tools;
  private final DataOptions options;
  private final ExecutorService executor;

  /**
   * @param tools null when this worker has none: a backup already complete is still kept
   */
  PostgresBackup(
      AddonDatabases databases,
      StoredBackups backups,
      PostgresTools tools,
      DataOptions options,
      ExecutorService executor) {
    this.databases = databases;
    this.backups = backups;
    this.tools = tools;
    this.options = options;
    this.executor = executor;
  }

  BackupResult run(AddonInput input, String backupId, Heartbeat heartbeat) {
    try {
      Optional<BackupResult> kept = backups.keepIntact(input.addon().id(), backupId, heartbeat);
      if (kept.isPresent()) {
        return kept.get();
      }
      return dump(input, backupId, heartbeat);
    } catch (IOException e) {
      throw PostgresFailures.storeFailed(e);
    }
  }

  private BackupResult dump(AddonInput input, String backupId, Heartbeat heartbeat)
      throws IOException {
    PostgresTools tools = PostgresFailures.requireTools(this.tools);
    BackupStore store = backups.store();
    String addonId = input.addon().id();
    PostgresUrl url = PostgresUrl.parse(databases.fromUrl(input));
    long started = System.nanoTime();
    Path staging = store.stage(backupId);
    Path archive = staging.resolve(options.format().entryName());
    boolean published = false;
    try (DatabaseInspector snapshotSession = DatabaseInspector.connect(url)) {
      String snapshot = snapshotSession.exportSnapshot();
      List<TableName> tables = snapshotSession.tables();
      String serverVersion = snapshotSession.serverVersion();

      AtomicInteger dumped = new AtomicInteger();
      ToolProcess pgDump =
          tools.start(
              "pg_dump",
              dumpArguments(archive, snapshot),
              dumpEnvironment(url),
              line -> {
                if (line.contains("dumping contents of table")) {
                  dumped.incrementAndGet();
                }
              });
      log.info("pg_dump (pid {}) started for backup {}", pgDump.pid(), backupId);
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  addonId, "dumping", ArchiveDigest.size(archive), dumped.get(), tables.size());

      // Rows are counted in pg_dump's own snapshot while it runs, for the manifest.
      snapshotSession.withoutParallelWorkers();
      Future<Map<String, Long>> counting =
          executor.submit(
              () -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                for (TableName table : tables) {
                  counts.put(table.toString(), snapshotSession.countRows(table));
                }
                return counts;
              });
      Map<String, Long> rowCounts;
      try {
        int exit = heartbeat.await(pgDump, progress);
        if (exit != 0) {
          throw PostgresFailures.toolFailed("pg_dump", exit, pgDump);
        }
        rowCounts = heartbeat.await(counting, progress);
      } catch (RuntimeException | Error e) {
        snapshotSession.cancel();
        counting.cancel(true);
        throw e;
      }

      String sha256 =
          heartbeat.await(
              executor.submit(() -> ArchiveDigest.sha256(archive)),
              () ->
                  new DataProgress(
                      addonId,
                      "checking backup",
                      ArchiveDigest.size(archive),
                      tables.size(),
                      tables.size()));
      long size = ArchiveDigest.size(archive);
      BackupManifest manifest =
          new BackupManifest(
              backupId,
              options.format(),
              size,
              sha256,
              tables.stream().map(TableName::toString).toList(),
              rowCounts,
              serverVersion,
              Instant.now());
      store.put(backupId, archive, manifest);
      published = true;
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info(
          "backup {} complete: {} tables, {} bytes in {}", backupId, tables.size(), size, took);
      return new BackupResult(
          backupId,
          size,
          tables.size(),
          List.of(
              String.format(
                  Locale.ROOT,
                  "Backed up addon %s: %d tables, %,d rows, %s in %.1f s",
                  addonId,
                  tables.size(),
                  manifest.rows(),
                  StoredBackups.humanSize(size),
                  took.toMillis() / 1000.0)));
    } catch (SQLException e) {
      throw new ToolFailedException("source database: " + Redaction.redact(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while dumping for backup " + backupId);
    } finally {
      if (!published) {
        store.discard(staging);
      }
    }
  }

  private List<String> dumpArguments(Path archive, String snapshot) {
    List<String> args = new ArrayList<>();
    args.add("--format=" + options.format().flag());
    args.add("--file=" + archive);
    args.add("--compress=" + options.compression());
    args.add("--snapshot=" + snapshot);
    args.add("--verbose");
    if (options.format() == DumpFormat.DIRECTORY && options.jobs() > 1) {
      args.add("--jobs=" + options.jobs());
    }
    return args;
  }

  private Map<String, String> dumpEnvironment(PostgresUrl url) {
    Map<String, String> env = new HashMap<>(url.libpqEnvironment());
    env.put("PGOPTIONS", options.dumpSettings());
    return env;
  }
}
