package io.regionmove.activities.data;

/**
 * A data engine's tool or database failed in a way a retry may cure (the server restarted, a
 * connection dropped). The message carries the tool's last error lines, with any URL redacted.
 */
public class ToolFailedException extends RuntimeException {

  public ToolFailedException(String message) {
    super(message);
  }
}
