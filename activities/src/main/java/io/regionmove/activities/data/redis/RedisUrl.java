package io.regionmove.activities.data.redis;

import io.regionmove.model.FailureType;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A redis addon's connection URL, {@code redis://[user]:password@host:port[/db]} ({@code rediss://}
 * for TLS). It carries the addon's password: {@link #toString()} never shows it.
 */
record RedisUrl(String host, int port, String user, String password, int database, boolean tls) {

  static final int DEFAULT_PORT = 6379;

  /** Parses the URL; one that is not a redis URL fails for good, without showing it. */
  static RedisUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url == null ? "" : url.trim());
    } catch (URISyntaxException e) {
      throw invalid("is not a URL");
    }
    String scheme = uri.getScheme();
    if (!"redis".equalsIgnoreCase(scheme) && !"rediss".equalsIgnoreCase(scheme)) {
      throw invalid("is not a redis:// URL");
    }
    if (uri.getHost() == null) {
      throw invalid("names no host");
    }
    String user = null;
    String password = null;
    String info = uri.getRawUserInfo();
    if (info != null && !info.isEmpty()) {
      int colon = info.indexOf(':');
      String rawUser = colon < 0 ? "" : info.substring(0, colon);
      user = rawUser.isEmpty() ? null : decode(rawUser);
      password = decode(colon < 0 ? info : info.substring(colon + 1));
    }
    int database = 0;
    String path = uri.getPath();
    if (path != null && path.length() > 1) {
      try {
        database = Integer.parseInt(path.substring(1));
      } catch (NumberFormatException e) {
        throw invalid("names no database number");
      }
    }
    return new RedisUrl(
        uri.getHost(),
        uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(),
        user,
        password,
        database,
        "rediss".equalsIgnoreCase(scheme));
  }

  /** A connection to the addon's database; replies are awaited at most {@code timeoutMillis}. */
  Jedis connect(int timeoutMillis) {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .database(database)
            .ssl(tls)
            .autoNegotiateProtocol(false)
            .clientName("regionmove")
            .connectionTimeoutMillis(10_000)
            .socketTimeoutMillis(timeoutMillis);
    if (user != null) {
      config.user(user);
    }
    if (password != null) {
      config.password(password);
    }
    return new Jedis(new HostAndPort(host, port), config.build());
  }

  @Override
  public String toString() {
    return "redis server " + host + ":" + port + " database " + database;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static ApplicationFailure invalid(String why) {
    return ApplicationFailure.newNonRetryableFailure(
        "The connection URL of the redis addon " + why, FailureType.INVALID_REQUEST.name());
  }
}
