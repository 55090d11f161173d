package io.regionmove.sandbox.redis;

import java.net.URI;
import java.net.URLDecoder;
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

  /**
   * Reads {@code redis://:password@host:port} (or {@code redis://default:password@...}): a server
   * and the password of its {@code default} user; a database path, if any, is ignored. The port
   * defaults to 6379.
   */
  public static RedisServer fromUrl(String redisUrl) {
    URI uri = URI.create(redisUrl.trim());
    if (!"redis".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "The Redis URL must start with redis:// (got '" + uri.getScheme() + "').");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("The Redis URL names no host.");
    }
    String userInfo = uri.getRawUserInfo();
    int colon = userInfo == null ? -1 : userInfo.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "The Redis URL names no password; write it as redis://:password@host:port.");
    }
    String user = userInfo.substring(0, colon);
    if (!user.isEmpty() && !user.equals("default")) {
      throw new IllegalArgumentException(
          "The Redis URL must name the default user (redis://:password@host:port), not "
              + user
              + ".");
    }
    String password =
        URLDecoder.decode(
            userInfo.substring(colon + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
    return new RedisServer(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), password);
  }

  @Override
  public String toString() {
    return "RedisServer[" + host + ":" + port + "]";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
