package io.regionmove.activities.data.mysql;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveDigest;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backs a MySQL addon up with mariadb-dump into the backup store: one consistent snapshot ({@code
 * --single-transaction}) of every table, view, trigger, routine and event, binary columns in hex,
 * TIMESTAMPs in UTC, AUTO_INCREMENT counters in the table definitions. The output goes through a
 * {@link DumpWriter} into the archive, which counts the rows for the manifest on the way.
 */
final class MySqlBackup {

  private static final Logger log = LoggerFactory.getLogger(MySqlBackup.class);

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final MariaDbTools tools;
  private final ExecutorService executor;

  /**
   * @param tools null when this worker has none: a backup already complete is still kept
   */
  MySqlBackup(
      AddonDatabases databases,
      StoredBackups backups,
      MariaDbTools tools,
      ExecutorService executor) {
    this.databases = databases;
    this.backups = backups;
    this.tools = tools;
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
      throw MySqlFailures.storeFailed(e);
    }
  }

  private BackupResult dump(AddonInput input, String backupId, Heartbeat heartbeat)
      throws IOException {
    MariaDbTools tools = MySqlFailures.requireTools(this.tools);
    BackupStore store = backups.store();
    String addonId = input.addon().id();
    MySqlUrl url = MySqlUrl.parse(databases.fromUrl(input));
    long started = System.nanoTime();
    List<String> tables;
    List<String> sequences = new ArrayList<>();
    String serverVersion;
    try (MySqlInspector source = MySqlInspector.connect(url)) {
      tables = source.tables();
      source
          .objects()
          .forEach(
              (name, kind) -> {
                if (kind == MySqlInspector.Kind.SEQUENCE) {
                  sequences.add(name);
                }
              });
      serverVersion = source.serverVersion();
    } catch (SQLException e) {
      throw MySqlFailures.databaseFailed("source", e);
    }

    Path staging = store.stage(backupId);
    Path archive = staging.resolve(MySqlEngine.ARCHIVE);
    boolean published = false;
    try {
      ToolProcess dump = tools.startDump(dumpArguments(url), url.toolEnvironment(), null);
      log.info("{} (pid {}) started for backup {}", tools.dumpName(), dump.pid(), backupId);
      OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 20);
      DumpWriter writer = new DumpWriter(file);
      Future<Void> pumping =
          executor.submit(
              () -> {
                try (file) {
                  writer.copy(dump.stdout());
                }
                return null;
              });
      Supplier<DataProgress> progress =
          () ->
              new DataProgress(
                  addonId, "dumping", writer.written(), writer.tablesReached(), tables.size());
      int exit;
      try {
        exit = PumpedTool.await(dump, pumping, heartbeat, progress);
      } catch (RuntimeException | Error e) {
        pumping.cancel(true);
        throw e;
      }
      if (exit != 0) {
        pumping.cancel(true);
        throw MySqlFailures.toolFailed(tools.dumpName(), exit, dump);
      }
      heartbeat.await(pumping, progress);
      if (!writer.completed()) {
        throw new ToolFailedException(
            tools.dumpName() + " ended without completing its dump: " + dump.lastErrors());
      }

      String sha256 = writer.sha256();
      long size = ArchiveDigest.size(archive);
      Map<String, Long> rowCounts = new LinkedHashMap<>();
      Map<String, Long> counted = writer.rowCounts();
      for (String table : tables) {
        // A sequence is one row, its state, which the dump sets rather than inserts.
        rowCounts.put(table, sequences.contains(table) ? 1L : counted.getOrDefault(table, 0L));
      }
      BackupManifest manifest =
          new BackupManifest(
              backupId,
              MySqlEngine.FORMAT,
              MySqlEngine.ARCHIVE,
              size,
              sha256,
              tables,
              rowCounts,
              serverVersion,
              Instant.now());
      store.put(backupId, archive, manifest);
      published = true;
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info(
          "backup {} complete: {} tables, {} bytes, {} definers rewritten, in {}",
          backupId,
          tables.size(),
          size,
          writer.definersRewritten(),
          took);
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
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while dumping for backup " + backupId);
    } finally {
      if (!published) {
        store.discard(staging);
      }
    }
  }

  /**
   * One consistent snapshot without locking, every object the database holds, binary strings in hex
   * (exact whatever the connection's character set), TIMESTAMPs in UTC, rows streamed.
   */
  private static List<String> dumpArguments(MySqlUrl url) {
    List<String> args = new ArrayList<>(url.toolArguments());
    args.add("--single-transaction");
    args.add("--routines");
    args.add("--triggers");
    args.add("--events");
    args.add("--hex-blob");
    args.add("--tz-utc");
    args.add("--quick");
    args.add("--max-allowed-packet=1G");
    args.add(url.database());
    return args;
  }
}
