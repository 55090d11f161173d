package io.regionmove.model;

/** The input of one migration workflow. {@code newName} equals {@code app} when not renamed. */
public record MigrationRequest(
    String migrationId,
    String app,
    String newName,
    String source,
    String destination,
    MigrationSettings settings) {

  public MigrationRequest {
    newName = newName == null || newName.isBlank() ? app : newName;
    settings = settings == null ? MigrationSettings.defaults() : settings;
  }
}
