package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Redirect;
import io.regionmove.sandbox.state.StoredAddon;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Apps: list, create, read and delete, the {@code migrating} freeze, and the redirect to a new URL.
 */
final class AppRoutes {

  private static final Pattern APP_NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{1,47}$");

  private final RegionStore store;
  private final AddonDatabases databases;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  AppRoutes(RegionStore store, AddonDatabases databases, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.databases = databases;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get("/v1/apps", this::listApps);
    app.post("/v1/apps", this::createApp);
    app.get("/v1/apps/{app}", this::getApp);
    app.delete("/v1/apps/{app}", this::deleteApp);
    app.put("/v1/apps/{app}/migrating", ctx -> setMigrating(ctx, true));
    app.delete("/v1/apps/{app}/migrating", ctx -> setMigrating(ctx, false));
    app.put("/v1/apps/{app}/redirect", this::setRedirect);
    app.delete("/v1/apps/{app}/redirect", this::removeRedirect);
  }

  private void listApps(Context ctx) {
    synchronized (store.lock()) {
      answers.send(
          ctx, 200, Map.of("apps", store.apps().values().stream().map(store::appView).toList()));
    }
  }

  private void createApp(Context ctx) {
    JsonNode body = bodies.wrapped(ctx, "app");
    String name = requiredText(body, "app", "name");
    String reference = optionalText(body, "app", "reference");
    if (!APP_NAME.matcher(name).matches()) {
      throw ApiException.badRequest(
          "The app name '"
              + name
              + "' is invalid: use 2 to 48 lowercase letters,"
              + " digits and dashes, starting with a letter or digit.");
    }
    synchronized (store.lock()) {
      AppState existing = store.apps().get(name);
      if (existing != null) {
        if (reference != null && reference.equals(existing.reference)) {
          answers.send(ctx, 200, Map.of("app", store.appView(existing)));
          return;
        }
        throw new ApiException(
            409, "The app name '" + name + "' is already taken in region " + store.region() + ".");
      }
      AppState app = new AppState();
      app.name = name;
      app.reference = reference;
      app.createdAt = store.clock().instant();
      store.apps().put(name, app);
      store.save();
      answers.send(ctx, 201, Map.of("app", store.appView(app)));
    }
  }

  private void getApp(Context ctx) {
    synchronized (store.lock()) {
      answers.send(ctx, 200, Map.of("app", store.appView(store.app(ctx))));
    }
  }

  private void deleteApp(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      for (StoredAddon addon : app.addons) {
        databases.drop(addon);
      }
      store.apps().remove(app.name);
      store.save();
      ctx.status(204);
    }
  }

  private void setMigrating(Context ctx, boolean migrating) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      if (app.migrating != migrating) {
        app.migrating = migrating;
        store.save();
      }
      answers.send(ctx, 200, Map.of("app", store.appView(app)));
    }
  }

  private void setRedirect(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      JsonNode body = bodies.wrapped(ctx, "redirect");
      String to = requiredText(body, "redirect", "to", RequestFields.MAX_URL);
      String untilText = requiredText(body, "redirect", "until");
      if (!to.matches("^https?://[^\\s/]+.*$")) {
        throw ApiException.badRequest(
            "redirect.to must be an absolute http or https URL, not '" + shown(to) + "'.");
      }
      Instant until;
      try {
        until = OffsetDateTime.parse(untilText).toInstant();
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(
            "redirect.until must be an ISO-8601 date-time such as"
                + " 2030-01-31T12:00:00Z, not '"
                + untilText
                + "'.");
      }
      app.redirect = new Redirect(to, until);
      store.save();
      answers.send(ctx, 200, Map.of("redirect", app.redirect));
    }
  }

  private void removeRedirect(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      if (app.redirect != null) {
        app.redirect = null;
        store.save();
      }
      ctx.status(204);
    }
  }
}
