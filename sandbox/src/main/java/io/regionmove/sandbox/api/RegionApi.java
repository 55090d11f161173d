package io.regionmove.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.regionmove.sandbox.AddonProvider;
import io.regionmove.sandbox.addons.AddonBackends;
import io.regionmove.sandbox.postgres.LogicalReplication;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.state.RegionState;
import io.regionmove.sandbox.state.StateFile;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The {@code /v1} routes of one region (see {@code region-api.yaml}), one class per resource over
 * one {@link RegionStore}: every read and change happens under one lock and every change is saved
 * to the state file before it is answered.
 */
public final class RegionApi {

  private final RegionStore store;
  private final AppRoutes apps;
  private final FormationRoutes formation;
  private final SettingsRoutes settings;
  private final VariableRoutes variables;
  private final CollaboratorRoutes collaborators;
  private final DomainRoutes domains;
  private final AddonRoutes addons;
  private final ReplicationRoutes replication;

  /**
   * @param backends the region's servers behind the addons of each provider that holds data
   * @param postgres the region's PostgreSQL server, whose replication the region performs for live
   *     migrations; null when it has none
   * @param port the port the region listens on, for app URLs
   */
  public RegionApi(
      String region,
      RegionState state,
      StateFile file,
      List<AddonProvider> providers,
      AddonBackends backends,
      PostgresServer postgres,
      IntSupplier port,
      ObjectMapper json,
      Clock clock) {
    this.store = new RegionStore(region, state, file, port, clock);
    AddonDatabases addonDatabases = new AddonDatabases(region, backends);
    JsonBodies bodies = new JsonBodies(json);
    JsonAnswers answers = new JsonAnswers(json);
    this.apps = new AppRoutes(store, addonDatabases, bodies, answers);
    this.formation = new FormationRoutes(store, bodies, answers);
    this.settings = new SettingsRoutes(store, bodies, answers);
    this.variables = new VariableRoutes(store, addonDatabases, bodies, answers);
    this.collaborators = new CollaboratorRoutes(store, bodies, answers);
    this.domains = new DomainRoutes(store, bodies, answers);
    this.addons = new AddonRoutes(store, providers, addonDatabases, bodies, answers);
    this.replication =
        new ReplicationRoutes(
            store, postgres == null ? null : new LogicalReplication(postgres), bodies, answers);
  }

  public void register(Javalin app) {
    apps.register(app);
    formation.register(app);
    settings.register(app);
    variables.register(app);
    collaborators.register(app);
    domains.register(app);
    addons.register(app);
    replication.register(app);
  }

  /** What the router needs to know of an app, read under the lock. */
  public Optional<RouterView> routerView(String appName) {
    return store.routerView(appName);
  }
}
