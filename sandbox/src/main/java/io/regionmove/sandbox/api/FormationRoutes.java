package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An app's formation: its containers, scaling (stop = every amount 0) and removing a stopped
 * process type. Both are allowed while the app is frozen: a migration stops and starts apps.
 */
final class FormationRoutes {

  private static final Pattern PROCESS_TYPE = Pattern.compile("^[a-z][a-z0-9_-]{0,31}$");
  private static final List<String> SIZES = List.of("S", "M", "L", "XL", "2XL");
  private static final int MAX_AMOUNT = 100;
  private static final int MAX_PROCESS_TYPES = 32;

  private final RegionStore store;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  FormationRoutes(RegionStore store, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get("/v1/apps/{app}/containers", this::listContainers);
    app.delete("/v1/apps/{app}/containers/{name}", this::removeProcessType);
    app.post("/v1/apps/{app}/scale", this::scale);
  }

  private void listContainers(Context ctx) {
    synchronized (store.lock()) {
      answers.send(ctx, 200, Map.of("containers", store.app(ctx).formation));
    }
  }

  private void scale(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      JsonNode list = bodies.wrappedList(ctx, "containers");
      List<Container> given = new ArrayList<>();
      for (JsonNode item : list) {
        given.add(container(app, item));
      }
      long newTypes =
          given.stream()
              .map(Container::name)
              .distinct()
              .filter(n -> indexOf(app.formation, n) < 0)
              .count();
      if (app.formation.size() + newTypes > MAX_PROCESS_TYPES) {
        throw ApiException.badRequest(
            "An app has at most " + MAX_PROCESS_TYPES + " process types.");
      }
      for (Container c : given) {
        int at = indexOf(app.formation, c.name());
        if (at >= 0) {
          app.formation.set(at, c);
        } else {
          app.formation.add(c);
        }
      }
      store.save();
      answers.send(ctx, 200, Map.of("containers", app.formation));
    }
  }

  /** One item of a scale request; an omitted size keeps the current one, else M. */
  private static Container container(AppState app, JsonNode item) {
    String name = requiredText(item, "containers[]", "name");
    JsonNode amount = item.get("amount");
    if (!PROCESS_TYPE.matcher(name).matches()) {
      throw ApiException.badRequest(
          "The process type '"
              + name
              + "' is invalid: use lowercase letters,"
              + " digits, '-' and '_', starting with a letter.");
    }
    if (amount == null
        || !amount.canConvertToInt()
        || !amount.isIntegralNumber()
        || amount.asInt() < 0
        || amount.asInt() > MAX_AMOUNT) {
      throw ApiException.badRequest(
          "containers[].amount of " + name + " must be an integer from 0 to " + MAX_AMOUNT + ".");
    }
    String size =
        Optional.ofNullable(optionalText(item, "containers[]", "size"))
            .or(
                () ->
                    app.formation.stream()
                        .filter(c -> c.name().equals(name))
                        .map(Container::size)
                        .findFirst())
            .orElse("M");
    if (!SIZES.contains(size)) {
      throw ApiException.badRequest(
          "The container size '"
              + size
              + "' of "
              + name
              + " is not offered; use one of "
              + String.join(", ", SIZES)
              + ".");
    }
    return new Container(name, amount.asInt(), size);
  }

  /** Removes a stopped process type (amount 0); allowed while frozen, like scaling. */
  private void removeProcessType(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.app(ctx);
      String name = ctx.pathParam("name");
      int at = indexOf(app.formation, name);
      if (at < 0) {
        throw ApiException.notFound(
            "The app " + app.name + " has no process type " + shown(name) + ".");
      }
      Container container = app.formation.get(at);
      if (container.amount() != 0) {
        throw new ApiException(
            409,
            "The process type "
                + container.name()
                + " of "
                + app.name
                + " runs "
                + container.amount()
                + " container"
                + (container.amount() == 1 ? "" : "s")
                + "; scale it to 0 before removing it.");
      }
      app.formation.remove(at);
      store.save();
      ctx.status(204);
    }
  }

  private static int indexOf(List<Container> formation, String name) {
    for (int i = 0; i < formation.size(); i++) {
      if (formation.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
