package io.regionmove.client;

/** No migration has this id in the Temporal namespace the client is connected to. */
public class MigrationNotFoundException extends RuntimeException {

  private final String migrationId;

  public MigrationNotFoundException(String migrationId, Throwable cause) {
    super(
        "No migration has the id "
            + migrationId
            + "; list the migrations of an app with `regionmove --region R --app A migrations`.",
        cause);
    this.migrationId = migrationId;
  }

  public String migrationId() {
    return migrationId;
  }
}
