package io.regionmove.activities.data.mysql;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveFollower;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.activities.data.ToolProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a backup into the destination MySQL addon with the mariadb client, from a complete
 * backup or following the archive while mariadb-dump writes it. Either way the destination is first
 * emptied: the sessions an interrupted attempt left are ended and every object is dropped, so a
 * retry after a crash starts clean.
 */
final class MySqlRestore {

  private static final Logger log = LoggerFactory.getLogger(MySqlRestore.class);
  private static final Duration COPY_END_WAIT = Duration.ofSeconds(30);

  /** How long a failed client waits for its copy to end, to tell a discarded backup apart. */
  private static final Duration RESTART_WAIT = Duration.ofSeconds(5);

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final MariaDbTools tools;
  private final ExecutorService executor;

  /**
   * @param tools null when this worker has none: every restore then fails saying so
   */
  MySqlRestore(
      AddonDatabases databases,
      StoredBackups backups,
      MariaDbTools tools,
      ExecutorService executor) {
    this.databases = databases;
    this.backups = backups;
    this.tools = tools;
    this.executor = executor;
  }

  StepResult run(AddonInput addon, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
    MariaDbTools tools = MySqlFailures.requireTools(this.tools);
    String addonId = addon.addon().id();
    long started = System.nanoTime();
    try {
      if (whileBackingUp && backups.store().manifest(backupId).isEmpty()) {
        Optional<ArchiveFollower> growing =
            backups.awaitStarted(addonId, backupId, MySqlEngine.ARCHIVE, heartbeat);
        if (growing.isPresent()) {
          return following(tools, addon, backupId, growing.get(), heartbeat, started);
        }
      }
      BackupManifest manifest = backups.requireIntact(addonId, backupId, heartbeat);
      Path archive = backups.store().open(backupId);
      int tableCount = manifest.tables().size();

      MySqlUrl url = destination(addon);
      int leftovers = emptyDestination(url, backupId);
      ToolProcess client =
          tools.startClient(
              clientArguments(url),
              url.toolEnvironment(),
              ProcessBuilder.Redirect.from(archive.toFile()),
              null);
      log.info("{} (pid {}) started for backup {}", tools.clientName(), client.pid(), backupId);
      int exit =
          heartbeat.await(
              client,
              () -> new DataProgress(addonId, "restoring", inputPosition(client), 0, tableCount));
      if (exit != 0) {
        throw MySqlFailures.toolFailed(tools.clientName(), exit, client);
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
      throw MySqlFailures.storeFailed(e);
    } catch (SQLException e) {
      throw MySqlFailures.databaseFailed("destination", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while restoring backup " + backupId);
    }
  }

  /**
   * Restores while the backup is being written: the client reads the archive from its standard
   * input as it grows, so the restore ends about when the dump does. It succeeds only when the
   * follower copied the whole archive of the published backup; when the attempt it follows is
   * discarded, the client is killed at once and the restore fails to be retried.
   */
  private StepResult following(
      MariaDbTools tools,
      AddonInput addon,
      String backupId,
      ArchiveFollower follower,
      Heartbeat heartbeat,
      long started)
      throws IOException, SQLException, InterruptedException {
    String addonId = addon.addon().id();
    int leftovers;
    ToolProcess client;
    try {
      MySqlUrl url = destination(addon);
      leftovers = emptyDestination(url, backupId);
      client =
          tools.startClient(
              clientArguments(url), url.toolEnvironment(), ProcessBuilder.Redirect.PIPE, null);
    } catch (IOException | SQLException | RuntimeException e) {
      follower.close();
      throw e;
    }
    log.info(
        "{} (pid {}) started for backup {}, following it",
        tools.clientName(),
        client.pid(),
        backupId);
    Future<Void> copying =
        executor.submit(
            () -> {
              follower.copyTo(client.stdin());
              return null;
            });
    int exit;
    try {
      exit =
          PumpedTool.await(
              client,
              copying,
              heartbeat,
              () ->
                  new DataProgress(addonId, "restoring while backing up", follower.copied(), 0, 0));
      if (exit != 0) {
        // A client whose input ended because the attempt it followed was discarded restarts.
        throw ArchiveFollower.restarted(copying, RESTART_WAIT)
            .orElseGet(() -> MySqlFailures.toolFailed(tools.clientName(), exit, client));
      }
      // The client read to the end of its input: the copy has ended, or is about to.
      copying.get(COPY_END_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (PumpedTool.PumpFailedException e) {
      throw restartedOr(e.failure(), e);
    } catch (ExecutionException e) {
      throw restartedOr(e.getCause(), new ToolFailedException("following the backup failed"));
    } catch (TimeoutException e) {
      throw new ToolFailedException(
          tools.clientName() + " ended before the whole backup " + backupId + " reached it");
    } finally {
      copying.cancel(true);
      follower.close();
    }
    return result(
        leftovers,
        String.format(
            Locale.ROOT,
            "Restored addon %s while it was backed up: %s of archive followed, in %.1f s",
            addonId,
            StoredBackups.humanSize(follower.copied()),
            secondsSince(started)));
  }

  private static RuntimeException restartedOr(Throwable failure, RuntimeException otherwise) {
    if (failure instanceof ArchiveFollower.BackupRestartedException restarted) {
      return new ToolFailedException(restarted.getMessage() + "; restoring again");
    }
    return otherwise;
  }

  private MySqlUrl destination(AddonInput addon) {
    return MySqlUrl.parse(databases.toUrl(addon));
  }

  /**
   * Ends the sessions an earlier attempt's client left (they would keep writing) and drops every
   * object in the destination database.
   *
   * @return the tables that were there
   */
  private static int emptyDestination(MySqlUrl url, String backupId) throws SQLException {
    try (MySqlInspector destination = MySqlInspector.connect(url)) {
      int orphans = destination.endOtherSessions();
      if (orphans > 0) {
        log.warn(
            "Ended {} leftover sessions in the destination addon before restoring {}",
            orphans,
            backupId);
      }
      return destination.dropEverything();
    }
  }

  /**
   * The client's arguments: the dump's own settings (foreign and unique checks off, UTC) apply;
   * binary mode passes every byte of the data as it is and leaves out client commands but {@code
   * DELIMITER}; the first error stops the restore.
   */
  private static List<String> clientArguments(MySqlUrl url) {
    List<String> args = new ArrayList<>(url.toolArguments());
    args.add("--binary-mode");
    args.add("--max-allowed-packet=1G");
    args.add("--database=" + url.database());
    return args;
  }

  /** How far the client has read its input file, from /proc; 0 where that is not readable. */
  private static long inputPosition(ToolProcess client) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(client.pid()), "fdinfo", "0"))) {
        if (line.startsWith("pos:")) {
          return Long.parseLong(line.substring(4).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the client has ended
    }
    return 0;
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
}
