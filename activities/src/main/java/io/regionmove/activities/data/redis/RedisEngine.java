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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Moves redis addon data with the addon's own credentials: {@code DUMP} and {@code PTTL} of every
 * key into a one-file archive, {@code RESTORE} of every key (following the archive while it is
 * written), and a key-by-key comparison of both sides. Every type moves with its value and
 * remaining time to live, streams with their consumer groups and pending entries, binary names and
 * values as they are. {@code DUMP} payloads are read back by the same Redis version or a newer one.
 */
public final class RedisEngine implements DataEngine {

  public static final String PROVIDER = "redis";

  /** Keys whose DUMP sizes make the size estimate of a larger database. */
  static final int SIZE_SAMPLE = 200;

  /** The archive's name inside a backup. */
  static final String ARCHIVE = "keys.rdump";

  /** The manifest's format of a {@link RedisArchive}. */
  static final String FORMAT = "redis-dump";

  private final AddonDatabases databases;
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
    this.databases = databases;
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

  /**
   * An approximation of what a backup would copy, quick on any database: the key count times the
   * average size of a key's name and {@code DUMP} payload over a sample of random keys (every key
   * when there are at most {@value #SIZE_SAMPLE}). Redis does not tell one database's memory apart
   * from the server's, and summing {@code MEMORY USAGE} over every key would read the whole
   * keyspace.
   */
  @Override
  public long sizeBytes(AppInput sourceApp, Addon addon) {
    RedisUrl url = RedisUrl.parse(databases.sourceUrl(sourceApp, addon));
    try (Jedis source = url.connect(RedisJobs.REPLY_TIMEOUT_MILLIS)) {
      long keys = source.dbSize();
      if (keys == 0) {
        return 0;
      }
      List<byte[]> sample = new ArrayList<>();
      if (keys <= SIZE_SAMPLE) {
        ScanParams params = new ScanParams().count(SIZE_SAMPLE);
        byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
        do {
          ScanResult<byte[]> page = source.scan(cursor, params);
          sample.addAll(page.getResult());
          cursor = page.getCursorAsBytes();
        } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
      } else {
        for (int i = 0; i < SIZE_SAMPLE; i++) {
          byte[] key = source.randomBinaryKey();
          if (key != null) {
            sample.add(key);
          }
        }
      }
      long bytes = 0;
      int measured = 0;
      for (byte[] key : sample) {
        byte[] payload = source.dump(key);
        if (payload != null) {
          bytes += key.length + payload.length;
          measured++;
        }
      }
      return measured == 0 ? 0 : Math.round((double) bytes / measured * keys);
    } catch (JedisException e) {
      throw RedisJobs.failed("source", e);
    }
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
