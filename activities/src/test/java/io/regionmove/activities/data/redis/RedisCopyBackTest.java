package io.regionmove.activities.data.redis;

import static io.regionmove.activities.data.redis.RedisTestData.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.DataActivitiesImpl;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Addon;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisAddon;
import io.regionmove.sandbox.redis.RedisAddonProvisioner;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A rollback's copy back (SPEC §10) with the redis engine: the destination addon's keys, as the app
 * left them after the cutover, replace the source addon's.
 */
class RedisCopyBackTest {

  private static RedisAddonProvisioner provisioner;

  @TempDir Path backups;
  private RedisAddon source;
  private RedisAddon destination;
  private DirectoryBackupStore store;
  private String migrationId;
  private TestActivityEnvironment env;
  private DataActivities activities;

  @BeforeAll
  static void startRedis() {
    provisioner = new RedisAddonProvisioner(LocalRedis.forTests());
  }

  @BeforeEach
  void setUp() {
    migrationId = UUID.randomUUID().toString();
    source = provisioner.provision("src-" + migrationId.substring(0, 8), password());
    destination = provisioner.provision("dst-" + migrationId.substring(0, 8), password());
    store = new DirectoryBackupStore(backups);
    AddonDatabases databases =
        new AddonDatabases() {
          @Override
          public String sourceUrl(AppInput sourceApp, Addon addon) {
            return source.url(provisioner.server());
          }

          @Override
          public String destinationUrl(MoveInput move, Addon sourceAddon) {
            return destination.url(provisioner.server());
          }
        };
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new DataActivitiesImpl(
            Engines.of(
                new RedisEngine(
                    databases,
                    store,
                    DataOptions.defaults().withHeartbeatInterval(Duration.ofMillis(200)))),
            Duration.ofMillis(200)));
    activities =
        env.newActivityStub(
            DataActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setHeartbeatTimeout(Duration.ofSeconds(5))
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
    provisioner.deprovision(source.user());
    provisioner.deprovision(destination.user());
  }

  @Test
  void copyBackReplacesTheSourceKeysWithTheDestinations() throws Exception {
    int keys;
    try (Jedis jedis = connect(source)) {
      keys = RedisTestData.fill(jedis);
    }
    AddonInput forward = addon();
    BackupResult backup = activities.backupAddon(forward);
    activities.restoreAddon(new RestoreInput(forward, backup.backupId()));
    assertEquals(keys, activities.verifyAddon(forward).rows());
    // What the app did in the destination after the cutover.
    try (Jedis jedis = connect(destination)) {
      jedis.set(b("written:after:cutover"), b("\u00e9t\u00e9\u0000binary"));
      jedis.hset("cart:after", "item", "2");
      jedis.del("string:plain");
    }
    AddonInput back = forward.back();

    BackupResult copy = activities.backupAddon(back);
    activities.restoreAddon(RestoreInput.whileBackingUp(back));

    assertEquals(migrationId + "/redis-1.back", copy.backupId());
    assertEquals(keys + 1, activities.verifyAddon(back).rows());
    try (Jedis jedis = connect(source)) {
      assertArrayEquals(b("\u00e9t\u00e9\u0000binary"), jedis.get(b("written:after:cutover")));
      assertEquals("2", jedis.hget("cart:after", "item"));
      assertFalse(jedis.exists("string:plain"), "a key deleted in the destination is gone");
    }
    activities.deleteBackup(back);
    assertTrue(store.exists(backup.backupId()) && !store.exists(copy.backupId()));
  }

  private AddonInput addon() {
    MoveInput move = new MoveInput(migrationId, "agora-fr1", "my-app", "osc-fr1", "my-app");
    return new AddonInput(move, new Addon("redis-1", RedisEngine.PROVIDER, "starter", "7.0"));
  }

  private static Jedis connect(RedisAddon addon) {
    return new Jedis(URI.create(addon.url(provisioner.server())));
  }

  private static String password() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
