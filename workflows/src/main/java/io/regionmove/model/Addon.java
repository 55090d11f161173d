package io.regionmove.model;

/** A managed service of an app, as the source region describes it. */
public record Addon(String id, String provider, String plan, String version) {

  public static final String POSTGRESQL = "postgresql";

  public boolean holdsData() {
    return POSTGRESQL.equals(provider);
  }
}
