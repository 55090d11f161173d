package io.regionmove.sandbox.redis;

import java.util.Map;

/**
 * Where a redis addon's data lives on the region's Redis server: database {@code database}, reached
 * as the addon's own ACL user {@code user} with {@code password}.
 */
public record RedisAddon(String user, String password, int database) {

  /** The generated variable holding the addon's URL. */
  public static final String URL_VARIABLE = "SCALINGO_REDIS_URL";

  /** {@code redis://user:password@host:port/database} on {@code server}. */
  public String url(RedisServer server) {
    return server.url(user, password, database);
  }

  /** The addon's generated variables: {@value #URL_VARIABLE}. */
  public Map<String, String> variables(RedisServer server) {
    return Map.of(URL_VARIABLE, url(server));
  }

  @Override
  public String toString() {
    return "RedisAddon[user=" + user + ", database=" + database + "]";
  }
}
