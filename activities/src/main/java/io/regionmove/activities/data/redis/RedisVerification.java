package io.regionmove.activities.data.redis;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.DataProgress;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.Verification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
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
 * Compares a source redis addon with its destination copy, key by key, as both are now: the same
 * number of keys, and for every key of the source the same type and value in the destination and a
 * time to live within {@value #TTL_TOLERANCE_MILLIS} ms of the source's.
 *
 * <p>Type and value are compared through {@code DUMP}: the payload is the server's serialization of
 * the key's type and value, from which {@code RESTORE} rebuilds the key, so two equal payloads are
 * two equal keys. The converse does not hold (a large hash or set is a hash table whose order
 * differs between servers), so keys whose payloads differ are compared again by their values
 * ({@link KeyFingerprint}) before they are reported.
 */
final class RedisVerification {

  static final long TTL_TOLERANCE_MILLIS = 2_000;
  private static final int MAX_NAMED = 50;
  private static final Logger log = LoggerFactory.getLogger(RedisVerification.class);

  private final AddonDatabases databases;
  private final RedisTuning tuning;
  private final ExecutorService executor;

  RedisVerification(AddonDatabases databases, RedisTuning tuning, ExecutorService executor) {
    this.databases = databases;
    this.tuning = tuning;
    this.executor = executor;
  }

  Verification run(AddonInput input, Heartbeat heartbeat) {
    String addonId = input.addon().id();
    // "source" is the side copied from: the destination addon when a rollback copies it back.
    RedisUrl sourceUrl = RedisUrl.parse(databases.fromUrl(input));
    RedisUrl destinationUrl = RedisUrl.parse(databases.toUrl(input));
    long started = System.nanoTime();
    Jedis source = null;
    Jedis destination = null;
    try {
      source = sourceUrl.connect(RedisJobs.REPLY_TIMEOUT_MILLIS);
      destination = destinationUrl.connect(RedisJobs.REPLY_TIMEOUT_MILLIS);
      AtomicLong compared = new AtomicLong();
      long keys = source.dbSize();
      Supplier<DataProgress> progress =
          () -> RedisJobs.progress(addonId, "verifying", 0, compared.get(), keys);
      heartbeat.beat(progress.get());
      Jedis a = source;
      Jedis b = destination;
      Differences differences =
          RedisJobs.inBackground(
              executor,
              heartbeat,
              () -> compare(a, b, compared),
              progress,
              () -> {
                RedisJobs.closeQuietly(a);
                RedisJobs.closeQuietly(b);
              });
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      return new Verification(
          1,
          differences.sourceKeys,
          differences.asMap(),
          String.format(
              Locale.ROOT,
              "Verified addon %s: %,d keys with the same types, values and TTLs (within %d s) on"
                  + " both sides in %.1f s",
              addonId,
              differences.sourceKeys,
              TTL_TOLERANCE_MILLIS / 1000,
              took.toMillis() / 1000.0));
    } catch (JedisException e) {
      throw RedisJobs.failed(source == null ? "source" : "destination", e);
    } finally {
      RedisJobs.closeQuietly(source);
      RedisJobs.closeQuietly(destination);
    }
  }

  /**
   * Walks the source's keys page by page; the next page is read from the source while the
   * destination is read for the current one, so that both servers work at once.
   */
  private Differences compare(Jedis source, Jedis destination, AtomicLong compared)
      throws InterruptedException, ExecutionException {
    Differences differences = new Differences();
    ScanParams page = new ScanParams().count(tuning.scanCount());
    Pipeline fromSource = source.pipelined();
    Pipeline fromDestination = destination.pipelined();
    SourcePage current =
        readSource(fromSource, source.scan(ScanParams.SCAN_POINTER_START_BINARY, page), page);
    while (true) {
      RedisJobs.checkInterrupted();
      SourcePage of = current;
      Future<SourcePage> ahead =
          of.next == null
              ? null
              : executor.submit(() -> readSource(fromSource, of.next.get(), page));
      List<Unequal> unequal;
      try {
        Read destinationSide = read(fromDestination, of.names);
        fromDestination.sync();
        unequal = compareKeys(of, destinationSide, differences, compared);
        if (ahead != null) {
          current = RedisJobs.join(ahead);
        }
      } catch (RuntimeException | InterruptedException | ExecutionException e) {
        if (ahead != null) {
          ahead.cancel(true);
        }
        throw e;
      }
      // With no read ahead under way, the source connection is free for these.
      compareValues(source, destination, unequal, differences);
      if (ahead == null) {
        break;
      }
    }
    differences.sourceKeys = source.dbSize();
    long destinationKeys = destination.dbSize();
    // Every source key is in the destination, so the same counts mean the same keys.
    if (differences.missing || destinationKeys != differences.sourceKeys) {
      // The scan reaped the source's expired keys; the destination's are reaped by this one.
      nameExtraKeys(source, destination, differences);
      differences.sourceKeys = source.dbSize();
      destinationKeys = destination.dbSize();
      if (destinationKeys != differences.sourceKeys) {
        differences.count =
            String.format(
                Locale.ROOT,
                "%,d keys on the source, %,d in the destination",
                differences.sourceKeys,
                destinationKeys);
      }
    }
    return differences;
  }

  /** One page of source keys with their payloads and TTLs, and the SCAN of the next page. */
  private record SourcePage(List<byte[]> names, Read read, Response<ScanResult<byte[]>> next) {}

  private static SourcePage readSource(
      Pipeline fromSource, ScanResult<byte[]> scanned, ScanParams page) {
    List<byte[]> names = scanned.getResult();
    Read read = read(fromSource, names);
    Response<ScanResult<byte[]>> next =
        scanned.isCompleteIteration() ? null : fromSource.scan(scanned.getCursorAsBytes(), page);
    fromSource.sync();
    return new SourcePage(names, read, next);
  }

  /** A key whose payloads differ on the two sides, to be compared by value. */
  private record Unequal(byte[] name, long ttl, long copyTtl) {}

  /**
   * Compares the page's keys by their payloads and TTLs; returns those whose payloads differ, to be
   * compared by their values.
   */
  private static List<Unequal> compareKeys(
      SourcePage page, Read destinationSide, Differences differences, AtomicLong compared) {
    List<Unequal> unequal = new ArrayList<>();
    List<byte[]> names = page.names;
    for (int i = 0; i < names.size(); i++) {
      byte[] payload = page.read.dumps.get(i).get();
      long ttl = page.read.ttls.get(i).get();
      if (payload == null) {
        continue; // expired since SCAN saw it
      }
      compared.incrementAndGet();
      byte[] copy = destinationSide.dumps.get(i).get();
      long copyTtl = destinationSide.ttls.get(i).get();
      byte[] name = names.get(i);
      if (copy == null) {
        differences.missing = true;
        if (ttl < 0 || ttl > TTL_TOLERANCE_MILLIS) {
          differences.add(name, "missing in the destination");
        }
      } else if (!Arrays.equals(payload, copy)) {
        unequal.add(new Unequal(name, ttl, copyTtl));
      } else {
        compareTtls(differences, name, ttl, copyTtl);
      }
    }
    return unequal;
  }

  /**
   * Compares by value the keys whose payloads differ, both sides at once: in Redis 7.0 every set of
   * strings and every large hash is a hash table, so these are many.
   */
  private void compareValues(
      Jedis source, Jedis destination, List<Unequal> unequal, Differences differences)
      throws InterruptedException, ExecutionException {
    if (unequal.isEmpty()) {
      return;
    }
    List<byte[]> names = unequal.stream().map(Unequal::name).toList();
    Future<List<KeyFingerprint>> fromSource =
        executor.submit(() -> KeyFingerprint.readAll(source, names));
    List<KeyFingerprint> copies;
    try {
      copies = KeyFingerprint.readAll(destination, names);
    } catch (RuntimeException e) {
      fromSource.cancel(true);
      throw e;
    }
    List<KeyFingerprint> originals = RedisJobs.join(fromSource);
    for (int i = 0; i < unequal.size(); i++) {
      Unequal key = unequal.get(i);
      KeyFingerprint a = originals.get(i);
      KeyFingerprint b = copies.get(i);
      if (a == null) {
        continue; // expired since it was read
      }
      if (b == null) {
        differences.missing = true;
        differences.add(key.name, "missing in the destination");
      } else if (!a.type().equals(b.type())) {
        differences.add(key.name, a.type() + " on the source, " + b.type() + " in the destination");
      } else if (!a.sameAs(b)) {
        differences.add(key.name, "value differs");
      } else {
        compareTtls(differences, key.name, key.ttl, key.copyTtl);
      }
    }
  }

  /** Names the destination's keys that the source does not have. */
  private void nameExtraKeys(Jedis source, Jedis destination, Differences differences)
      throws InterruptedException {
    ScanParams page = new ScanParams().count(tuning.scanCount());
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    Pipeline fromSource = source.pipelined();
    do {
      RedisJobs.checkInterrupted();
      ScanResult<byte[]> scanned = destination.scan(cursor, page);
      List<Response<Boolean>> exists = new ArrayList<>();
      for (byte[] name : scanned.getResult()) {
        exists.add(fromSource.exists(name));
      }
      fromSource.sync();
      for (int i = 0; i < exists.size(); i++) {
        if (!exists.get(i).get()) {
          differences.add(scanned.getResult().get(i), "not on the source");
        }
      }
      cursor = scanned.getCursorAsBytes();
    } while (!Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
  }

  private static void compareTtls(Differences differences, byte[] name, long ttl, long copyTtl) {
    if (ttl < 0 && copyTtl < 0) {
      return;
    }
    if (ttl < 0 || copyTtl < 0 || Math.abs(ttl - copyTtl) > TTL_TOLERANCE_MILLIS) {
      differences.add(
          name,
          "TTL " + shownTtl(ttl) + " on the source, " + shownTtl(copyTtl) + " in the destination");
    }
  }

  private static String shownTtl(long ttl) {
    return ttl < 0 ? "none" : String.format(Locale.ROOT, "%.1f s", ttl / 1000.0);
  }

  private record Read(List<Response<byte[]>> dumps, List<Response<Long>> ttls) {}

  private static Read read(Pipeline pipeline, List<byte[]> names) {
    List<Response<byte[]>> dumps = new ArrayList<>(names.size());
    List<Response<Long>> ttls = new ArrayList<>(names.size());
    for (byte[] name : names) {
      dumps.add(pipeline.dump(name));
      ttls.add(pipeline.pttl(name));
    }
    return new Read(dumps, ttls);
  }

  /** What differs, the first {@value #MAX_NAMED} keys by name. */
  private static final class Differences {
    final List<String> keys = new ArrayList<>();
    long differing;
    long sourceKeys;
    boolean missing;
    String count;

    void add(byte[] name, String why) {
      differing++;
      if (keys.size() < MAX_NAMED) {
        keys.add(RedisJobs.show(name) + " (" + why + ")");
        log.warn("key {} differs: {}", RedisJobs.show(name), why);
      }
    }

    Map<String, List<String>> asMap() {
      Map<String, List<String>> map = new LinkedHashMap<>();
      List<String> named = new ArrayList<>(keys);
      if (differing > keys.size()) {
        named.add(String.format(Locale.ROOT, "and %,d more", differing - keys.size()));
      }
      map.put("keys", named);
      map.put("key count", count == null ? List.of() : List.of(count));
      return map;
    }
  }
}
