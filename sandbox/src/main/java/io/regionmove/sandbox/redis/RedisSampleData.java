package io.regionmove.sandbox.redis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.args.FlushMode;

/**
 * Sample data for a redis addon: keys of every type (strings, hashes, lists, sets, sorted sets,
 * streams with a consumer group and pending entries), some with a TTL of a day or two, some with
 * binary names and values; the same keys for the same count.
 */
public final class RedisSampleData {

  private static final int BATCH = 1_000;

  private RedisSampleData() {}

  /**
   * Fills the addon at {@code url} ({@code redis://user:password@host:port/db}) with {@code keys}
   * keys. Left as is when it already holds exactly that many keys; otherwise emptied and refilled.
   *
   * @return the number of keys written (0 when left as is)
   */
  public static int seed(String url, int keys) {
    if (keys < 0) {
      throw new IllegalArgumentException("a key count is not negative: " + keys);
    }
    try (Jedis jedis = new Jedis(URI.create(url))) {
      if (jedis.dbSize() == keys) {
        return 0;
      }
      jedis.flushDB(FlushMode.SYNC);
      Random random = new Random(42);
      Pipeline pipeline = jedis.pipelined();
      for (int i = 0; i < keys; i++) {
        write(pipeline, i, random);
        if ((i + 1) % BATCH == 0) {
          pipeline.sync();
        }
      }
      pipeline.sync();
      return keys;
    }
  }

  private static void write(Pipeline p, int i, Random random) {
    String id = String.format("%07d", i);
    byte[] key;
    switch (i % 10) {
      case 4 -> {
        key = bytes("sample:hash:" + id);
        for (int f = 0; f < 5 + random.nextInt(10); f++) {
          p.hset(key, bytes("field" + f), bytes("value " + random.nextInt(1_000_000)));
        }
      }
      case 5 -> {
        key = bytes("sample:list:" + id);
        for (int e = 0; e < 3 + random.nextInt(10); e++) {
          p.rpush(key, bytes("item " + random.nextInt(1_000)));
        }
      }
      case 6 -> {
        key = bytes("sample:set:" + id);
        for (int e = 0; e < 3 + random.nextInt(10); e++) {
          p.sadd(key, bytes("member" + random.nextInt(100)));
        }
      }
      case 7 -> {
        key = bytes("sample:zset:" + id);
        for (int e = 0; e < 3 + random.nextInt(10); e++) {
          p.zadd(key, random.nextInt(10_000) / 100.0, bytes("player" + e));
        }
      }
      case 8 -> {
        key = bytes("sample:stream:" + id);
        int entries = 2 + random.nextInt(5);
        for (int e = 1; e <= entries; e++) {
          p.sendCommand(
              Protocol.Command.XADD,
              key,
              bytes((1_700_000_000_000L + i) + "-" + e),
              bytes("event"),
              bytes("e" + random.nextInt(1_000)),
              bytes("at"),
              bytes(Long.toString(1_700_000_000L + e)));
        }
        if (i % 3 == 0) {
          p.sendCommand(
              Protocol.Command.XGROUP, bytes("CREATE"), key, bytes("workers"), bytes("0"));
          // One entry read and not acknowledged: the group has a pending entry.
          p.sendCommand(
              Protocol.Command.XREADGROUP,
              bytes("GROUP"),
              bytes("workers"),
              bytes("worker-1"),
              bytes("COUNT"),
              bytes("1"),
              bytes("STREAMS"),
              key,
              bytes(">"));
        }
      }
      case 9 -> {
        key =
            new byte[] {
              'b', 'i', 'n', ':', 0, (byte) 0xff, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i
            };
        byte[] value = new byte[16 + random.nextInt(48)];
        random.nextBytes(value);
        p.set(key, value);
      }
      default -> {
        key = bytes("sample:string:" + id);
        p.set(key, bytes(i % 10 == 0 ? Integer.toString(i) : "value of " + id + " ñ é ü"));
      }
    }
    if (i % 7 == 3) {
      p.expire(key, 86_400L + random.nextInt(86_400));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
