package io.regionmove.sandbox.api;

import static io.regionmove.sandbox.api.RequestFields.optionalBoolean;
import static io.regionmove.sandbox.api.RequestFields.optionalText;
import static io.regionmove.sandbox.api.RequestFields.requiredText;
import static io.regionmove.sandbox.api.RequestFields.shown;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.regionmove.sandbox.state.AppState;
import io.regionmove.sandbox.state.Domain;
import java.security.cert.CertificateException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An app's custom domains, at most one canonical, each with an optional TLS certificate and key (a
 * certificate must parse and must not have expired).
 */
final class DomainRoutes {

  private static final Pattern HOSTNAME =
      Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");
  private static final int MAX_PEM = 64 * 1024;

  private final RegionStore store;
  private final JsonBodies bodies;
  private final JsonAnswers answers;

  DomainRoutes(RegionStore store, JsonBodies bodies, JsonAnswers answers) {
    this.store = store;
    this.bodies = bodies;
    this.answers = answers;
  }

  void register(Javalin app) {
    app.get("/v1/apps/{app}/domains", this::listDomains);
    app.post("/v1/apps/{app}/domains", this::addDomain);
    app.delete("/v1/apps/{app}/domains/{name}", this::removeDomain);
  }

  private void listDomains(Context ctx) {
    synchronized (store.lock()) {
      answers.send(ctx, 200, Map.of("domains", store.app(ctx).domains));
    }
  }

  private void addDomain(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      Domain domain = domain(bodies.wrapped(ctx, "domain"));
      String name = domain.name();
      Optional<Domain> existing =
          app.domains.stream().filter(d -> d.name().equals(name)).findFirst();
      if (existing.isPresent()) {
        if (existing.get().sameContentAs(domain)) {
          answers.send(ctx, 200, Map.of("domain", existing.get()));
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
      if (domain.canonical()) {
        app.domains.replaceAll(
            d ->
                d.canonical()
                    ? new Domain(d.name(), false, d.tlscert(), d.tlskey(), d.tlscertExpiresAt())
                    : d);
      }
      app.domains.add(domain);
      store.save();
      answers.send(ctx, 201, Map.of("domain", domain));
    }
  }

  private Domain domain(JsonNode body) {
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
      if (!expiry.isAfter(store.clock().instant())) {
        throw ApiException.badRequest(
            "domain.tlscert expired on " + expiry + "; give a valid certificate.");
      }
      if (!Pem.looksLikePrivateKey(key)) {
        throw ApiException.badRequest("domain.tlskey is not a PEM private key.");
      }
    }
    return new Domain(name, canonical, cert, key, expiry);
  }

  private void removeDomain(Context ctx) {
    synchronized (store.lock()) {
      AppState app = store.changeableApp(ctx);
      String name = ctx.pathParam("name").toLowerCase(Locale.ROOT);
      if (!app.domains.removeIf(d -> d.name().equals(name))) {
        throw ApiException.notFound("The app " + app.name + " has no domain " + shown(name) + ".");
      }
      store.save();
      ctx.status(204);
    }
  }
}
