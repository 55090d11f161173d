package io.regionmove.activities.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.regionmove.regionapi.RegionEndpoint;
import java.net.URI;

/**
 * How to reach one region: its Region API (base URL and bearer token) and its router, which answers
 * for {@code <app>.<region>.<host>} names.
 */
public record RegionConfig(
    String name,
    @JsonProperty("api_url") String apiUrl,
    String token,
    @JsonProperty("router_url") String routerUrl)
    implements RegionEndpoint {

  public RegionConfig {
    apiUrl = stripTrailingSlash(apiUrl);
    routerUrl = stripTrailingSlash(routerUrl);
  }

  /** The router's host name, or an empty string when no router URL is configured. */
  public String routerHost() {
    if (routerUrl == null || routerUrl.isBlank()) {
      return "";
    }
    String host = URI.create(routerUrl).getHost();
    return host == null ? "" : host;
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "RegionConfig[name=" + name + ", apiUrl=" + apiUrl + ", routerUrl=" + routerUrl + "]";
  }

  private static String stripTrailingSlash(String url) {
    return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
