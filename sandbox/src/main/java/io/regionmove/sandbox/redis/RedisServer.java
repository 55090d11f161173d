package io.regionmove.sandbox.redis;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A Redis server reached over TCP, with the password of its {@code default} user, which may do
 * anything (the sandbox's administrator login).
 */
public record RedisServer(String host, int port, String adminPassword) {

  public RedisServer {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(adminPassword, "adminPassword");
  }

  /** A connection as the administrator to database {@code db}. */
  public Jedis connect(int db) {
    return new Jedis(
        new HostAndPort(host, port),
        DefaultJedisClientConfig.builder()
            .password(adminPassword)
            .database(db)
            .autoNegotiateProtocol(false)
            .clientName("regionmove-sandbox")
            .connectionTimeoutMillis(5_000)
            .socketTimeoutMillis(60_000)
            .build());
  }

  /** A {@code redis://user:password@host:port/db} URL, user and password URL-encoded. */
  public String url(String user, String password, int db) {
    return "redis://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + db;
  }

  @Override
  public String toString() {
    return "RedisServer[" + host + ":" + port + "]";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
