package io.regionmove.activities;

/**
 * Names the source app and its destination counterpart, for activities that read one region and
 * write the other. {@code migrationId} is the idempotency key of the call.
 */
public record MoveInput(
    String migrationId, String source, String app, String destination, String newName) {

  public AppInput sourceApp() {
    return new AppInput(migrationId, source, app);
  }

  public AppInput destinationApp() {
    return new AppInput(migrationId, destination, newName);
  }
}
