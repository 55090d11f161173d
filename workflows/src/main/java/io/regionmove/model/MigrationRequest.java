package io.regionmove.model;

import java.util.List;

/**
 * The input of one migration workflow. {@code newName} equals {@code app} when not renamed.
 *
 * @param notifyUrls the http(s) webhooks told of every status change (SPEC §10 {@code --notify});
 *     empty for none
 */
public record MigrationRequest(
    String migrationId,
    String app,
    String newName,
    String source,
    String destination,
    MigrationSettings settings,
    List<String> notifyUrls) {

  public MigrationRequest {
    newName = newName == null || newName.isBlank() ? app : newName;
    settings = settings == null ? MigrationSettings.defaults() : settings;
    notifyUrls = notifyUrls == null ? List.of() : List.copyOf(notifyUrls);
  }

  /** A migration without webhooks. */
  public MigrationRequest(
      String migrationId,
      String app,
      String newName,
      String source,
      String destination,
      MigrationSettings settings) {
    this(migrationId, app, newName, source, destination, settings, List.of());
  }
}
