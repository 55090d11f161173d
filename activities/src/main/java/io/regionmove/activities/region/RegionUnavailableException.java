package io.regionmove.activities.region;

/**
 * The region could not answer now: a 5xx answer, a refused connection or a time-out. Activities let
 * it through as a plain exception so Temporal retries the call.
 */
public class RegionUnavailableException extends RuntimeException {

  public RegionUnavailableException(String message) {
    super(message);
  }

  public RegionUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
