package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalBoolean;
import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Notifier;
import io.regionmove.sandbox.state.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** An app's settings ({@code force_https}, {@code sticky_session}) and its notifiers. */
final class SettingsRoutes {

  private static final Pattern NOTIFIER_TYPE = Pattern.compile("^[a-z][a-z0-9_-]{0,31}$");
  private static final int MAX_EVENTS = 64;

  private final RegionStore store;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  SettingsRoutes(RegionStore store, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.put("/v1/apps/{app}/settings", this::updateSettings);
    app.get("/v1/apps/{app}/notifiers", this::listNotifiers);
    app.post("/v1/apps/{app}/notifiers", this::addNotifier);
    app.delete("/v1/apps/{app}/notifiers/{id}", this::removeNotifier);
  }

  /** Changes the settings given; an omitted one keeps its value. */
  private void updateSettings(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      JsonNode settings = bodies.wrapped(ctx, "settings");
      app.settings =
          new Settings(
              optionalBoolean(settings, "settings", "force_https", app.settings.forceHttps()),
              optionalBoolean(
                  settings, "settings", "sticky_session", app.settings.stickySession()));
      store.save();
      answers.send(ctx, 200, Map.of("settings", app.settings));
    }
  }

  private void listNotifiers(Context ctx) {
    synchronized (store.lock()) {
      answers.send(ctx, 200, Map.of("notifiers", store.app(ctx).notifiers));
    }
  }

  /** Adds a notifier unless one of the same name exists, which is answered instead (200). */
  private void addNotifier(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      JsonNode body = bodies.wrapped(ctx, "notifier");
      String type = requiredText(body, "notifier", "type");
      String name = requiredText(body, "notifier", "name");
      String url = optionalText(body, "notifier", "url", RequestFields.MAX_URL);
      if (!NOTIFIER_TYPE.matcher(type).matches()) {
        throw ApiException.badRequest(
            "notifier.type must be a lowercase word such as webhook or email.");
      }
      if (url != null && !url.matches("^https?://[^\\s/]+\\S*$")) {
        throw ApiException.badRequest("notifier.url must be an absolute http or https URL.");
      }
      List<String> events = events(body.get("events"));
      Optional<Notifier> existing =
          app.notifiers.stream().filter(n -> n.name().equals(name)).findFirst();
      if (existing.isPresent()) {
        answers.send(ctx, 200, Map.of("notifier", existing.get()));
        return;
      }
      Notifier notifier = new Notifier("no-" + UUID.randomUUID(), type, name, url, events);
      app.notifiers.add(notifier);
      store.save();
      answers.send(ctx, 201, Map.of("notifier", notifier));
    }
  }

  private static List<String> events(JsonNode eventsNode) {
    List<String> events = new ArrayList<>();
    if (eventsNode == null || eventsNode.isNull()) {
      return events;
    }
    if (!eventsNode.isArray()) {
      throw ApiException.badRequest("notifier.events must be an array of strings.");
    }
    if (eventsNode.size() > MAX_EVENTS) {
      throw ApiException.badRequest("notifier.events holds at most " + MAX_EVENTS + " events.");
    }
    for (JsonNode e : eventsNode) {
      if (!e.isTextual() || e.asText().isBlank() || e.asText().length() > RequestFields.MAX_TEXT) {
        throw ApiException.badRequest("notifier.events must be an array of strings.");
      }
      events.add(e.asText());
    }
    return events;
  }

  private void removeNotifier(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      String id = ctx.pathParam("id");
      if (!app.notifiers.removeIf(n -> n.id().equals(id))) {
        throw ApiException.notFound("The app " + app.name + " has no notifier " + shown(id) + ".");
      }
      store.save();
      ctx.status(204);
    }
  }
}
