package io.regionmove.activities.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.AddonProvider;
import io.regionmove.regionapi.AppRedirect;
import io.regionmove.regionapi.AppSettings;
import io.regionmove.regionapi.Collaborator;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.Created;
import io.regionmove.regionapi.Domain;
import io.regionmove.regionapi.Notifier;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.Variable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Region API call of the client against a sandbox region. */
class RegionClientTest {

  private static SandboxRegions sandbox;
  private static RegionClient client;

  @BeforeAll
  static void startSandbox() {
    sandbox = SandboxRegions.get();
    client = sandbox.sourceClient();
  }

  @Test
  void createsFindsAndDeletesAnApp() {
    Created<RegionApp> created = client.createApp("client-app", "ref-1");
    assertTrue(created.isNew());
    assertEquals("client-app", created.value().name());
    assertEquals(RegionApp.STOPPED, created.value().status());
    assertEquals("ref-1", created.value().reference());
    assertEquals(sandbox.source.routerUrl("client-app"), created.value().url());

    Created<RegionApp> retried = client.createApp("client-app", "ref-1");
    assertFalse(retried.isNew());

    RegionApiException taken =
        assertThrows(RegionApiException.class, () -> client.createApp("client-app", "ref-2"));
    assertEquals(409, taken.status());
    assertTrue(taken.getMessage().startsWith("agora-fr1 answered 409: "), taken.getMessage());

    assertTrue(client.findApp("client-app").isPresent());
    assertTrue(client.deleteApp("client-app"));
    assertFalse(client.deleteApp("client-app"));
    assertTrue(client.findApp("client-app").isEmpty());
    assertEquals(
        404, assertThrows(RegionApiException.class, () -> client.getApp("client-app")).status());
  }

  @Test
  void freezesAndTheRegionThenRefusesChanges() {
    client.createApp("client-frozen", null);
    client.freeze("client-frozen");
    client.freeze("client-frozen");
    assertTrue(client.getApp("client-frozen").migrating());

    RegionApiException frozen =
        assertThrows(
            RegionApiException.class,
            () -> client.putVariables("client-frozen", List.of(new Variable("A", "b", false))));
    assertEquals(423, frozen.status());

    client.unfreeze("client-frozen");
    client.unfreeze("client-frozen");
    assertFalse(client.getApp("client-frozen").migrating());
    client.deleteApp("client-frozen");
  }

  @Test
  void readsAndChangesConfiguration() {
    String app = "client-config";
    client.createApp(app, null);

    client.updateSettings(app, new AppSettings(true, true));
    assertEquals(new AppSettings(true, true), client.getApp(app).settings());

    client.putVariables(app, List.of(new Variable("A", "1", false), new Variable("B", "2", false)));
    assertEquals(
        List.of("A", "B"),
        client.listVariables(app).stream().map(Variable::name).sorted().toList());
    assertTrue(client.deleteVariable(app, "A"));
    assertFalse(client.deleteVariable(app, "A"));

    client.addCollaborator(app, new Collaborator("carol+ops@example.com", Collaborator.ACCEPTED));
    assertEquals(
        List.of(new Collaborator("carol+ops@example.com", Collaborator.ACCEPTED)),
        client.listCollaborators(app));
    assertTrue(client.removeCollaborator(app, "carol+ops@example.com"));
    assertFalse(client.removeCollaborator(app, "carol+ops@example.com"));

    Domain domain =
        new Domain(
            "client.example.com",
            false,
            SandboxRegions.resource("shop-example-com.cert.pem"),
            SandboxRegions.resource("shop-example-com.key.pem"),
            null);
    Domain added = client.addDomain(app, domain);
    assertNotNull(added.tlscertExpiresAt());
    assertTrue(added.tlscertExpiresAt().isAfter(Instant.now()));
    assertEquals(added, client.addDomain(app, domain));
    assertEquals(List.of(added), client.listDomains(app));
    assertFalse(added.toString().contains("PRIVATE KEY"));
    assertTrue(client.removeDomain(app, "client.example.com"));
    assertFalse(client.removeDomain(app, "client.example.com"));

    Notifier notifier =
        client.addNotifier(
            app,
            new Notifier(null, "webhook", "ops", "https://hooks.example.com/x", List.of("deploy")));
    assertNotNull(notifier.id());
    assertEquals(notifier, client.addNotifier(app, notifier));
    assertEquals(List.of(notifier), client.listNotifiers(app));
    assertTrue(client.removeNotifier(app, notifier.id()));
    assertFalse(client.removeNotifier(app, notifier.id()));

    client.deleteApp(app);
  }

