package io.regionmove.activities.config;

/** A region asked for by name is not in the regions file. */
public class UnknownRegionException extends RuntimeException {

  private final String region;

  public UnknownRegionException(String region, String message) {
    super(message);
    this.region = region;
  }

  public String region() {
    return region;
  }
}
