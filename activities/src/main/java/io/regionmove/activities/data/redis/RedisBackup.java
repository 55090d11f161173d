package io.regionmove.activities.data.redis;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.ArchiveDigest;
import io.regionmove.activities.data.BackupManifest;
import io.regionmove.activities.data.BackupStore;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.DumpFormat;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.StoredBackups;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Backs a redis addon up into the backup store: every key of its database, found with {@code SCAN},
 * is read with {@code DUMP} (its type and value, as the server serializes them) and {@code PTTL}
 * (its remaining time to live, kept as an absolute expiry so that a later restore does not extend
 * it), in pipelines that also carry the next {@code SCAN}. The source app is stopped during the
 * data step, so the keys do not change while they are read.
 *
 * <p>{@code SCAN} may return a key twice; the archive then holds it twice and the restore writes it
 * twice, harmlessly. The manifest counts the keys the database held when the backup began.
 */
final class RedisBackup {

  private static final Logger log = LoggerFactory.getLogger(RedisBackup.class);

  private final AddonDatabases databases;
  private final StoredBackups backups;
  private final RedisTuning tuning;
  private final ExecutorService executor;

  RedisBackup(
      AddonDatabases databases,
      StoredBackups backups,
      RedisTuning tuning,
      ExecutorService executor) {
    this.databases = databases;
    this.backups = backups;
    this.tuning = tuning;
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
      throw RedisJobs.storeFailed(e);
    }
  }

  private BackupResult dump(AddonInput input, String backupId, Heartbeat heartbeat)
      throws IOException {
    String addonId = input.addon().id();
    RedisUrl url = RedisUrl.parse(databases.fromUrl(input));
    BackupStore store = backups.store();
    long started = System.nanoTime();
    Path staging = store.stage(backupId);
    Path archive = staging.resolve(DumpFormat.CUSTOM.entryName());
    boolean published = false;
    Jedis source = null;
    try {
      source = url.connect(RedisJobs.REPLY_TIMEOUT_MILLIS);
      String version = RedisJobs.serverVersion(source);
      long keysAtStart = source.dbSize();
      long clockOffset = clockOffset(source);
      AtomicLong keys = new AtomicLong();
      AtomicLong bytes = new AtomicLong();
      Supplier<DataProgress> progress =
          () -> RedisJobs.progress(addonId, "dumping", bytes.get(), keys.get(), keysAtStart);
      heartbeat.beat(progress.get());
      // Opened here, not by the background work: once a cancelled backup returns, nothing is
      // left to create a file in the discarded staging directory.
      FileChannel file =
          FileChannel.open(archive, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Jedis connection = source;
      long records;
      try (OutputStream out = Channels.newOutputStream(file)) {
        records =
            RedisJobs.inBackground(
                executor,
                heartbeat,
                () -> {
                  try (RedisArchive.Writer writer = new RedisArchive.Writer(out, version)) {
                    writeKeys(connection, writer, clockOffset, keys, bytes);
                    writer.finish();
                    file.force(true);
                    return writer.records();
                  }
                },
                progress,
                () -> RedisJobs.closeQuietly(connection));
      }
      String sha256 =
          heartbeat.await(
              executor.submit(() -> ArchiveDigest.sha256(archive)),
              () ->
                  RedisJobs.progress(
                      addonId, "checking backup", bytes.get(), keys.get(), keysAtStart));
      long size = ArchiveDigest.size(archive);
      BackupManifest manifest =
          new BackupManifest(
              backupId,
              DumpFormat.CUSTOM,
              size,
              sha256,
              List.of(RedisJobs.KEYSPACE),
              Map.of(RedisJobs.KEYSPACE, keysAtStart),
              version,
              Instant.now());
      store.put(backupId, archive, manifest);
      published = true;
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      log.info("backup {} complete: {} keys, {} bytes in {}", backupId, records, size, took);
      return new BackupResult(
          backupId,
          size,
          1,
          List.of(
              String.format(
                  Locale.ROOT,
                  "Backed up addon %s: %,d keys, %s in %.1f s",
                  addonId,
                  records,
                  StoredBackups.humanSize(size),
                  took.toMillis() / 1000.0)));
    } catch (JedisException e) {
      throw RedisJobs.failed("source", e);
    } finally {
      RedisJobs.closeQuietly(source);
      if (!published) {
        store.discard(staging);
      }
    }
  }

  /**
   * Writes every key: one pipeline per {@code SCAN} page, holding a {@code DUMP} and a {@code PTTL}
   * per key and the {@code SCAN} of the next page, so the server never waits for the worker.
   */
  private void writeKeys(
      Jedis source, RedisArchive.Writer writer, long clockOffset, AtomicLong keys, AtomicLong bytes)
      throws IOException, InterruptedException {
    ScanParams page = new ScanParams().count(tuning.scanCount());
    ScanResult<byte[]> scanned = source.scan(ScanParams.SCAN_POINTER_START_BINARY, page);
    Pipeline pipeline = source.pipelined();
    while (true) {
      RedisJobs.checkInterrupted();
      List<byte[]> names = scanned.getResult();
      List<Response<byte[]>> dumps = new ArrayList<>(names.size());
      List<Response<Long>> ttls = new ArrayList<>(names.size());
      for (byte[] name : names) {
        dumps.add(pipeline.dump(name));
        ttls.add(pipeline.pttl(name));
      }
      boolean last = scanned.isCompleteIteration();
      Response<ScanResult<byte[]>> next =
          last ? null : pipeline.scan(scanned.getCursorAsBytes(), page);
      // Taken before the replies: an expiry computed from it is never later than the source's.
      long now = System.currentTimeMillis() + clockOffset;
      pipeline.sync();
      for (int i = 0; i < names.size(); i++) {
        byte[] payload = dumps.get(i).get();
        long ttl = ttls.get(i).get();
        if (payload == null || ttl == -2) {
          continue; // expired since SCAN saw it
        }
        writer.write(names.get(i), ttl < 0 ? -1 : now + ttl, payload);
      }
      keys.set(writer.records());
      bytes.set(writer.bytes());
      if (last) {
        return;
      }
      scanned = next.get();
    }
  }

  /**
   * How far the source server's clock is ahead of this worker's, in milliseconds: expiries are kept
   * in the server's time, as the destination server will read them.
   */
  private static long clockOffset(Jedis source) {
    long before = System.currentTimeMillis();
    List<String> time = source.time();
    long after = System.currentTimeMillis();
    long server = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    return server - (before + after) / 2;
  }
}
