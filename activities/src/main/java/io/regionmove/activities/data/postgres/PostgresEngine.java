package io.regionmove.activities.data.postgres;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataEngine;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DumpFormat;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Redaction;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.ToolFailedException;
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
 * Moves PostgreSQL addon data with pg_dump and pg_restore (custom format by default, which a
 * restore can follow while pg_dump writes it), and proves the copy equal over JDBC.
 */
public final class PostgresEngine implements DataEngine {

  public static final String PROVIDER = Addon.POSTGRESQL;

  private final AddonDatabases databases;
  private final DataOptions options;
  private final StoredBackups backups;
  private final PostgresBackup backup;
  private final PostgresRestore restore;
  private final PostgresVerification verification;

  /**
   * @param pgBinDir directory of pg_dump and pg_restore; null to find them ({@link
   *     PostgresTools#locate()}); when none are found, each call that needs them fails with a
   *     sentence saying how to install them
   */
  public PostgresEngine(
      AddonDatabases databases, BackupStore store, Path pgBinDir, DataOptions options) {
    Objects.requireNonNull(databases, "databases");
    Objects.requireNonNull(store, "store");
    DataOptions chosen = options == null ? DataOptions.defaults() : options;
    PostgresTools tools =
        pgBinDir == null ? PostgresTools.locate().orElse(null) : PostgresTools.in(pgBinDir);
    // Digests, row counts and the archive follower run beside the thread that heartbeats.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "regionmove-data");
              thread.setDaemon(true);
              return thread;
            });
    this.databases = databases;
    this.options = chosen;
    this.backups = new StoredBackups(store, chosen, executor);
    this.backup = new PostgresBackup(databases, backups, tools, chosen, executor);
    this.restore = new PostgresRestore(databases, backups, tools, chosen, executor);
    this.verification = new PostgresVerification(databases, executor);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public List<Check> preflight(AppInput sourceApp, Addon addon) {
    return List.of();
  }

  /** {@code pg_database_size}: the database on disk, indexes included. */
  @Override
  public long sizeBytes(AppInput sourceApp, Addon addon) {
    PostgresUrl url = PostgresUrl.parse(databases.sourceUrl(sourceApp, addon));
    try (DatabaseInspector database = DatabaseInspector.connect(url)) {
      return database.databaseSize();
    } catch (SQLException e) {
      throw new ToolFailedException(
          "cannot read the size of addon " + addon.id() + ": " + Redaction.redact(e.getMessage()));
    }
  }

  @Override
  public BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat) {
    return backup.run(input, backupId, heartbeat);
  }

  /**
   * A custom-format archive is one file written front to back, so pg_restore can read it as it
   * grows; a directory archive is not (a restore waits for it to be complete).
   */
  @Override
  public boolean supportsRestoreWhileBackingUp() {
    return options.format() == DumpFormat.CUSTOM;
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
      throw PostgresFailures.storeFailed(e);
    }
  }
}
