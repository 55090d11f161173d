package io.regionmove.regionapi;

/**
 * The region could not answer now: a 5xx answer (or 408, 429), a refused connection or a time-out.
 * Worth retrying: the activities let it through as a plain exception so Temporal retries the call.
 */
public class RegionUnavailableException extends RuntimeException {

  private final int status;

  public RegionUnavailableException(String message) {
    this(0, message);
  }

  public RegionUnavailableException(int status, String message) {
    super(message);
    this.status = status;
  }

  public RegionUnavailableException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  /** The HTTP status the region answered, or 0 when no answer came. */
  public int status() {
    return status;
  }
}
