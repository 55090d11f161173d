package io.regionmove.regionapi;

/** The {@link RegionEndpoint} of {@link RegionEndpoint#of}. */
record FixedEndpoint(String name, String apiUrl, String token) implements RegionEndpoint {

  /** Never prints the token. */
  @Override
  public String toString() {
    return "RegionEndpoint[name=" + name + ", apiUrl=" + apiUrl + "]";
  }
}
