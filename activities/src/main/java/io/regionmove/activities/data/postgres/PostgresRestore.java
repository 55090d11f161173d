package io.regionmove.activities.data.postgres;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveFollower;
import io.regionmove.activities.data.BackupManifest;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into the PostgreSQL addon the data goes to (the destination addon, or the
 * source one when a rollback copies back) with pg_restore, from a complete backup (in parallel
 * jobs) or following the archive while pg_dump writes it. Either way that addon is first rid of
 * what an interrupted attempt (or, copying back, the source's old content) left: its sessions
 * ended, its objects dropped by {@code --clean}.
 */
final class PostgresRestore {

  private static final Logger log = LoggerFactory.getLogger(PostgresRestore.class);

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final PostgresTools tools;
  private final DataOptions options;
  private final ExecutorService executor;

  /**
   * @param tools null when this worker has none: every restore then fails saying so
   */
  PostgresRestore(
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

  StepResult run(AddonInput addon, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
    PostgresTools tools = PostgresFailures.requireTools(this.tools);
    String addonId = addon.addon().id();
    long started = System.nanoTime();
    try {
      if (whileBackingUp && backups.store().manifest(backupId).isEmpty()) {
        if (options.format() != DumpFormat.CUSTOM) {
          // Only a custom-format archive can be read as it is written.
          backups.awaitComplete(addonId, backupId, options.format().entryName(), heartbeat);
        } else {
          Optional<ArchiveFollower> growing =
              backups.awaitStarted(addonId, backupId, options.format().entryName(), heartbeat);
          if (growing.isPresent()) {
            return following(tools, addon, backupId, growing.get(), heartbeat, started);
          }
        }
      }
      BackupManifest manifest = backups.requireIntact(addonId, backupId, heartbeat);
      Path archive = backups.store().open(backupId);
      int tableCount = manifest.tables().size();

      PostgresUrl url = destination(addon);
      int leftovers = prepareDestination(url, backupId);
      List<String> args = restoreArguments(url);
      if (options.jobs() > 1) {
        args.add("--jobs=" + options.jobs());
      }
      args.add(archive.toString());
      AtomicInteger restored = new AtomicInteger();
      ToolProcess pgRestore = start(tools, url, args, restored, backupId);
      int exit =
          heartbeat.await(
              pgRestore,
              () ->
                  new DataProgress(
                      addonId, "restoring", manifest.sizeBytes(), restored.get(), tableCount));
      if (exit != 0) {
        throw PostgresFailures.toolFailed("pg_restore", exit, pgRestore);
      }
      return result(
          leftovers,
          String.format(
              Locale.ROOT,
              "Restored addon %s: %d tables, %,d rows from a %s backup in %.1f s",
              addonId,
              tableCount,
              manifest.rows(),
              StoredBackups.humanSize(manifest.sizeBytes()),
              secondsSince(started)));
    } catch (IOException e) {
      throw PostgresFailures.storeFailed(e);
    } catch (SQLException e) {
      throw new ToolFailedException("destination database: " + Redaction.redact(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while restoring backup " + backupId);
    }
  }

  /**
   * Restores while the backup is being written: pg_restore reads the archive from its standard
   * input as it grows. pg_restore cannot run parallel jobs on a stream; it gains more by
   * overlapping the whole dump. The archive stays in the backup store, so a retry that finds the
   * backup complete restores it the usual way, in parallel.
   */
  private StepResult following(
      PostgresTools tools,
      AddonInput addon,
      String backupId,
      ArchiveFollower follower,
      Heartbeat heartbeat,
      long started)
      throws IOException, SQLException, InterruptedException {
    AtomicInteger restored = new AtomicInteger();
    int leftovers;
    ToolProcess pgRestore;
    try {
      PostgresUrl url = destination(addon);
      leftovers = prepareDestination(url, backupId);
      pgRestore = start(tools, url, restoreArguments(url), restored, backupId);
    } catch (IOException | SQLException | RuntimeException e) {
      follower.close();
      throw e;
    }
    Future<Void> copying =
        executor.submit(
            () -> {
              follower.copyTo(pgRestore.stdin());
              return null;
            });
    int exit;
    try {
      exit =
          heartbeat.await(
              pgRestore,
              () ->
                  new DataProgress(
                      addon.addon().id(),
                      "restoring while backing up",
                      follower.copied(),
                      restored.get(),
                      0));
    } finally {
      // pg_restore has what it needs once it has read the last table's data; the end of the
      // archive is not needed, nor is the follower.
      copying.cancel(true);
      follower.close();
    }
    if (exit != 0) {
      throw ArchiveFollower.restarted(copying, Duration.ZERO)
          .orElseGet(() -> PostgresFailures.toolFailed("pg_restore", exit, pgRestore));
    }
    return result(
        leftovers,
        String.format(
            Locale.ROOT,
            "Restored addon %s while it was backed up: %d tables, %s of archive followed, in %.1f s",
            addon.addon().id(),
            restored.get(),
            StoredBackups.humanSize(follower.copied()),
            secondsSince(started)));
  }

  private PostgresUrl destination(AddonInput addon) {
    return PostgresUrl.parse(databases.toUrl(addon));
  }

  /**
   * Ends sessions a killed attempt's pg_restore left on the destination database (they would keep
   * writing), and tells how many tables an earlier attempt left there.
   */
  private static int prepareDestination(PostgresUrl url, String backupId) throws SQLException {
    try (DatabaseInspector destination = DatabaseInspector.connect(url)) {
      int orphans = destination.endOtherSessions();
      if (orphans > 0) {
        log.warn(
            "Ended {} leftover sessions in the destination addon before restoring {}",
            orphans,
            backupId);
      }
      return destination.tables().size();
    }
  }

  /** pg_restore's arguments, but the archive (a file, or none to read standard input). */
  private static List<String> restoreArguments(PostgresUrl url) {
    // --clean --if-exists drops whatever an interrupted attempt restored before creating
    // each object again, so a retry starts from a clean destination.
    List<String> args = new ArrayList<>();
    args.add("--dbname=" + conninfoDatabase(url.database()));
    args.add("--no-owner");
    args.add("--no-acl");
    args.add("--clean");
    args.add("--if-exists");
    args.add("--exit-on-error");
    args.add("--verbose");
    return args;
  }

  private ToolProcess start(
      PostgresTools tools,
      PostgresUrl url,
      List<String> args,
      AtomicInteger restored,
      String backupId)
      throws IOException {
    Map<String, String> env = new HashMap<>(url.libpqEnvironment());
    env.put("PGOPTIONS", options.restoreSettings());
    ToolProcess pgRestore =
        tools.start(
            "pg_restore",
            args,
            env,
            line -> {
              if (line.contains("processing data for table")) {
                restored.incrementAndGet();
              }
            });
    log.info("pg_restore (pid {}) started for backup {}", pgRestore.pid(), backupId);
    return pgRestore;
  }

  /** A restore's result: what an earlier attempt left and was cleaned, then {@code line}. */
  private static StepResult result(int leftovers, String line) {
    List<String> logs = new ArrayList<>();
    if (leftovers > 0) {
      logs.add("Cleaned " + leftovers + " tables an earlier attempt left in the destination addon");
    }
    logs.add(line);
    return new StepResult(logs);
  }

  private static double secondsSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000.0;
  }

  /**
   * pg_restore's --dbname takes a connection string: quote the name so no character surprises it.
   */
  private static String conninfoDatabase(String database) {
    return "dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
