package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.AddonProvider;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.StoredAddon;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's addons and the providers the region offers. An addon of a provider with a server
 * (postgresql, mysql, redis) is a real database on it (see {@link AddonDatabases}); other providers
 * keep metadata only. A provision that names a {@code reference} already used by one of the app's
 * addons answers that addon (200).
 */
final class AddonRoutes {

  private static final Logger log = LoggerFactory.getLogger(AddonRoutes.class);

  private final RegionStore store;
  private final List<AddonProvider> providers;
  private final AddonDatabases databases;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  AddonRoutes(
      RegionStore store,
      List<AddonProvider> providers,
      AddonDatabases databases,
      JsonBodies bodies,
      JsonAnswers answers) {
    this.store = store;
    this.providers = List.copyOf(providers);
    this.databases = databases;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get("/v1/apps/{app}/addons", this::listAddons);
    app.post("/v1/apps/{app}/addons", this::provisionAddon);
    app.get("/v1/apps/{app}/addons/{id}", this::getAddon);
    app.delete("/v1/apps/{app}/addons/{id}", this::deprovisionAddon);
    app.get("/v1/addon_providers", this::listAddonProviders);
  }

  private void listAddons(Context ctx) {
    synchronized (store.lock()) {
      answers.send(
          ctx,
          200,
          Map.of("addons", store.app(ctx).addons.stream().map(a -> view(a, false)).toList()));
    }
  }

  private void getAddon(Context ctx) {
    synchronized (store.lock()) {
      answers.send(
          ctx, 200, Map.of("addon", view(addon(store.app(ctx), ctx.pathParam("id")), true)));
    }
  }

  private void provisionAddon(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      JsonNode body = bodies.wrapped(ctx, "addon");
      String provider = requiredText(body, "addon", "provider");
      String plan = requiredText(body, "addon", "plan");
      String version = requiredText(body, "addon", "version");
      String reference = optionalText(body, "addon", "reference");
      if (reference != null) {
        Optional<StoredAddon> same =
            app.addons.stream().filter(a -> reference.equals(a.reference())).findFirst();
        if (same.isPresent()) {
          answers.send(ctx, 200, Map.of("addon", view(same.get(), false)));
          return;
        }
      }
      checkOffered(provider, plan, version);
      StoredAddon addon =
          new StoredAddon(
              "ad-" + UUID.randomUUID(),
              provider,
              plan,
              version,
              reference,
              null,
              null,
              null,
              List.of(),
              store.clock().instant());
      if (databases.backed(provider)) {
        addon = databases.create(app, addon);
        List<String> names = addon.variableNames();
        app.variables.removeIf(v -> names.contains(v.name()));
      }
      app.addons.add(addon);
      store.save();
      log.info(
          "Provisioned {} {} {} addon {} for app {}",
          provider,
          plan,
          version,
          addon.id(),
          app.name);
      answers.send(ctx, 201, Map.of("addon", view(addon, false)));
    }
  }

  /** 422 unless the region offers this provider, plan and version. */
  private void checkOffered(String provider, String plan, String version) {
    String region = store.region();
    AddonProvider offered =
        providers.stream()
            .filter(p -> p.id().equals(provider))
            .findFirst()
            .orElseThrow(
                () ->
                    new ApiException(
                        422,
                        "The addon provider '"
                            + provider
                            + "' is not offered in region "
                            + region
                            + "; offered: "
                            + providers.stream()
                                .map(AddonProvider::id)
                                .collect(Collectors.joining(", "))
                            + "."));
    if (!offered.plans().contains(plan)) {
      throw new ApiException(
          422,
          "The plan '"
              + plan
              + "' of "
              + provider
              + " is not offered in region "
              + region
              + "; offered: "
              + String.join(", ", offered.plans())
              + ".");
    }
    if (!offered.versions().contains(version)) {
      throw new ApiException(
          422,
          "The version '"
              + version
              + "' of "
              + provider
              + " is not offered in region "
              + region
              + "; offered: "
              + String.join(", ", offered.versions())
              + ".");
    }
  }

  private void deprovisionAddon(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      StoredAddon addon = addon(app, ctx.pathParam("id"));
      databases.drop(addon);
      app.addons.remove(addon);
      store.save();
      ctx.status(204);
    }
  }

  static StoredAddon addon(AppState app, String id) {
    return app.addons.stream()
        .filter(a -> a.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound("The app " + app.name + " has no addon " + shown(id) + "."));
  }

  /** The addon as the API shows it; with {@code withUrl}, a backed addon's connection URL. */
  private Map<String, Object> view(StoredAddon addon, boolean withUrl) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", addon.id());
    view.put("provider", addon.provider());
    view.put("plan", addon.plan());
    view.put("version", addon.version());
    view.put("status", "running");
    view.put("reference", addon.reference());
    view.put("holds_data", holdsData(addon.provider()));
    String url = withUrl ? databases.url(addon) : null;
    if (url != null) {
      view.put("url", url);
    }
    return view;
  }

  /** As the provider catalogue says; a provider no longer offered, as the known databases are. */
  private boolean holdsData(String provider) {
    return providers.stream()
        .filter(p -> p.id().equals(provider))
        .findFirst()
        .map(AddonProvider::holdsData)
        .orElse(AddonProvider.DATA_PROVIDERS.contains(provider));
  }

  private void listAddonProviders(Context ctx) {
    answers.send(ctx, 200, Map.of("addon_providers", providers));
  }
}
