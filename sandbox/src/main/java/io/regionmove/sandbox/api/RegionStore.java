package io.regionmove.sandbox.api;

import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.RegionState;
import io.regionmove.sandbox.state.StateFile;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The state of one region as its route classes share it. Every read and change happens while
 * holding {@link #lock()}, and every change is saved ({@link #save()}) before it is answered.
 */
final class RegionStore {

  private final String region;
  private final RegionState state;
  private final StateFile file;
  private final IntSupplier port;
  private final Clock clock;
  private final Object lock = new Object();

  RegionStore(String region, RegionState state, StateFile file, IntSupplier port, Clock clock) {
    this.region = region;
    this.state = state;
    this.file = file;
    this.port = port;
    this.clock = clock;
  }

  String region() {
    return region;
  }

  Clock clock() {
    return clock;
  }

  Object lock() {
    return lock;
  }

  /** Every app by name; only under the lock. */
  Map<String, AppState> apps() {
    return state.apps;
  }

  /** The app of the path parameter {@code app}; 404 when there is none. */
  AppState app(Context ctx) {
    String name = ctx.pathParam("app");
    AppState app = state.apps.get(name);
    if (app == null) {
      throw ApiException.notFound(
          "No app named '" + RequestFields.shown(name) + "' in region " + region + ".");
    }
    return app;
  }

  /** The app of the path, refusing with 423 while it is frozen for a migration. */
  AppState changeableApp(Context ctx) {
    AppState app = app(ctx);
    if (app.migrating) {
      throw new ApiException(
          423,
          "The app "
              + app.name
              + " is being migrated; its configuration and addons"
              + " cannot change until the migration ends or is aborted.");
    }
    return app;
  }

  void save() {
    file.save(state);
  }

  Map<String, Object> appView(AppState app) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", app.name);
    view.put("region", region);
    view.put("status", app.running() ? "running" : "stopped");
    view.put("migrating", app.migrating);
    view.put("url", "http://" + app.name + "." + region + ".localhost:" + port.getAsInt() + "/");
    view.put("reference", app.reference);
    view.put("formation", app.formation);
    view.put("settings", app.settings);
    view.put("redirect", app.redirect);
    return view;
  }

  Optional<RouterView> routerView(String appName) {
    synchronized (lock) {
      AppState app = state.apps.get(appName);
      return app == null
          ? Optional.empty()
          : Optional.of(new RouterView(app.running(), app.redirect));
    }
  }
}
