package io.regionmove.sandbox.api;

import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBackends;
import io.regionmove.sandbox.addons.AddonBacking;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.StoredAddon;
import io.regionmove.sandbox.state.Variable;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The databases of a region's addons on the servers behind them ({@link AddonBackends}: PostgreSQL,
 * MariaDB, Redis), and the variables that carry their URLs to the app. A provider whose server the
 * region lacks cannot be provisioned (422) nor dropped (503); a metadata-only provider has no
 * database at all.
 */
final class AddonDatabases {

  private final String region;
  private final AddonBackends backends;

  AddonDatabases(String region, AddonBackends backends) {
    this.region = region;
    this.backends = backends;
  }

  /** Whether addons of {@code provider} live on a server, so {@link #create} must make one. */
  boolean backed(String provider) {
    return backends.needsServer(provider);
  }

  /**
   * Creates the database of a new addon of {@code app} on its provider's server, with the next free
   * generated variable names.
   */
  StoredAddon create(AppState app, StoredAddon metadata) {
    String provider = metadata.provider();
    AddonBackend backend =
        backends
            .of(provider)
            .orElseThrow(
                () ->
                    new ApiException(
                        422,
                        "Region "
                            + region
                            + " has no "
                            + backends.serverName(provider)
                            + " server, so "
                            + provider
                            + " addons cannot be provisioned."));
    AddonBacking backing = backend.newBacking(region, app.name);
    try {
      backing = backend.provision(backing);
    } catch (AddonBackendException e) {
      throw new ApiException(503, e.getMessage(), e);
    }
    return new StoredAddon(
        metadata.id(),
        provider,
        metadata.plan(),
        metadata.version(),
        metadata.reference(),
        backing.database(),
        backing.user(),
        backing.password(),
        backend.variableNames(generatedNames(app)),
        metadata.createdAt());
  }

  /** Drops the database of a backed addon; nothing for a metadata-only one. */
  void drop(StoredAddon addon) {
    if (!addon.isBacked()) {
      return;
    }
    AddonBackend backend =
        backends
            .of(addon.provider())
            .orElseThrow(
                () ->
                    new ApiException(
                        503,
                        "Region "
                            + region
                            + " has no "
                            + backends.serverName(addon.provider())
                            + " server to drop the database of addon "
                            + addon.id()
                            + "; start it with one."));
    try {
      backend.deprovision(addon.backing());
    } catch (AddonBackendException e) {
      throw new ApiException(
          503, "Could not drop the database of addon " + addon.id() + ": " + e.getMessage(), e);
    }
  }

  /** The addon's connection URL; null for a metadata-only addon or one whose server is missing. */
  String url(StoredAddon addon) {
    if (!addon.isBacked()) {
      return null;
    }
    return backends.of(addon.provider()).map(b -> b.url(addon.backing())).orElse(null);
  }

  /** The variables the app's backed addons generate, each holding its addon's URL. */
  List<Variable> generatedVariables(AppState app) {
    return app.addons.stream()
        .flatMap(
            addon -> {
              String url = url(addon);
              return url == null
                  ? Stream.<Variable>empty()
                  : addon.variableNames().stream().map(n -> new Variable(n, url, true));
            })
        .toList();
  }

  static Set<String> generatedNames(AppState app) {
    return app.addons.stream().flatMap(a -> a.variableNames().stream()).collect(Collectors.toSet());
  }
}
