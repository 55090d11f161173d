package io.regionmove.regionapi;

/**
 * The region refused a request (HTTP 4xx): a bad token, an unknown object, a conflict, a frozen
 * app. Retrying the same request would get the same answer. The message is the region's own
 * sentence and never holds a value that was sent.
 */
public class RegionApiException extends RuntimeException {

  private final String region;
  private final int status;
  private final String apiMessage;

  public RegionApiException(String region, int status, String apiMessage) {
    super(region + " answered " + status + ": " + apiMessage);
    this.region = region;
    this.status = status;
    this.apiMessage = apiMessage;
  }

  public String region() {
    return region;
  }

  public int status() {
    return status;
  }

  public String apiMessage() {
    return apiMessage;
  }

  public boolean isNotFound() {
    return status == 404;
  }
}
