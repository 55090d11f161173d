package io.regionmove.activities.data.redis;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveFollower;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.StoredBackups;
import io.regionmove.activities.data.ToolFailedException;
import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.args.FlushMode;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.RestoreParams;

/**
 * Restores a backup into the redis addon the data goes to (the destination addon, or the source one
 * when a rollback copies back): its database is emptied first ({@code FLUSHDB}, the addon's own
 * database only), so a retry after a crash starts clean, then every key is written back with {@code
 * RESTORE ... REPLACE ABSTTL}, pipelined. A key whose expiry has passed since the backup is not
 * created, as it would have expired in the source. The restore can read the archive while the
 * backup is still writing it ({@link ArchiveFollower}).
 */
final class RedisRestore {

  /** How long a failed restore waits for its copy to end: the pipe ends just before it. */
  private static final Duration COPY_END_WAIT = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(RedisRestore.class);
  private static final int PIPE_BYTES = 4 << 20;

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final RedisTuning tuning;
  private final ExecutorService executor;

  RedisRestore(
      AddonDatabases databases,
      StoredBackups backups,
      RedisTuning tuning,
      ExecutorService executor) {
    this.databases = databases;
    this.backups = backups;
    this.tuning = tuning;
    this.executor = executor;
  }

  StepResult run(AddonInput addon, String backupId, boolean whileBackingUp, Heartbeat heartbeat) {
    String addonId = addon.addon().id();
    long started = System.nanoTime();
    try {
      if (whileBackingUp && backups.store().manifest(backupId).isEmpty()) {
        Optional<ArchiveFollower> growing =
            backups.awaitStarted(addonId, backupId, RedisEngine.ARCHIVE, heartbeat);
        if (growing.isPresent()) {
          return following(addon, backupId, growing.get(), heartbeat, started);
        }
      }
      BackupManifest manifest = backups.requireIntact(addonId, backupId, heartbeat);
      try (InputStream archive = Files.newInputStream(backups.store().open(backupId))) {
        Restored restored =
            restore(addon, archive, heartbeat, "restoring", () -> 0L, manifest.rows());
        return result(
            restored,
            String.format(
                Locale.ROOT,
                "Restored addon %s: %,d keys from a %s backup in %.1f s",
                addonId,
                restored.keys(),
                StoredBackups.humanSize(manifest.sizeBytes()),
                secondsSince(started)));
      }
    } catch (IOException e) {
      throw RedisJobs.storeFailed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ToolFailedException("interrupted while restoring backup " + backupId);
    }
  }

  /**
   * Restores while the backup is being written: the archive is copied into a pipe as it grows, and
   * the keys are restored as they arrive. The restore succeeds only once the backup it followed is
   * published; a backup attempt discarded meanwhile fails it retryably, and the retry starts over.
   */
  private StepResult following(
      AddonInput addon,
      String backupId,
      ArchiveFollower follower,
      Heartbeat heartbeat,
      long started)
      throws IOException {
    PipedInputStream in = new PipedInputStream(PIPE_BYTES);
    PipedOutputStream out;
    try {
      out = new PipedOutputStream(in);
    } catch (IOException e) {
      follower.close();
      throw e;
    }
    Future<Void> copying =
        executor.submit(
            () -> {
              follower.copyTo(out);
              return null;
            });
    Restored restored;
    try (in) {
      restored = restore(addon, in, heartbeat, "restoring while backing up", follower::copied, 0);
      // Every key is written; the backup must still be published as what was read.
      heartbeat.await(
          copying, () -> progress(addon, "restoring while backing up", follower.copied(), 0, 0));
    } catch (ToolFailedException e) {
      throw ArchiveFollower.restarted(copying, COPY_END_WAIT).orElse(e);
    } finally {
      copying.cancel(true);
      follower.close();
    }
    return result(
        restored,
        String.format(
            Locale.ROOT,
            "Restored addon %s while it was backed up: %,d keys, %s of archive followed, in %.1f s",
            addon.addon().id(),
            restored.keys(),
            StoredBackups.humanSize(follower.copied()),
            secondsSince(started)));
  }

  private record Restored(long keys, long cleaned) {}

