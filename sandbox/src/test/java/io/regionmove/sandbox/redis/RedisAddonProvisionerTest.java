package io.regionmove.sandbox.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

class RedisAddonProvisionerTest {

  private final RedisAddonProvisioner provisioner =
      new RedisAddonProvisioner(LocalRedis.forTests());

  private static String user() {
    return "app-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String password() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Test
  void anAddonGetsItsOwnDatabaseAndUserInItsUrl() {
    String user = user();
    String password = password();
    RedisAddon addon = provisioner.provision(user, password);
    RedisServer server = provisioner.server();
    assertTrue(addon.database() > 0, "database 0 is the administrator's");
    assertEquals(
        "redis://" + user + ":" + password + "@127.0.0.1:" + server.port() + "/" + addon.database(),
        addon.url(server));
    assertEquals(Map.of("SCALINGO_REDIS_URL", addon.url(server)), addon.variables(server));
    assertFalse(addon.toString().contains(password));

    try (Jedis jedis = new Jedis(URI.create(addon.url(server)))) {
      jedis.set("greeting", "hello");
      assertEquals(1, jedis.dbSize());
    }
    try (Jedis admin = server.connect(addon.database())) {
      assertEquals("hello", admin.get("greeting"));
    }
    assertThrows(
        JedisAccessControlException.class,
        () -> new Jedis(URI.create(server.url(user, "not" + password, addon.database()))).ping());
  }

  @Test
  void anAddonCannotReachAnotherAddonsDatabase() {
    RedisAddon one = provisioner.provision(user(), password());
    RedisAddon other = provisioner.provision(user(), password());
    assertNotEquals(one.database(), other.database());
    RedisServer server = provisioner.server();
    try (Jedis jedis = new Jedis(URI.create(other.url(server)))) {
      jedis.set("theirs", "secret");
    }
    try (Jedis jedis = new Jedis(URI.create(one.url(server)))) {
      for (String[] command :
          new String[][] {
            {"SELECT", Integer.toString(other.database())},
            {"FLUSHALL"},
            {"SWAPDB", Integer.toString(one.database()), Integer.toString(other.database())},
            {"MOVE", "k", Integer.toString(other.database())},
            {"COPY", "k", "k2", "DB", Integer.toString(other.database())},
            {"CONFIG", "GET", "databases"},
            {
              "EVAL",
              "return redis.call('SELECT', ARGV[1])",
              "0",
              Integer.toString(other.database())
            }
          }) {
        JedisDataException refused =
            assertThrows(
                JedisDataException.class,
                () -> jedis.sendCommand(() -> command[0].getBytes(), tail(command)),
                String.join(" ", command));
        assertTrue(
            refused.getMessage().startsWith("NOPERM")
                || refused.getMessage().contains("can't run this command"),
            refused.getMessage());
      }
      // What the data step needs, with the addon's own credentials.
      jedis.set("k", "v");
      byte[] payload = jedis.dump("k".getBytes());
      jedis.restore("k2".getBytes(), 0, payload);
      assertEquals("v", jedis.get("k2"));
      jedis.flushDB();
      assertEquals(0, jedis.dbSize());
    }
    try (Jedis admin = server.connect(other.database())) {
      assertEquals("secret", admin.get("theirs"));
    }
  }

  @Test
  void provisioningTwiceKeepsTheDatabaseAndItsData() {
    String user = user();
    String password = password();
    RedisAddon first = provisioner.provision(user, password);
    try (Jedis jedis = new Jedis(URI.create(first.url(provisioner.server())))) {
      jedis.set("kept", "yes");
    }
    RedisAddon again = provisioner.provision(user, password);
    assertEquals(first, again);
    assertEquals(Optional.of(first.database()), provisioner.database(user));
    try (Jedis jedis = new Jedis(URI.create(again.url(provisioner.server())))) {
      assertEquals("yes", jedis.get("kept"));
    }
  }

  @Test
  void deprovisioningEmptiesTheDatabaseAndToleratesNothingToRemove() {
    String user = user();
    RedisAddon addon = provisioner.provision(user, password());
    RedisServer server = provisioner.server();
    try (Jedis jedis = new Jedis(URI.create(addon.url(server)))) {
      jedis.set("doomed", "1");
    }
    assertTrue(provisioner.deprovision(user));
    assertEquals(Optional.empty(), provisioner.database(user));
    try (Jedis admin = server.connect(addon.database())) {
      assertNull(admin.get("doomed"));
    }
    assertThrows(
        JedisAccessControlException.class, () -> new Jedis(URI.create(addon.url(server))).ping());
    assertFalse(provisioner.deprovision(user));
    assertFalse(provisioner.deprovision(user()));
  }

  @Test
  void unusableNamesAndPasswordsAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> provisioner.provision("default", password()));
    assertThrows(IllegalArgumentException.class, () -> provisioner.provision("a b", password()));
    assertThrows(IllegalArgumentException.class, () -> provisioner.provision(user(), "short"));
    assertThrows(IllegalArgumentException.class, () -> provisioner.deprovision("x y"));
  }

  private static byte[][] tail(String[] command) {
    byte[][] args = new byte[command.length - 1][];
    for (int i = 1; i < command.length; i++) {
      args[i - 1] = command[i].getBytes();
    }
    return args;
  }
}
