package io.regionmove.activities.config;

/** The regions file is missing, unreadable or malformed; the message says which and what to do. */
public class RegionsConfigException extends RuntimeException {

  public RegionsConfigException(String message) {
    super(message);
  }

  public RegionsConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