  @Test
  void scalesAndRedirects() {
    String app = "client-scale";
    client.createApp(app, null);
    client.scale(app, List.of(new Container("web", 2, "M")));
    assertEquals(List.of(new Container("web", 2, "M")), client.listContainers(app));
    assertEquals(RegionApp.RUNNING, client.getApp(app).status());
    client.scale(app, List.of(new Container("web", 0, "M")));
    assertEquals(RegionApp.STOPPED, client.getApp(app).status());

    Instant until = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    client.setRedirect(app, new AppRedirect("http://elsewhere.osc-fr1.localhost:1/", until));
    assertEquals(
        new AppRedirect("http://elsewhere.osc-fr1.localhost:1/", until),
        client.getApp(app).redirect());
    assertTrue(client.removeRedirect(app));
    assertNull(client.getApp(app).redirect());
    client.deleteApp(app);
  }

  @Test
  void removesOnlyAStoppedProcessType() {
    String app = "client-process-types";
    client.createApp(app, null);
    client.scale(app, List.of(new Container("web", 1, "M"), new Container("worker", 0, "S")));
    client.freeze(app);

    RegionApiException running =
        assertThrows(RegionApiException.class, () -> client.removeProcessType(app, "web"));
    assertEquals(409, running.status());
    assertTrue(client.removeProcessType(app, "worker"));
    assertFalse(client.removeProcessType(app, "worker"));
    assertFalse(client.removeProcessType("client-no-such-app", "web"));
    assertEquals(List.of(new Container("web", 1, "M")), client.listContainers(app));
    client.deleteApp(app);
  }

  @Test
  void provisionsAddonsOnlyWhenOffered() {
    String app = "client-addons";
    client.createApp(app, null);

    List<AddonProvider> providers = client.listAddonProviders();
    assertTrue(
        providers.stream()
            .anyMatch(p -> p.id().equals("postgresql") && p.versions().contains("15")));

    Created<RegionAddon> pg = client.createAddon(app, "postgresql", "starter-512", "15", "ref:pg");
    assertTrue(pg.isNew());
    assertFalse(client.createAddon(app, "postgresql", "starter-512", "15", "ref:pg").isNew());
    assertEquals(1, client.listAddons(app).size());
    assertNull(client.listAddons(app).get(0).url());
    RegionAddon withUrl = client.getAddon(app, pg.value().id());
    assertTrue(withUrl.url().startsWith("postgresql://"), "a postgresql URL");
    assertFalse(withUrl.toString().contains(withUrl.url()));
    assertTrue(
        client.listVariables(app).stream()
            .anyMatch(v -> v.generated() && v.name().equals("DATABASE_URL")));

    RegionApiException notOffered =
        assertThrows(
            RegionApiException.class,
            () -> client.createAddon(app, "postgresql", "starter-512", "9", "ref:old"));
    assertEquals(422, notOffered.status());

    assertTrue(client.deleteAddon(app, pg.value().id()));
    assertFalse(client.deleteAddon(app, pg.value().id()));
    assertTrue(client.listAddons(app).isEmpty());
    client.deleteApp(app);
  }

  @Test
  void aWrongTokenIsRefused() {
    RegionClient wrong =
        new RegionClient(
            new RegionConfig("agora-fr1", sandbox.source.apiUrl(), "not-the-token", null));
    RegionApiException e = assertThrows(RegionApiException.class, wrong::listAddonProviders);
    assertEquals(401, e.status());
  }
}
