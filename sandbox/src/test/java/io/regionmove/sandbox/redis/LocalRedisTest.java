package io.regionmove.sandbox.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

class LocalRedisTest {

  @TempDir Path dir;

  @Test
  void startsAPrivatePasswordProtectedServerAdoptsItAndKeepsDataAcrossRestarts() throws Exception {
    LocalRedis first = LocalRedis.start(dir);
    RedisServer server = first.server();
    try {
      assertNotEquals(6379, server.port());
      try (Jedis anonymous = new Jedis(new HostAndPort(server.host(), server.port()))) {
        JedisDataException refused = assertThrows(JedisDataException.class, anonymous::dbSize);
        assertTrue(refused.getMessage().startsWith("NOAUTH"), refused.getMessage());
      }
      try (Jedis admin = server.connect(3)) {
        admin.set("kept", "across restarts");
      }
      assertEquals(
          "rw-------",
          PosixFilePermissions.toString(
              Files.getPosixFilePermissions(dir.resolve("admin.password"))));
      assertFalse(
          Files.readString(dir.resolve("users.acl")).contains(server.adminPassword()),
          "the users file keeps a hash of the password, not the password");

      // A second start adopts the running server: same port, and closing it does not stop it.
      try (LocalRedis adopted = LocalRedis.start(dir)) {
        assertEquals(server, adopted.server());
      }
      try (Jedis admin = server.connect(0)) {
        assertEquals("PONG", admin.ping());
      }
    } finally {
      first.close();
    }
    assertThrows(Exception.class, () -> server.connect(0).ping());

    try (LocalRedis again = LocalRedis.start(dir);
        Jedis admin = again.server().connect(3)) {
      assertEquals(server.adminPassword(), again.server().adminPassword());
      assertEquals("across restarts", admin.get("kept"));
    }
  }
}
