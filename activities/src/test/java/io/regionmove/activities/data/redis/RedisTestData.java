package io.regionmove.activities.data.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;

/** Keys of every type and shape the engine must move, written into an empty database. */
final class RedisTestData {

  static final int BIG = 100_000;
  static final byte[] ALL_BYTES = new byte[256];
  static final byte[] ALL_BYTES_REVERSED = new byte[256];

  static {
    for (int i = 0; i < 256; i++) {
      ALL_BYTES[i] = (byte) i;
      ALL_BYTES_REVERSED[i] = (byte) (255 - i);
    }
  }

  private RedisTestData() {}

  /** Fills the database; returns how many keys it holds. */
  static int fill(Jedis jedis) {
    Pipeline p = jedis.pipelined();
    p.set(b("string:plain"), b("hello, world ñ 日本"));
    p.set(b("string:empty"), new byte[0]);
    p.set(b("string:number"), b("12345"));
    p.set(b("string:ttl"), b("expires in an hour"));
    p.pexpire(b("string:ttl"), 3_600_000);
    p.set(ALL_BYTES, ALL_BYTES_REVERSED);
    p.set(b("string:large"), new byte[1 << 20]);
    p.hset(b("hash:small"), Map.of(b("a"), b("1"), b("b"), new byte[0], ALL_BYTES, ALL_BYTES));
    p.expire(b("hash:small"), 7_200);
    p.rpush(b("list:small"), b("x"), b("y"), b("x"), new byte[0], ALL_BYTES);
    p.sadd(b("set:ints"), b("1"), b("2"), b("3"));
    p.sadd(b("set:small"), b("red"), b("green"), ALL_BYTES);
    p.zadd(b("zset:small"), 1.5, b("one and a half"));
    p.zadd(b("zset:small"), -0.1, b("negative"));
    p.zadd(b("zset:small"), 1e300, ALL_BYTES);
    p.expire(b("zset:small"), 100_000);
    for (int i = 1; i <= 20; i++) {
      p.sendCommand(
          Protocol.Command.XADD, b("stream:events"), b("1700000000000-" + i), b("n"), b("" + i));
    }
    p.sendCommand(Protocol.Command.XDEL, b("stream:events"), b("1700000000000-3"));
    p.sendCommand(Protocol.Command.XGROUP, b("CREATE"), b("stream:events"), b("billing"), b("0"));
    p.sendCommand(Protocol.Command.XGROUP, b("CREATE"), b("stream:events"), b("audit"), b("$"));
    p.sendCommand(
        Protocol.Command.XREADGROUP,
        b("GROUP"),
        b("billing"),
        b("worker-1"),
        b("COUNT"),
        b("4"),
        b("STREAMS"),
        b("stream:events"),
        b(">"));
    p.sendCommand(Protocol.Command.XACK, b("stream:events"), b("billing"), b("1700000000000-1"));
    p.sync();
    for (int start = 0; start < BIG; start += 1_000) {
      Map<byte[], byte[]> fields = new HashMap<>();
      byte[][] items = new byte[1_000][];
      Map<byte[], Double> scores = new HashMap<>();
      for (int i = start; i < start + 1_000; i++) {
        fields.put(b("field-" + i), b("value-" + (i * 7)));
        items[i - start] = b("item-" + i);
        scores.put(b("member-" + i), i / 3.0);
      }
      p.hset(b("hash:big"), fields);
      p.rpush(b("list:big"), items);
      p.sadd(b("set:big"), items);
      p.zadd(b("zset:big"), scores);
      p.sync();
    }
    p.expire(b("hash:big"), 50_000);
    p.sync();
    return (int) jedis.dbSize();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
