package io.regionmove.sandbox;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.mysql.LocalMariaDb;
import io.regionmove.sandbox.mysql.MySqlFingerprint;
import io.regionmove.sandbox.mysql.MySqlSampleData;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisAddonProvisioner;
import io.regionmove.sandbox.redis.RedisFingerprint;
import io.regionmove.sandbox.redis.RedisSampleData;
import io.regionmove.sandbox.redis.RedisServer;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * redis addons of the Region API on the region's Redis server (a database and an ACL user each,
 * {@code SCALINGO_REDIS_URL}), the sample data of every provider, and the fingerprints the demo and
 * the tests compare data with.
 */
class RedisAddonTest {

  @TempDir static Path stateDir;
  static SandboxFixture region;
  static RedisAddonProvisioner admin;

  @BeforeAll
  static void start() {
    RedisServer redis = LocalRedis.forTests();
    region =
        SandboxFixture.start(
            SandboxOptions.defaults(
                    SandboxFixture.REGION,
                    0,
                    stateDir,
                    new AddonServers(LocalPostgres.forTests(), LocalMariaDb.forTests(), redis))
                .withToken(SandboxFixture.TOKEN));
    admin = new RedisAddonProvisioner(redis);
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @Test
  void aRedisAddonIsADatabaseOfItsOwnReachableThroughScalingoRedisUrl() {
    region.createApp("cache-app");
    String id = provision("cache-app");
    JsonNode addon =
        region.expect(200, "GET", "/v1/apps/cache-app/addons/" + id, null).path("addon");
    String url = addon.path("url").asText();
    assertTrue(url.startsWith("redis://"), url);
    assertTrue(addon.path("holds_data").asBoolean());
    URI uri = URI.create(url);
    String user = uri.getUserInfo().split(":")[0];
    int database = Integer.parseInt(uri.getPath().substring(1));
    assertEquals(database, admin.database(user).orElseThrow(), "the server knows the addon");

    try (Jedis jedis = new Jedis(uri)) {
      jedis.set("greeting", "hello");
      assertEquals(1, jedis.dbSize());
    }
    Map<String, JsonNode> variables = variables("cache-app");
    assertEquals(url, variables.get("SCALINGO_REDIS_URL").get("value").asText());
    assertTrue(variables.get("SCALINGO_REDIS_URL").get("generated").asBoolean());

    String second = provision("cache-app");
    String secondUrl = url("cache-app", second);
    assertNotEquals(url, secondUrl);
    assertEquals(
        secondUrl, variables("cache-app").get("SCALINGO_REDIS_2_URL").get("value").asText());
    try (Jedis jedis = new Jedis(URI.create(secondUrl))) {
      assertEquals(0, jedis.dbSize(), "a database of its own");
    }

    region.expect(204, "DELETE", "/v1/apps/cache-app/addons/" + id, null);
    assertTrue(admin.database(user).isEmpty(), "the addon's user is deleted");
    assertThrows(JedisException.class, () -> new Jedis(uri).ping());
    assertFalse(variables("cache-app").containsKey("SCALINGO_REDIS_URL"));
    region.expect(204, "DELETE", "/v1/apps/cache-app", null);
    String secondUser = URI.create(secondUrl).getUserInfo().split(":")[0];
    assertTrue(admin.database(secondUser).isEmpty(), "deleting the app drops its addons");
  }

  @Test
  void aRegionWithoutRedisRefusesRedisAddons(@TempDir Path otherDir) {
    try (SandboxFixture bare =
        SandboxFixture.start(
            SandboxOptions.defaults("bare-fr1", 0, otherDir, AddonServers.NONE)
                .withToken(SandboxFixture.TOKEN))) {
      bare.createApp("no-cache");
      SandboxFixture.Answer answer =
          bare.call(
              "POST",
              "/v1/apps/no-cache/addons",
              Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7")));
      assertEquals(422, answer.status(), answer.toString());
      assertEquals(
          "Region bare-fr1 has no Redis server, so redis addons cannot be provisioned.",
          answer.json().path("error").asText(answer.text()));
    }
  }

  @Test
  void sandboxSeedFillsEveryListedAddonAndTheFingerprintsTellCopiesFromChanges() throws Exception {
    String api = region.region.apiUrl();
    List<String> all = List.of("postgresql", "mysql", "redis");
    SampleApp.seed(api, region.region.token(), "seeded-all", 500, all);
    SampleApp.seed(api, region.region.token(), "seeded-all", 500, all);
    JsonNode addons = region.expect(200, "GET", "/v1/apps/seeded-all/addons", null).get("addons");
    Map<String, String> urls = new HashMap<>();
    addons.forEach(
        a -> urls.put(a.path("provider").asText(), url("seeded-all", a.path("id").asText())));
    assertEquals(3, addons.size(), "one addon per provider, seeding again adds none: " + addons);

    RedisFingerprint keys = RedisFingerprint.of(urls.get("redis"));
    assertEquals(500, keys.size());
    assertEquals(
        Set.of("string", "hash", "list", "set", "zset", "stream"),
        keys.keys().values().stream().map(RedisFingerprint.Key::type).collect(toSet()),
        "every type");
    try (Connection c = MySqlAddonTest.connect(urls.get("mysql"))) {
      assertEquals(500, MySqlSampleData.count(c));
    }

    // A copy made key by key and row by row has the same fingerprints; a change does not.
    region.createApp("copy-app");
    String copy = url("copy-app", provision("copy-app"));
    RedisSampleData.seed(copy, 500);
    assertEquals(keys.digest(), RedisFingerprint.of(copy).digest());
    // Both were seeded at different times: their TTLs are some seconds apart.
    assertEquals(List.of(), keys.differencesFrom(RedisFingerprint.of(copy), 120_000, 10));
    String changedKey = "sample:string:0000001";
    try (Jedis jedis = new Jedis(URI.create(copy))) {
      jedis.set(changedKey, "changed");
    }
    RedisFingerprint changed = RedisFingerprint.of(copy);
    assertNotEquals(keys.digest(), changed.digest());
    List<String> differences = keys.differencesFrom(changed, 120_000, 10);
    assertEquals(1, differences.size(), differences::toString);
    assertEquals(changedKey + ": value differs", differences.get(0));

    Map<String, MySqlFingerprint.Table> tables = MySqlFingerprint.of(urls.get("mysql"));
    assertEquals(500, tables.values().stream().mapToLong(MySqlFingerprint.Table::rows).sum());
    assertEquals(tables, MySqlFingerprint.of(urls.get("mysql")));
    try (Connection c = MySqlAddonTest.connect(urls.get("mysql"));
        Statement s = c.createStatement()) {
      s.execute("UPDATE customers SET balance = balance + 0.0000000001 WHERE id = 3");
    }
    Map<String, MySqlFingerprint.Table> after = MySqlFingerprint.of(urls.get("mysql"));
    assertNotEquals(tables.get("customers"), after.get("customers"));
    assertEquals(tables.get("orders"), after.get("orders"));
  }

  @Test
  void aRedisUrlNamesTheServerAndItsDefaultUsersPassword() {
    RedisServer server = RedisServer.fromUrl("redis://:p%40ss@10.0.0.5:7000");
    assertEquals(new RedisServer("10.0.0.5", 7000, "p@ss"), server);
    assertEquals(6379, RedisServer.fromUrl("redis://default:x@h").port());
    assertThrows(IllegalArgumentException.class, () -> RedisServer.fromUrl("redis://h:1"));
    assertThrows(IllegalArgumentException.class, () -> RedisServer.fromUrl("redis://bob:x@h:1"));
    assertThrows(IllegalArgumentException.class, () -> RedisServer.fromUrl("mysql://:x@h:1"));
  }

  private static String provision(String app) {
    return region
        .expect(
            201,
            "POST",
            "/v1/apps/" + app + "/addons",
            Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7")))
        .at("/addon/id")
        .asText();
  }

  private static String url(String app, String id) {
    return region
        .expect(200, "GET", "/v1/apps/" + app + "/addons/" + id, null)
        .at("/addon/url")
        .asText();
  }

  private static Map<String, JsonNode> variables(String app) {
    Map<String, JsonNode> byName = new HashMap<>();
    region
        .expect(200, "GET", "/v1/apps/" + app + "/variables", null)
        .get("variables")
        .forEach(v -> byName.put(v.get("name").asText(), v));
    return byName;
  }
}
