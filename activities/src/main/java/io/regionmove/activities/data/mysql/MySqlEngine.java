package io.regionmove.activities.data.mysql;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataEngine;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.Verification;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Moves MySQL (MariaDB) addon data with mariadb-dump and the mariadb client: one SQL archive,
 * written front to back, which a restore follows while it is written; proven equal over JDBC.
 */
public final class MySqlEngine implements DataEngine {

  public static final String PROVIDER = "mysql";

  /** The archive's name in a backup, and its format in the manifest. */
  static final String ARCHIVE = "dump.sql";

  static final String FORMAT = "mariadb-dump";

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final MySqlBackup backup;
  private final MySqlRestore restore;
  private final MySqlVerification verification;

  /**
   * @param binDir directory of mariadb-dump and mariadb; null to find them ({@link
   *     MariaDbTools#locate()}); when none are found, each call that needs them fails with a
   *     sentence saying how to install them
   */
  public MySqlEngine(
      AddonDatabases databases, BackupStore store, Path binDir, DataOptions options) {
    Objects.requireNonNull(databases, "databases");
    Objects.requireNonNull(store, "store");
    DataOptions chosen = options == null ? DataOptions.defaults() : options;
    this.databases = databases;
    MariaDbTools tools =
        binDir == null ? MariaDbTools.locate().orElse(null) : MariaDbTools.in(binDir);
    // The dump writer, digests, the archive follower and verification run beside the thread that
    // heartbeats.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "regionmove-mysql");
              thread.setDaemon(true);
              return thread;
            });
    this.backups = new StoredBackups(store, chosen, executor);
    this.backup = new MySqlBackup(databases, backups, tools, executor);
    this.restore = new MySqlRestore(databases, backups, tools, executor);
    this.verification = new MySqlVerification(databases, executor);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public List<Check> preflight(AppInput sourceApp, Addon addon) {
    return List.of();
  }

  /**
   * The data and index bytes of the addon's tables as {@code information_schema} counts them (for
   * InnoDB, the pages the table holds: a dump is usually smaller).
   */
  @Override
  public long sizeBytes(AppInput sourceApp, Addon addon) {
    MySqlUrl url = MySqlUrl.parse(databases.sourceUrl(sourceApp, addon));
    try (MySqlInspector database = MySqlInspector.connect(url)) {
      return database.databaseSize();
    } catch (SQLException e) {
      throw MySqlFailures.databaseFailed("source", e);
    }
  }

  @Override
  public BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat) {
    return backup.run(input, backupId, heartbeat);
  }

  /** The archive is one SQL file written front to back: the client can read it as it grows. */
  @Override
  public boolean supportsRestoreWhileBackingUp() {
    return true;
  }

  @Override
  public StepResult restore(
      AddonInput input, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
    return restore.run(input, backupId, whileBackingUp, heartbeat);
  }

  @Override
  public Verification verify(AddonInput input, Heartbeat heartbeat) {
    return verification.run(input, heartbeat);
  }

  @Override
  public StepResult cleanUp(AddonInput input, String backupId) {
    try {
      return backups.delete(input.addon().id(), backupId);
    } catch (IOException e) {
      throw MySqlFailures.storeFailed(e);
    }
  }
}
