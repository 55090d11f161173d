package io.regionmove.activities.region;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.regionapi.AppSettings;
import io.regionmove.regionapi.Collaborator;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.Domain;
import io.regionmove.regionapi.Json;
import io.regionmove.regionapi.Notifier;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Variable;
import io.regionmove.sandbox.AddonServers;
import io.regionmove.sandbox.SandboxOptions;
import io.regionmove.sandbox.SandboxRegion;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.redis.LocalRedis;
import io.regionmove.sandbox.redis.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two sandbox regions on loopback ports with temporary state, each with its own PostgreSQL cluster,
 * and one Redis server, shared by the tests of one JVM. Without PostgreSQL binaries (or {@code
 * REGIONMOVE_PG_URL}) or redis-server the tests fail.
 */
final class SandboxRegions {

  static final String SOURCE = "agora-fr1";
  static final String DESTINATION = "osc-fr1";
  static final String SECRET_VALUE = "s3cr3t-value-that-must-never-leak";
  static final String NOTIFIER_SECRET = "hook-t0ken-never-shown";

  private static SandboxRegions shared;

  final SandboxRegion source;
  final SandboxRegion destination;
  final Regions regions;

  private SandboxRegions(SandboxRegion source, SandboxRegion destination) {
    this.source = source;
    this.destination = destination;
    this.regions = Regions.of(config(source), config(destination));
  }

  static synchronized SandboxRegions get() {
    if (shared == null) {
      try {
        Path state = Files.createTempDirectory("regionmove-region-test");
        RedisServer redis = LocalRedis.forTests();
        SandboxRegion source =
            SandboxRegion.start(
                SandboxOptions.defaults(
                    SOURCE,
                    0,
                    state,
                    AddonServers.postgres(LocalPostgres.forTests(SOURCE)).withRedis(redis)));
        SandboxRegion destination =
            SandboxRegion.start(
                SandboxOptions.defaults(
                    DESTINATION,
                    0,
                    state,
                    AddonServers.postgres(LocalPostgres.forTests(DESTINATION)).withRedis(redis)));
        shared = new SandboxRegions(source, destination);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      source.close();
                      destination.close();
                    }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private static RegionConfig config(SandboxRegion region) {
    return new RegionConfig(
        region.name(),
        region.apiUrl(),
        region.token(),
        "http://" + region.name() + ".localhost:" + region.port());
  }

  RegionClient sourceClient() {
    return new RegionClient(regions.get(SOURCE));
  }

  RegionClient destinationClient() {
    return new RegionClient(regions.get(DESTINATION));
  }

  static String resource(String name) {
    try (InputStream in = SandboxRegions.class.getResourceAsStream("/region/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource /region/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Seeds a running source app like the SPEC §6 sample: two process types, variables (one a
   * secret), an accepted and a pending collaborator, a custom domain with its TLS certificate,
   * settings, a webhook notifier whose URL holds a token, a postgresql and a redis addon.
   */
  static void seedSourceApp(RegionClient client, String app) {
    client.createApp(app, null);
    client.putVariables(
        app,
        List.of(
            new Variable("GREETING", "hello", false),
            new Variable("SECRET_KEY", SECRET_VALUE, false)));
    client.addCollaborator(app, new Collaborator("alice@example.com", Collaborator.ACCEPTED));
    client.addCollaborator(app, new Collaborator("bob@example.com", Collaborator.PENDING));
    client.addDomain(
        app,
        new Domain(
            app + ".example.com",
            true,
            resource("shop-example-com.cert.pem"),
            resource("shop-example-com.key.pem"),
            null));
    client.updateSettings(app, new AppSettings(true, false));
    client.addNotifier(
        app,
        new Notifier(
            null,
            "webhook",
            "deploys",
            "https://hooks.example.com/" + NOTIFIER_SECRET,
            List.of("deploy")));
    client.createAddon(app, "postgresql", "starter-512", "15", null);
    client.createAddon(app, "redis", "starter-256", "7", null);
    client.scale(app, List.of(new Container("web", 2, "M"), new Container("worker", 1, "S")));
  }

  /**
   * Everything the Region API shows of an app, as JSON, secrets included, so two states can be
   * compared exactly; {@code "absent"} when the app does not exist.
   */
  static String snapshot(RegionClient client, String app) {
    Optional<RegionApp> found = client.findApp(app);
    if (found.isEmpty()) {
      return "absent";
    }
    RegionApp view = found.get();
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("status", view.status());
    state.put("migrating", view.migrating());
    state.put("reference", view.reference());
    state.put("settings", view.settings());
    state.put("redirect", view.redirect());
    state.put("formation", client.listContainers(app));
    state.put(
        "variables",
        client.listVariables(app).stream().sorted(Comparator.comparing(Variable::name)).toList());
    state.put("collaborators", client.listCollaborators(app));
    state.put("domains", client.listDomains(app));
    state.put("notifiers", client.listNotifiers(app));
    state.put(
        "addons", client.listAddons(app).stream().map(a -> client.getAddon(app, a.id())).toList());
    try {
      return Json.mapper().writeValueAsString(state);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
