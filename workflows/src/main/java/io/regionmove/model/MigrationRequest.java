package io.regionmove.model;

import java.util.List;

/**
 * The input of one migration workflow. {@code newName} equals {@code app} when not renamed.
 *
 * @param notifyUrls the http(s) webhooks told of every status change (SPEC §10 {@code --notify});
 *     empty for none
 * @param manualData ids of the addons whose data the user moves by hand ({@code --manual-data}):
 *     they are provisioned empty; empty when none (and in requests recorded before it existed)
 */
public record MigrationRequest(
    String migrationId,
    String app,
    String newName,
    String source,
    String destination,
    MigrationSettings settings,
    List<String> notifyUrls,
    List<String> manualData) {

  public MigrationRequest {
    newName = newName == null || newName.isBlank() ? app : newName;
    settings = settings == null ? MigrationSettings.defaults() : settings;
    notifyUrls = notifyUrls == null ? List.of() : List.copyOf(notifyUrls);
    manualData = manualData == null ? List.of() : List.copyOf(manualData);
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

  /** A migration whose addons' data regionmove moves, or refuses. */
  public MigrationRequest(
      String migrationId,
      String app,
      String newName,
      String source,
      String destination,
      MigrationSettings settings,
      List<String> notifyUrls) {
    this(migrationId, app, newName, source, destination, settings, notifyUrls, List.of());
  }
}
