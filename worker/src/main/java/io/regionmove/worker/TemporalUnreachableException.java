package io.regionmove.worker;

/** The Temporal server named by the configuration did not answer in time. */
public final class TemporalUnreachableException extends RuntimeException {

  private final String address;

  public TemporalUnreachableException(String address, String message, Throwable cause) {
    super(message, cause);
    this.address = address;
  }

  /** The {@code host:port} that did not answer. */
  public String address() {
    return address;
  }
}
