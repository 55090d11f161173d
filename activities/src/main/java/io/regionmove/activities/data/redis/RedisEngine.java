package io.regionmove.activities.data.redis;

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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Moves redis addon data with the addon's own credentials: {@code DUMP} and {@code PTTL} of every
 * key into a one-file archive, {@code RESTORE} of every key (following the archive while it is
 * written), and a key-by-key comparison of both sides. Every type moves with its value and
 * remaining time to live, streams with their consumer groups and pending entries, binary names and
 * values as they are. {@code DUMP} payloads are read back by the same Redis version or a newer one.
 */
public final class RedisEngine implements DataEngine {

  public static final String PROVIDER = "redis";

  private final StoredBackups backups;
  private final RedisBackup backup;
  private final RedisRestore restore;
  private final RedisVerification verification;

  public RedisEngine(AddonDatabases databases, BackupStore store, DataOptions options) {
    this(databases, store, options, RedisTuning.defaults());
  }

  RedisEngine(
      AddonDatabases databases, BackupStore store, DataOptions options, RedisTuning tuning) {
    Objects.requireNonNull(databases, "databases");
    Objects.requireNonNull(store, "store");
    DataOptions chosen = options == null ? DataOptions.defaults() : options;
    // The key loops and digests run beside the thread that heartbeats.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "regionmove-redis");
              thread.setDaemon(true);
              return thread;
            });
    this.backups = new StoredBackups(store, chosen, executor);
    this.backup = new RedisBackup(databases, backups, tuning, executor);
    this.restore = new RedisRestore(databases, backups, tuning, executor);
    this.verification = new RedisVerification(databases, tuning, executor);
  }

  @Override
  public String provider() {
    return PROVIDER;
  }

  @Override
  public List<Check> preflight(AppInput sourceApp, Addon addon) {
    return List.of();
  }

  @Override
  public BackupResult backup(AddonInput input, String backupId, Heartbeat heartbeat) {
    return backup.run(input, backupId, heartbeat);
  }

  /** The archive is one file written front to back, key after key. */
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
      throw RedisJobs.storeFailed(e);
    }
  }
}
