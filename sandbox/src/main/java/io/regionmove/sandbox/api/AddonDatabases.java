package io.regionmove.sandbox.api;

import io.regionmove.sandbox.postgres.AddonDatabaseProvisioner;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.StoredAddon;
import io.regionmove.sandbox.state.Variable;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The databases of a region's postgresql addons on its PostgreSQL server, and the variables that
 * carry their URLs to the app. Without a server, postgresql addons cannot be provisioned (422) nor
 * dropped (503).
 */
final class AddonDatabases {

  private static final String DATABASE_URL = "DATABASE_URL";
  private static final String FIRST_POSTGRESQL_URL = "SCALINGO_POSTGRESQL_URL";

  private final String region;
  private final AddonDatabaseProvisioner databases;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param databases the region's PostgreSQL server; null when it has none
   */
  AddonDatabases(String region, AddonDatabaseProvisioner databases) {
    this.region = region;
    this.databases = databases;
  }

  /**
   * Creates the database of a new postgresql addon of {@code app}, with the next free generated
   * variable names.
   */
  StoredAddon create(AppState app, StoredAddon metadata) {
    if (databases == null) {
      throw new ApiException(
          422,
          "Region "
              + region
              + " has no PostgreSQL server, so postgresql addons cannot be provisioned.");
    }
    String database = databaseName(app.name);
    String password = HexFormat.of().formatHex(randomBytes(16));
    try {
      databases.create(database, database, password);
    } catch (SQLException e) {
      throw new ApiException(
          503, "Could not create the database of the postgresql addon: " + e.getMessage(), e);
    }
    return new StoredAddon(
        metadata.id(),
        metadata.provider(),
        metadata.plan(),
        metadata.version(),
        metadata.reference(),
        database,
        database,
        password,
        nextVariableNames(app),
        metadata.createdAt());
  }

  /** Drops the database of a postgresql addon; nothing for other addons. */
  void drop(StoredAddon addon) {
    if (!addon.isPostgresql()) {
      return;
    }
    if (databases == null) {
      throw new ApiException(
          503,
          "Region "
              + region
              + " has no PostgreSQL server to drop the database of addon "
              + addon.id()
              + "; start it with one.");
    }
    try {
      databases.drop(addon.database(), addon.role());
    } catch (SQLException e) {
      throw new ApiException(
          503, "Could not drop the database of addon " + addon.id() + ": " + e.getMessage(), e);
    }
  }

  /** The database URL of a postgresql addon; null without a server. */
  String url(StoredAddon addon) {
    return databases == null
        ? null
        : databases.server().url(addon.database(), addon.role(), addon.password());
  }

  /** The variables the app's postgresql addons generate, each holding its addon's URL. */
  List<Variable> generatedVariables(AppState app) {
    return app.addons.stream()
        .filter(StoredAddon::isPostgresql)
        .flatMap(
            addon -> {
              String url = url(addon);
              return addon.variableNames().stream().map(n -> new Variable(n, url, true));
            })
        .toList();
  }

  static Set<String> generatedNames(AppState app) {
    return app.addons.stream().flatMap(a -> a.variableNames().stream()).collect(Collectors.toSet());
  }

  private List<String> nextVariableNames(AppState app) {
    Set<String> taken = new HashSet<>(generatedNames(app));
    if (!taken.contains(DATABASE_URL)) {
      return List.of(DATABASE_URL, FIRST_POSTGRESQL_URL);
    }
    int n = 2;
    while (taken.contains("SCALINGO_POSTGRESQL_" + n + "_URL")) {
      n++;
    }
    return List.of("SCALINGO_POSTGRESQL_" + n + "_URL");
  }

  /** Unique on a PostgreSQL server shared by several regions: region, app and random suffix. */
  private String databaseName(String app) {
    String base = ("rm_" + region + "_" + app).replaceAll("[^a-z0-9]", "_");
    if (base.length() > 48) {
      base = base.substring(0, 48);
    }
    return base + "_" + HexFormat.of().formatHex(randomBytes(4));
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }
}
