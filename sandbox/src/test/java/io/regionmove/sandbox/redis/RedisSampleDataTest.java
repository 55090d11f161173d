package io.regionmove.sandbox.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class RedisSampleDataTest {

  @Test
  void seedsKeysOfEveryTypeWithTtlsAndBinaryNamesOnceOnly() {
    RedisAddonProvisioner provisioner = new RedisAddonProvisioner(LocalRedis.forTests());
    String user = "seed-" + UUID.randomUUID().toString().substring(0, 8);
    RedisAddon addon = provisioner.provision(user, UUID.randomUUID().toString().replace("-", ""));
    String url = addon.url(provisioner.server());

    assertEquals(2_000, RedisSampleData.seed(url, 2_000));
    assertEquals(0, RedisSampleData.seed(url, 2_000));

    Map<String, Integer> types = new HashMap<>();
    int withTtl = 0;
    int binary = 0;
    int groups = 0;
    try (Jedis jedis = new Jedis(URI.create(url))) {
      assertEquals(2_000, jedis.dbSize());
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      do {
        ScanResult<byte[]> page = jedis.scan(cursor, new ScanParams().count(500));
        for (byte[] key : page.getResult()) {
          String type = jedis.type(key);
          types.merge(type, 1, Integer::sum);
          if (jedis.pttl(key) > 0) {
            withTtl++;
          }
          if (key.length > 4 && key[4] == 0) {
            binary++;
          }
          if (type.equals("stream") && !jedis.xinfoGroups(new String(key)).isEmpty()) {
            groups++;
          }
        }
        cursor = page.getCursorAsBytes();
      } while (!java.util.Arrays.equals(cursor, ScanParams.SCAN_POINTER_START_BINARY));
    }
    assertEquals(
        Map.of("string", 1_000, "hash", 200, "list", 200, "set", 200, "zset", 200, "stream", 200),
        types);
    assertTrue(withTtl > 200 && withTtl < 400, "keys with a TTL: " + withTtl);
    assertEquals(200, binary);
    assertTrue(groups > 50, "streams with a consumer group: " + groups);

    assertEquals(10, RedisSampleData.seed(url, 10));
    provisioner.deprovision(user);
  }
}
