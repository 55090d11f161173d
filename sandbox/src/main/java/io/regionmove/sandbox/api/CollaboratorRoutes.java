package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Collaborator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** An app's collaborators, by email, {@code pending} or {@code accepted}. */
final class CollaboratorRoutes {

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s/]+@[^@\\s/]+\\.[^@\\s/]+$");

  private final RegionStore store;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  CollaboratorRoutes(RegionStore store, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get("/v1/apps/{app}/collaborators", this::listCollaborators);
    app.post("/v1/apps/{app}/collaborators", this::addCollaborator);
    app.delete("/v1/apps/{app}/collaborators/{email}", this::removeCollaborator);
  }

  private void listCollaborators(Context ctx) {
    synchronized (store.lock()) {
      answers.send(ctx, 200, Map.of("collaborators", store.app(ctx).collaborators));
    }
  }

  private void addCollaborator(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      JsonNode body = bodies.wrapped(ctx, "collaborator");
      String email = requiredText(body, "collaborator", "email").trim().toLowerCase(Locale.ROOT);
      String status =
          Optional.ofNullable(optionalText(body, "collaborator", "status"))
              .orElse(Collaborator.PENDING);
      if (!EMAIL.matcher(email).matches()) {
        throw ApiException.badRequest("'" + email + "' is not an email address.");
      }
      if (!status.equals(Collaborator.PENDING) && !status.equals(Collaborator.ACCEPTED)) {
        throw ApiException.badRequest(
            "collaborator.status must be pending or accepted, not '" + status + "'.");
      }
      Optional<Collaborator> existing =
          app.collaborators.stream().filter(c -> c.email().equals(email)).findFirst();
      if (existing.isPresent()) {
        answers.send(ctx, 200, Map.of("collaborator", existing.get()));
        return;
      }
      Collaborator collaborator = new Collaborator(email, status);
      app.collaborators.add(collaborator);
      store.save();
      answers.send(ctx, 201, Map.of("collaborator", collaborator));
    }
  }

  private void removeCollaborator(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      String email = ctx.pathParam("email").trim().toLowerCase(Locale.ROOT);
      if (!app.collaborators.removeIf(c -> c.email().equals(email))) {
        throw ApiException.notFound(
            "The app " + app.name + " has no collaborator " + shown(email) + ".");
      }
      store.save();
      ctx.status(204);
    }
  }
}