  private Restored restore(
      AddonInput addon,
      InputStream archive,
      Heartbeat heartbeat,
      String stage,
      LongSupplier followed,
      long totalKeys) {
    RedisUrl url = RedisUrl.parse(databases.toUrl(addon));
    Jedis destination = null;
    try {
      destination = url.connect(RedisJobs.REPLY_TIMEOUT_MILLIS);
      long cleaned = destination.dbSize();
      if (cleaned > 0) {
        log.warn(
            "Emptying {} keys an earlier attempt left in the destination addon of {}",
            cleaned,
            addon.addon().id());
      }
      destination.flushDB(FlushMode.ASYNC);
      AtomicLong keys = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      Jedis connection = destination;
      heartbeat.beat(progress(addon, stage, 0, 0, totalKeys));
      long restored =
          RedisJobs.inBackground(
              executor,
              heartbeat,
              () -> restoreKeys(connection, archive, keys, bytes),
              () ->
                  progress(
                      addon,
                      stage,
                      Math.max(bytes.get(), followed.getAsLong()),
                      keys.get(),
                      totalKeys),
              () -> RedisJobs.closeQuietly(connection));
      log.debug("restored {} keys ({} archive bytes)", restored, bytes.get());
      return new Restored(restored, cleaned);
    } catch (JedisException e) {
      throw RedisJobs.failed("destination", e);
    } finally {
      RedisJobs.closeQuietly(destination);
    }
  }

  private long restoreKeys(
      Jedis destination, InputStream archive, AtomicLong keys, AtomicLong bytes)
      throws IOException, InterruptedException {
    RestoreParams expiring = RestoreParams.restoreParams().replace().absTtl();
    RestoreParams lasting = RestoreParams.restoreParams().replace();
    RedisArchive.Reader reader = new RedisArchive.Reader(archive);
    String sourceVersion = reader.serverVersion();
    Pipeline pipeline = destination.pipelined();
    List<byte[]> names = new ArrayList<>(tuning.restoreBatch());
    List<Response<String>> replies = new ArrayList<>(tuning.restoreBatch());
    long batchBytes = 0;
    RedisArchive.Entry entry;
    while ((entry = reader.next()) != null) {
      names.add(entry.key());
      replies.add(
          entry.expireAt() < 0
              ? pipeline.restore(entry.key(), 0, entry.payload(), lasting)
              : pipeline.restore(entry.key(), entry.expireAt(), entry.payload(), expiring));
      batchBytes += entry.payload().length;
      if (names.size() >= tuning.restoreBatch() || batchBytes >= tuning.restoreBatchBytes()) {
        RedisJobs.checkInterrupted();
        check(pipeline, names, replies, sourceVersion);
        batchBytes = 0;
        keys.set(reader.records());
        bytes.set(reader.bytes());
      }
    }
    check(pipeline, names, replies, sourceVersion);
    keys.set(reader.records());
    bytes.set(reader.bytes());
    return reader.records();
  }

  private static void check(
      Pipeline pipeline, List<byte[]> names, List<Response<String>> replies, String sourceVersion) {
    pipeline.sync();
    for (int i = 0; i < replies.size(); i++) {
      try {
        replies.get(i).get();
      } catch (JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("payload version or checksum are wrong")) {
          throw ApplicationFailure.newNonRetryableFailure(
              "The destination redis server cannot read key "
                  + RedisJobs.show(names.get(i))
                  + " as the source (Redis "
                  + sourceVersion
                  + ") wrote it: the destination must run the same or a newer Redis version",
              FailureType.INVALID_REQUEST.name());
        }
        throw RedisJobs.failed(
            "destination",
            new JedisDataException(
                "RESTORE of key " + RedisJobs.show(names.get(i)) + " failed: " + message));
      }
    }
    names.clear();
    replies.clear();
  }

  private static DataProgress progress(
      AddonInput addon, String stage, long bytes, long keysDone, long keys) {
    return RedisJobs.progress(addon.addon().id(), stage, bytes, keysDone, keys);
  }

  private static StepResult result(Restored restored, String line) {
    List<String> logs = new ArrayList<>();
    if (restored.cleaned() > 0) {
      logs.add(
          String.format(
              Locale.ROOT,
              "Emptied the destination addon of %,d keys an earlier attempt left",
              restored.cleaned()));
    }
    logs.add(line);
    return new StepResult(logs);
  }

  private static double secondsSince(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis() / 1000.0;
  }
}
