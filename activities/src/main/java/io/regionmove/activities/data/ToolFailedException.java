package io.regionmove.activities.data;

/**
 * pg_dump or pg_restore failed in a way a retry may cure (the server restarted, a connection
 * dropped). The message carries the tool's last error lines, with any URL redacted.
 */
public class ToolFailedException extends RuntimeException {

  public ToolFailedException(String message) {
    super(message);
  }
}
