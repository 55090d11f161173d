package io.regionmove.client;

/** The workflow refused a step (wrong order, finished migration); the message is its sentence. */
public class MigrationRejectedException extends RuntimeException {

  public MigrationRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
