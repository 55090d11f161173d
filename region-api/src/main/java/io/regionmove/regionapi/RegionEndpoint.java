package io.regionmove.regionapi;

/**
 * How to call one region's Region API: its name (used in messages), the base URL and the bearer
 * token (a secret: implementations never print it).
 */
public interface RegionEndpoint {

  String name();

  String apiUrl();

  String token();

  static RegionEndpoint of(String name, String apiUrl, String token) {
    return new FixedEndpoint(name, apiUrl, token);
  }
}
