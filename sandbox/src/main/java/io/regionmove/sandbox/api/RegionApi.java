package io.regionmove.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.AddonProvider;
import io.regionmove.sandbox.addons.AddonBackend;
import io.regionmove.sandbox.addons.AddonBackendException;
import io.regionmove.sandbox.addons.AddonBackends;
import io.regionmove.sandbox.addons.AddonBacking;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Collaborator;
import io.regionmove.sandbox.state.Container;
import io.regionmove.sandbox.state.Domain;
import io.regionmove.sandbox.state.Notifier;
import io.regionmove.sandbox.state.Redirect;
import io.regionmove.sandbox.state.RegionState;
import io.regionmove.sandbox.state.Settings;
import io.regionmove.sandbox.state.StateFile;
import io.regionmove.sandbox.state.StoredAddon;
import io.regionmove.sandbox.state.Variable;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /v1} routes of one region (see {@code region-api.yaml}). Every read and change happens
 * under one lock and every change is saved to the state file before it is answered.
 */
public final class RegionApi {

  private static final Logger log = LoggerFactory.getLogger(RegionApi.class);

  private static final Pattern APP_NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{1,47}$");
  private static final Pattern VARIABLE_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s/]+@[^@\\s/]+\\.[^@\\s/]+$");
  private static final Pattern HOSTNAME =
      Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");
  private static final Pattern PROCESS_TYPE = Pattern.compile("^[a-z][a-z0-9_-]{0,31}$");
  private static final List<String> SIZES = List.of("S", "M", "L", "XL", "2XL");
  private static final int MAX_AMOUNT = 100;
  private static final int MAX_PROCESS_TYPES = 32;

  /** The longest name, reference, email or other short text field. */
  private static final int MAX_TEXT = 255;

  private static final int MAX_URL = 2048;
  private static final int MAX_VARIABLE_VALUE = 64 * 1024;
  private static final int MAX_VARIABLES = 1000;
  private static final int MAX_PEM = 64 * 1024;
  private static final int MAX_EVENTS = 64;

  private final String region;
  private final RegionState state;
  private final StateFile file;
  private final List<AddonProvider> providers;
  private final AddonBackends backends;
  private final IntSupplier port;
  private final ObjectMapper json;
  private final Clock clock;
  private final JsonBodies bodies;
  private final Object lock = new Object();

  public RegionApi(
      String region,
      RegionState state,
      StateFile file,
      List<AddonProvider> providers,
      AddonBackends backends,
      IntSupplier port,
      ObjectMapper json,
      Clock clock) {
    this.region = region;
    this.state = state;
    this.file = file;
    this.providers = List.copyOf(providers);
    this.backends = backends;
    this.port = port;
    this.json = json;
    this.clock = clock;
    this.bodies = new JsonBodies(json);
  }

  public void register(Javalin app) {
    app.get("/v1/apps", this::listApps);
    app.post("/v1/apps", this::createApp);
    app.get("/v1/apps/{app}", this::getApp);
    app.delete("/v1/apps/{app}", this::deleteApp);
    app.put("/v1/apps/{app}/migrating", ctx -> setMigrating(ctx, true));
    app.delete("/v1/apps/{app}/migrating", ctx -> setMigrating(ctx, false));
    app.put("/v1/apps/{app}/settings", this::updateSettings);
    app.get("/v1/apps/{app}/variables", this::listVariables);
    app.put("/v1/apps/{app}/variables", this::upsertVariables);
    app.delete("/v1/apps/{app}/variables/{name}", this::deleteVariable);
    app.get("/v1/apps/{app}/collaborators", this::listCollaborators);
    app.post("/v1/apps/{app}/collaborators", this::addCollaborator);
    app.delete("/v1/apps/{app}/collaborators/{email}", this::removeCollaborator);
    app.get("/v1/apps/{app}/domains", this::listDomains);
    app.post("/v1/apps/{app}/domains", this::addDomain);
    app.delete("/v1/apps/{app}/domains/{name}", this::removeDomain);
    app.get("/v1/apps/{app}/notifiers", this::listNotifiers);
    app.post("/v1/apps/{app}/notifiers", this::addNotifier);
    app.delete("/v1/apps/{app}/notifiers/{id}", this::removeNotifier);
    app.get("/v1/apps/{app}/containers", this::listContainers);
    app.delete("/v1/apps/{app}/containers/{name}", this::removeProcessType);
    app.post("/v1/apps/{app}/scale", this::scale);
    app.get("/v1/apps/{app}/addons", this::listAddons);
    app.post("/v1/apps/{app}/addons", this::provisionAddon);
    app.get("/v1/apps/{app}/addons/{id}", this::getAddon);
    app.delete("/v1/apps/{app}/addons/{id}", this::deprovisionAddon);
    app.put("/v1/apps/{app}/redirect", this::setRedirect);
    app.delete("/v1/apps/{app}/redirect", this::removeRedirect);
    app.get("/v1/addon_providers", this::listAddonProviders);
  }

  /** What the router needs to know of an app, read under the lock. */
  public Optional<RouterView> routerView(String appName) {
    synchronized (lock) {
      AppState app = state.apps.get(appName);
      return app == null
          ? Optional.empty()
          : Optional.of(new RouterView(app.running(), app.redirect));
    }
  }

  public record RouterView(boolean running, Redirect redirect) {}

  // ---- apps

  private void listApps(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("apps", state.apps.values().stream().map(this::appView).toList()));
    }
  }

  private void createApp(Context ctx) {
    JsonNode body = body(ctx, "app");
    String name = requiredText(body, "app", "name");
    String reference = optionalText(body, "app", "reference");
    if (!APP_NAME.matcher(name).matches()) {
      throw ApiException.badRequest(
          "The app name '"
              + name
              + "' is invalid: use 2 to 48 lowercase letters,"
              + " digits and dashes, starting with a letter or digit.");
    }
    synchronized (lock) {
      AppState existing = state.apps.get(name);
      if (existing != null) {
        if (reference != null && reference.equals(existing.reference)) {
          send(ctx, 200, Map.of("app", appView(existing)));
          return;
        }
        throw new ApiException(
            409, "The app name '" + name + "' is already taken in region " + region + ".");
      }
      AppState app = new AppState();
      app.name = name;
      app.reference = reference;
      app.createdAt = clock.instant();
      state.apps.put(name, app);
      save();
      send(ctx, 201, Map.of("app", appView(app)));
    }
  }

  private void getApp(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("app", appView(app(ctx))));
    }
  }

  private void deleteApp(Context ctx) {
    synchronized (lock) {
      AppState app = app(ctx);
      for (StoredAddon addon : app.addons) {
        deprovisionBacking(addon);
      }
      state.apps.remove(app.name);
      save();
      ctx.status(204);
    }
  }

  private void setMigrating(Context ctx, boolean migrating) {
    synchronized (lock) {
      AppState app = app(ctx);
      if (app.migrating != migrating) {
        app.migrating = migrating;
        save();
      }
      send(ctx, 200, Map.of("app", appView(app)));
    }
  }

  private void updateSettings(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode settings = body(ctx, "settings");
      app.settings =
          new Settings(
              optionalBoolean(settings, "settings", "force_https", app.settings.forceHttps()),
              optionalBoolean(
                  settings, "settings", "sticky_session", app.settings.stickySession()));
      save();
      send(ctx, 200, Map.of("settings", app.settings));
    }
  }

  // ---- variables

  private void listVariables(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("variables", variables(app(ctx))));
    }
  }

  private void upsertVariables(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode list = bodyArray(ctx, "variables");
      Set<String> generated = generatedNames(app);
      List<Variable> given = new ArrayList<>();
      if (list.size() > MAX_VARIABLES) {
        throw ApiException.badRequest(
            "At most "
                + MAX_VARIABLES
                + " variables can be set in one request, not "
                + list.size()
                + ".");
      }
      for (JsonNode item : list) {
        String name = requiredText(item, "variables[]", "name");
        if (!VARIABLE_NAME.matcher(name).matches()) {
          throw ApiException.badRequest(
              "The variable name '"
                  + name
                  + "' is invalid: use letters, digits and underscores, not starting with a digit.");
        }
        JsonNode value = item.get("value");
        if (value == null || !value.isTextual()) {
          throw ApiException.badRequest(
              "variables[].value is required for " + name + " and must be a string.");
        }
        if (value.asText().length() > MAX_VARIABLE_VALUE) {
          throw ApiException.badRequest(
              "The value of " + name + " is longer than " + MAX_VARIABLE_VALUE + " characters.");
        }
        if (generated.contains(name)) {
          throw new ApiException(403, name + " is generated by an addon and cannot be set.");
        }
        given.add(new Variable(name, value.asText(), false));
      }
      long added =
          given.stream()
              .map(Variable::name)
              .distinct()
              .filter(n -> app.variables.stream().noneMatch(v -> v.name().equals(n)))
              .count();
      if (app.variables.size() + added > MAX_VARIABLES) {
        throw ApiException.badRequest(
            "An app holds at most "
                + MAX_VARIABLES
                + " variables; this request would"
                + " bring "
                + app.name
                + " to "
                + (app.variables.size() + added)
                + ".");
      }
      for (Variable v : given) {
        app.variables.removeIf(old -> old.name().equals(v.name()));
        app.variables.add(v);
      }
      save();
      send(ctx, 200, Map.of("variables", variables(app)));
    }
  }

  private void deleteVariable(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      String name = ctx.pathParam("name");
      if (generatedNames(app).contains(name)) {
        throw new ApiException(
            403,
            name
                + " is generated by an addon and cannot be deleted;"
                + " deprovision the addon instead.");
      }
      if (!app.variables.removeIf(v -> v.name().equals(name))) {
        throw ApiException.notFound(
            "The app " + app.name + " has no variable " + shown(name) + ".");
      }
      save();
      ctx.status(204);
    }
  }

  private List<Variable> variables(AppState app) {
    List<Variable> all = new ArrayList<>(app.variables);
    for (StoredAddon addon : app.addons) {
      String url = addonUrl(addon);
      if (url != null) {
        addon.variableNames().forEach(n -> all.add(new Variable(n, url, true)));
      }
    }
    all.sort(Comparator.comparing(Variable::name));
    return all;
  }

  private static Set<String> generatedNames(AppState app) {
    return app.addons.stream().flatMap(a -> a.variableNames().stream()).collect(Collectors.toSet());
  }

  // ---- collaborators

  private void listCollaborators(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("collaborators", app(ctx).collaborators));
    }
  }

  private void addCollaborator(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode body = body(ctx, "collaborator");
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
        send(ctx, 200, Map.of("collaborator", existing.get()));
        return;
      }
      Collaborator collaborator = new Collaborator(email, status);
      app.collaborators.add(collaborator);
      save();
      send(ctx, 201, Map.of("collaborator", collaborator));
    }
  }

  private void removeCollaborator(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      String email = ctx.pathParam("email").trim().toLowerCase(Locale.ROOT);
      if (!app.collaborators.removeIf(c -> c.email().equals(email))) {
        throw ApiException.notFound(
            "The app " + app.name + " has no collaborator " + shown(email) + ".");
      }
      save();
      ctx.status(204);
    }
  }

  // ---- domains

  private void listDomains(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("domains", app(ctx).domains));
    }
  }

  private void addDomain(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode body = body(ctx, "domain");
      String name = requiredText(body, "domain", "name").trim().toLowerCase(Locale.ROOT);
      boolean canonical = optionalBoolean(body, "domain", "canonical", false);
      String cert = optionalText(body, "domain", "tlscert", MAX_PEM);
      String key = optionalText(body, "domain", "tlskey", MAX_PEM);
      if (!HOSTNAME.matcher(name).matches()) {
        throw ApiException.badRequest("'" + name + "' is not a valid domain name.");
      }
      if ((cert == null) != (key == null)) {
        throw ApiException.badRequest("Give both domain.tlscert and domain.tlskey, or neither.");
      }
      Instant expiry = null;
      if (cert != null) {
        try {
          expiry = Pem.certificateExpiry(cert);
        } catch (CertificateException | RuntimeException e) {
          throw ApiException.badRequest("domain.tlscert is not a valid PEM X.509 certificate.");
        }
        if (!expiry.isAfter(clock.instant())) {
          throw ApiException.badRequest(
              "domain.tlscert expired on " + expiry + "; give a valid certificate.");
        }
        if (!Pem.looksLikePrivateKey(key)) {
          throw ApiException.badRequest("domain.tlskey is not a PEM private key.");
        }
      }
      Domain domain = new Domain(name, canonical, cert, key, expiry);
      Optional<Domain> existing =
          app.domains.stream().filter(d -> d.name().equals(name)).findFirst();
      if (existing.isPresent()) {
        if (existing.get().sameContentAs(domain)) {
          send(ctx, 200, Map.of("domain", existing.get()));
          return;
        }
        throw new ApiException(
            409,
            "The domain "
                + name
                + " already exists on app "
                + app.name
                + " with other settings; delete it first.");
      }
      if (canonical) {
        app.domains.replaceAll(
            d ->
                d.canonical()
                    ? new Domain(d.name(), false, d.tlscert(), d.tlskey(), d.tlscertExpiresAt())
                    : d);
      }
      app.domains.add(domain);
      save();
      send(ctx, 201, Map.of("domain", domain));
    }
  }

  private void removeDomain(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      String name = ctx.pathParam("name").toLowerCase(Locale.ROOT);
      if (!app.domains.removeIf(d -> d.name().equals(name))) {
        throw ApiException.notFound("The app " + app.name + " has no domain " + shown(name) + ".");
      }
      save();
      ctx.status(204);
    }
  }

  // ---- notifiers

  private void listNotifiers(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("notifiers", app(ctx).notifiers));
    }
  }

  private void addNotifier(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode body = body(ctx, "notifier");
      String type = requiredText(body, "notifier", "type");
      String name = requiredText(body, "notifier", "name");
      String url = optionalText(body, "notifier", "url", MAX_URL);
      if (!PROCESS_TYPE.matcher(type).matches()) {
        throw ApiException.badRequest(
            "notifier.type must be a lowercase word such as webhook or email.");
      }
      if (url != null && !url.matches("^https?://[^\\s/]+\\S*$")) {
        throw ApiException.badRequest("notifier.url must be an absolute http or https URL.");
      }
      List<String> events = new ArrayList<>();
      JsonNode eventsNode = body.get("events");
      if (eventsNode != null && !eventsNode.isNull()) {
        if (!eventsNode.isArray()) {
          throw ApiException.badRequest("notifier.events must be an array of strings.");
        }
        if (eventsNode.size() > MAX_EVENTS) {
          throw ApiException.badRequest("notifier.events holds at most " + MAX_EVENTS + " events.");
        }
        for (JsonNode e : eventsNode) {
          if (!e.isTextual() || e.asText().isBlank() || e.asText().length() > MAX_TEXT) {
            throw ApiException.badRequest("notifier.events must be an array of strings.");
          }
          events.add(e.asText());
        }
      }
      Optional<Notifier> existing =
          app.notifiers.stream().filter(n -> n.name().equals(name)).findFirst();
      if (existing.isPresent()) {
        send(ctx, 200, Map.of("notifier", existing.get()));
        return;
      }
      Notifier notifier = new Notifier("no-" + UUID.randomUUID(), type, name, url, events);
      app.notifiers.add(notifier);
      save();
      send(ctx, 201, Map.of("notifier", notifier));
    }
  }

  private void removeNotifier(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      String id = ctx.pathParam("id");
      if (!app.notifiers.removeIf(n -> n.id().equals(id))) {
        throw ApiException.notFound("The app " + app.name + " has no notifier " + shown(id) + ".");
      }
      save();
      ctx.status(204);
    }
  }

  // ---- containers

  private void listContainers(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("containers", app(ctx).formation));
    }
  }

  private void scale(Context ctx) {
    synchronized (lock) {
      AppState app = app(ctx);
      JsonNode list = bodyArray(ctx, "containers");
      List<Container> given = new ArrayList<>();
      for (JsonNode item : list) {
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
              "containers[].amount of "
                  + name
                  + " must be an integer from 0 to "
                  + MAX_AMOUNT
                  + ".");
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
        given.add(new Container(name, amount.asInt(), size));
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
      save();
      send(ctx, 200, Map.of("containers", app.formation));
    }
  }

  /** Removes a stopped process type (amount 0); allowed while frozen, like scaling. */
  private void removeProcessType(Context ctx) {
    synchronized (lock) {
      AppState app = app(ctx);
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
      save();
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

  // ---- addons

  private void listAddons(Context ctx) {
    synchronized (lock) {
      send(
          ctx,
          200,
          Map.of("addons", app(ctx).addons.stream().map(a -> addonView(a, false)).toList()));
    }
  }

  private void getAddon(Context ctx) {
    synchronized (lock) {
      send(ctx, 200, Map.of("addon", addonView(addon(app(ctx), ctx.pathParam("id")), true)));
    }
  }

  private void provisionAddon(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      JsonNode body = body(ctx, "addon");
      String provider = requiredText(body, "addon", "provider");
      String plan = requiredText(body, "addon", "plan");
      String version = requiredText(body, "addon", "version");
      String reference = optionalText(body, "addon", "reference");
      if (reference != null) {
        Optional<StoredAddon> same =
            app.addons.stream().filter(a -> reference.equals(a.reference())).findFirst();
        if (same.isPresent()) {
          send(ctx, 200, Map.of("addon", addonView(same.get(), false)));
          return;
        }
      }
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
      String id = "ad-" + UUID.randomUUID();
      StoredAddon addon;
      if (backends.needsServer(provider)) {
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
          backend.provision(backing);
        } catch (AddonBackendException e) {
          throw new ApiException(503, e.getMessage(), e);
        }
        List<String> names = backend.variableNames(generatedNames(app));
        addon =
            new StoredAddon(
                id,
                provider,
                plan,
                version,
                reference,
                backing.database(),
                backing.user(),
                backing.password(),
                names,
                clock.instant());
        app.variables.removeIf(v -> names.contains(v.name()));
      } else {
        addon =
            new StoredAddon(
                id,
                provider,
                plan,
                version,
                reference,
                null,
                null,
                null,
                List.of(),
                clock.instant());
      }
      app.addons.add(addon);
      save();
      log.info("Provisioned {} {} {} addon {} for app {}", provider, plan, version, id, app.name);
      send(ctx, 201, Map.of("addon", addonView(addon, false)));
    }
  }

  private void deprovisionAddon(Context ctx) {
    synchronized (lock) {
      AppState app = changeableApp(ctx);
      StoredAddon addon = addon(app, ctx.pathParam("id"));
      deprovisionBacking(addon);
      app.addons.remove(addon);
      save();
      ctx.status(204);
    }
  }

  private StoredAddon addon(AppState app, String id) {
    return app.addons.stream()
        .filter(a -> a.id().equals(id))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.notFound("The app " + app.name + " has no addon " + shown(id) + "."));
  }

  private void deprovisionBacking(StoredAddon addon) {
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

  /** The addon's connection URL; null for a metadata-only addon or one whose server is gone. */
  private String addonUrl(StoredAddon addon) {
    if (!addon.isBacked()) {
      return null;
    }
    return backends.of(addon.provider()).map(b -> b.url(addon.backing())).orElse(null);
  }

  private Map<String, Object> addonView(StoredAddon addon, boolean withUrl) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", addon.id());
    view.put("provider", addon.provider());
    view.put("plan", addon.plan());
    view.put("version", addon.version());
    view.put("status", "running");
    view.put("reference", addon.reference());
    view.put(
        "holds_data",
        providers.stream()
            .filter(p -> p.id().equals(addon.provider()))
            .findFirst()
            .map(AddonProvider::holdsData)
            .orElse(true));
    String url = withUrl ? addonUrl(addon) : null;
    if (url != null) {
      view.put("url", url);
    }
    return view;
  }

  private void listAddonProviders(Context ctx) {
    send(ctx, 200, Map.of("addon_providers", providers));
  }

  // ---- redirect

  private void setRedirect(Context ctx) {
    synchronized (lock) {
      AppState app = app(ctx);
      JsonNode body = body(ctx, "redirect");
      String to = requiredText(body, "redirect", "to", MAX_URL);
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
      save();
      send(ctx, 200, Map.of("redirect", app.redirect));
    }
  }

  private void removeRedirect(Context ctx) {
    synchronized (lock) {
      AppState app = app(ctx);
      if (app.redirect != null) {
        app.redirect = null;
        save();
      }
      ctx.status(204);
    }
  }

  // ---- helpers

  private AppState app(Context ctx) {
    String name = ctx.pathParam("app");
    AppState app = state.apps.get(name);
    if (app == null) {
      throw ApiException.notFound("No app named '" + shown(name) + "' in region " + region + ".");
    }
    return app;
  }

  /** The app of the path, refusing with 423 while it is frozen for a migration. */
  private AppState changeableApp(Context ctx) {
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

  private Map<String, Object> appView(AppState app) {
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

  private JsonNode body(Context ctx, String wrapper) {
    JsonNode inner = parse(ctx).get(wrapper);
    if (inner == null || !inner.isObject()) {
      throw ApiException.badRequest(
          "The request body must be a JSON object of the form {\"" + wrapper + "\":{...}}.");
    }
    return inner;
  }

  private JsonNode bodyArray(Context ctx, String wrapper) {
    JsonNode inner = parse(ctx).get(wrapper);
    if (inner == null || !inner.isArray() || inner.isEmpty()) {
      throw ApiException.badRequest(
          "The request body must be a JSON object of the form {\""
              + wrapper
              + "\":[...]} with at least one item.");
    }
    for (JsonNode item : inner) {
      if (!item.isObject()) {
        throw ApiException.badRequest("Each item of " + wrapper + " must be a JSON object.");
      }
    }
    return inner;
  }

  private JsonNode parse(Context ctx) {
    return bodies.object(ctx);
  }

  private static String requiredText(JsonNode node, String object, String field) {
    return requiredText(node, object, field, MAX_TEXT);
  }

  private static String requiredText(JsonNode node, String object, String field, int max) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw ApiException.badRequest(
          object + "." + field + " is required and must be a non-empty string.");
    }
    return checked(value.asText(), object, field, max);
  }

  private static String optionalText(JsonNode node, String object, String field) {
    return optionalText(node, object, field, MAX_TEXT);
  }

  private static String optionalText(JsonNode node, String object, String field, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest(object + "." + field + " must be a string.");
    }
    return checked(value.asText(), object, field, max);
  }

  /** Short fields hold no control characters at all; long ones (PEM texts, URLs) no NUL. */
  private static String checked(String text, String object, String field, int max) {
    if (text.length() > max) {
      throw ApiException.badRequest(
          object + "." + field + " is longer than " + max + " characters.");
    }
    boolean control =
        max <= MAX_TEXT ? text.chars().anyMatch(Character::isISOControl) : text.indexOf('\0') >= 0;
    if (control) {
      throw ApiException.badRequest(object + "." + field + " must not contain control characters.");
    }
    return text;
  }

  /**
   * A text from the request as an error message may quote it: no control characters, at most 64
   * characters.
   */
  public static String shown(String text) {
    String clean =
        text.codePoints()
            .map(c -> Character.isISOControl(c) ? '?' : c)
            .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString();
    return clean.length() <= 64 ? clean : clean.substring(0, 61) + "...";
  }

  private static boolean optionalBoolean(
      JsonNode node, String object, String field, boolean fallback) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw ApiException.badRequest(object + "." + field + " must be true or false.");
    }
    return value.asBoolean();
  }

  private void save() {
    file.save(state);
  }

  private void send(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Could not write the answer as JSON", e);
    }
  }
}
