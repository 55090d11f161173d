package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalBoolean;
import static io.regionmove.sandbox.api.RequestFields.requiredText;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.postgres.LogicalReplication;
import io.regionmove.sandbox.postgres.LogicalReplication.RefusedException;
import io.regionmove.sandbox.postgres.LogicalReplication.SourceReport;
import io.regionmove.sandbox.postgres.LogicalReplication.SubscriptionSpec;
import io.regionmove.sandbox.postgres.LogicalReplication.SubscriptionState;
import io.regionmove.sandbox.state.StoredAddon;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Live replication of postgresql addons, the privileged parts a platform's database API does for
 * the addon's owner: on the source, {@code /replication-source} gives the addon's role the {@code
 * REPLICATION} attribute (and takes it back, dropping every slot of its database); on the
 * destination, {@code /replication} is the subscription that replicates a source addon into this
 * one, which only a superuser may create on PostgreSQL 15. Both are allowed while the app is frozen
 * for its migration: they are part of it.
 *
 * <p>The database work runs outside the region's lock: it may wait on the other region's server.
 */
final class ReplicationRoutes {

  private static final String SOURCE = "/v1/apps/{app}/addons/{id}/replication-source";
  private static final String REPLICATION = "/v1/apps/{app}/addons/{id}/replication";

  private final RegionStore store;
  private final LogicalReplication replication;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  /**
   * @param replication the region's PostgreSQL server's replication; null when it has no server
   */
  ReplicationRoutes(
      RegionStore store, LogicalReplication replication, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.replication = replication;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get(SOURCE, this::getSource);
    app.put(SOURCE, this::allowSource);
    app.delete(SOURCE, this::disallowSource);
    app.put(REPLICATION, this::subscribe);
    app.get(REPLICATION, this::getReplication);
    app.patch(REPLICATION, this::setEnabled);
    app.delete(REPLICATION, this::unsubscribe);
  }

  private void getSource(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    SourceReport report = database(() -> replication.sourceReport(addon.database(), addon.role()));
    answers.send(ctx, 200, Map.of("replication_source", report));
  }

  private void allowSource(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    SourceReport report =
        database(() -> replication.allowReplication(addon.database(), addon.role()));
    answers.send(ctx, 200, Map.of("replication_source", report));
  }

  private void disallowSource(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    database(
        () -> {
          replication.disallowReplication(addon.database(), addon.role());
          return null;
        });
    ctx.status(204);
  }

  private void subscribe(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    JsonNode body = bodies.wrapped(ctx, "replication");
    SubscriptionSpec spec =
        new SubscriptionSpec(
            requiredText(body, "replication", "source_url", RequestFields.MAX_URL),
            requiredText(body, "replication", "publication"),
            requiredText(body, "replication", "subscription"),
            requiredText(body, "replication", "slot"),
            optionalBoolean(body, "replication", "copy_data", true));
    boolean created = database(() -> replication.subscribe(addon.database(), spec));
    SubscriptionState state = database(() -> replication.state(addon.database())).orElseThrow();
    answers.send(ctx, created ? 201 : 200, Map.of("replication", state));
  }

  private void getReplication(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    Optional<SubscriptionState> state = database(() -> replication.state(addon.database()));
    answers.send(ctx, 200, Map.of("replication", state.orElseThrow(() -> none(addon))));
  }

  private void setEnabled(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    JsonNode body = bodies.wrapped(ctx, "replication");
    JsonNode enabled = body.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw ApiException.badRequest("replication.enabled is required and must be true or false.");
    }
    Optional<SubscriptionState> state =
        database(() -> replication.setEnabled(addon.database(), enabled.asBoolean()));
    answers.send(ctx, 200, Map.of("replication", state.orElseThrow(() -> none(addon))));
  }

  private void unsubscribe(Context ctx) {
    StoredAddon addon = postgresqlAddon(ctx);
    database(() -> replication.unsubscribe(addon.database()));
    ctx.status(204);
  }

  /** The postgresql addon of the path, read under the lock; 404 unknown, 422 another provider. */
  private StoredAddon postgresqlAddon(Context ctx) {
    StoredAddon addon;
    synchronized (store.lock()) {
      addon = AddonRoutes.addon(store.app(ctx), ctx.pathParam("id"));
    }
    if (!("postgresql".equals(addon.provider()) && addon.isBacked())) {
      throw new ApiException(
          422,
          "Only postgresql addons replicate; addon "
              + addon.id()
              + " is a "
              + addon.provider()
              + " addon.");
    }
    if (replication == null) {
      throw new ApiException(
          422, "Region " + store.region() + " has no PostgreSQL server to replicate with.");
    }
    return addon;
  }

  private static ApiException none(StoredAddon addon) {
    return ApiException.notFound("Addon " + addon.id() + " replicates from no source.");
  }

  private interface DatabaseWork<T> {
    T run() throws SQLException;
  }

  /**
   * Runs database work: a refusal is 409 or 422, a database error 503 (the source may be out of
   * reach for a while: retry).
   */
  private static <T> T database(DatabaseWork<T> work) {
    try {
      return work.run();
    } catch (RefusedException e) {
      throw new ApiException(e.conflict() ? 409 : 422, e.getMessage());
    } catch (SQLException e) {
      throw new ApiException(503, "The addon's database could not do it now: " + e.getMessage(), e);
    }
  }
}
