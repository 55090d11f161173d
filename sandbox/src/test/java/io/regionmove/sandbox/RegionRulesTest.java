package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.SandboxFixture.Answer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionRulesTest {

  @TempDir static Path stateDir;
  static SandboxFixture region;

  @BeforeAll
  static void start() {
    region = SandboxFixture.start(stateDir);
  }

  @AfterAll
  static void stop() {
    region.close();
  }

  @Test
  void aFrozenAppRefusesEveryConfigAndAddonChangeWith423() {
    region.createApp("frozen");
    String base = "/v1/apps/frozen";
    region.expect(
        201,
        "POST",
        base + "/collaborators",
        Map.of("collaborator", Map.of("email", "x@example.com")));
    region.expect(
        201, "POST", base + "/domains", Map.of("domain", Map.of("name", "frozen.example.com")));
    String notifier =
        region
            .expect(
                201,
                "POST",
                base + "/notifiers",
                Map.of("notifier", Map.of("type", "email", "name", "n")))
            .at("/notifier/id")
            .asText();
    String addon =
        region
            .expect(
                201,
                "POST",
                base + "/addons",
                Map.of("addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7")))
            .at("/addon/id")
            .asText();
    region.expect(
        200,
        "PUT",
        base + "/variables",
        Map.of("variables", List.of(Map.of("name", "A", "value", "1"))));

    JsonNode frozen = region.expect(200, "PUT", base + "/migrating", null);
    assertTrue(frozen.at("/app/migrating").asBoolean());
    region.expect(200, "PUT", base + "/migrating", null); // idempotent

    List<Answer> refused =
        List.of(
            region.call(
                "PUT",
                base + "/variables",
                Map.of("variables", List.of(Map.of("name", "B", "value", "2")))),
            region.call("DELETE", base + "/variables/A"),
            region.call(
                "POST",
                base + "/collaborators",
                Map.of("collaborator", Map.of("email", "y@example.com"))),
            region.call("DELETE", base + "/collaborators/x@example.com"),
            region.call(
                "POST",
                base + "/domains",
                Map.of("domain", Map.of("name", "www.frozen.example.com"))),
            region.call("DELETE", base + "/domains/frozen.example.com"),
            region.call("PUT", base + "/settings", Map.of("settings", Map.of("force_https", true))),
            region.call(
                "POST",
                base + "/notifiers",
                Map.of("notifier", Map.of("type", "email", "name", "m"))),
            region.call("DELETE", base + "/notifiers/" + notifier),
            region.call(
                "POST",
                base + "/addons",
                Map.of(
                    "addon", Map.of("provider", "redis", "plan", "starter-256", "version", "7"))),
            region.call("DELETE", base + "/addons/" + addon));
    for (Answer answer : refused) {
      assertEquals(423, answer.status(), answer::toString);
      assertTrue(answer.json().path("error").asText().contains("being migrated"), answer::toString);
    }
    // reads, scaling and the redirect still work while frozen
    region.expect(200, "GET", base + "/variables", null);
    region.expect(200, "POST", base + "/scale", SandboxFixture.scaleTo("web", 0));
    region.expect(
        200,
        "PUT",
        base + "/redirect",
        Map.of("redirect", Map.of("to", "http://x.example.com/", "until", "2099-01-01T00:00:00Z")));
    region.expect(204, "DELETE", base + "/redirect", null);

    assertFalse(
        region.expect(200, "DELETE", base + "/migrating", null).at("/app/migrating").asBoolean());
    region.expect(200, "DELETE", base + "/migrating", null); // idempotent
    region.expect(
        200,
        "PUT",
        base + "/variables",
        Map.of("variables", List.of(Map.of("name", "B", "value", "2"))));
  }

  @Test
  void aFrozenAppCanStillBeDeleted() {
    region.createApp("frozen-gone");
    region.freeze("frozen-gone");
    region.expect(204, "DELETE", "/v1/apps/frozen-gone", null);
    region.expect(404, "GET", "/v1/apps/frozen-gone", null);
  }

  @Test
  void aMissingOrWrongTokenIsRefusedWith401() {
    Answer missing = region.callAs(null, "GET", "/v1/apps", null);
    Answer wrong = region.callAs("nope", "GET", "/v1/addon_providers", null);
    assertEquals(401, missing.status());
    assertEquals(401, wrong.status());
    assertFalse(missing.json().path("error").asText().isBlank());
    assertFalse(wrong.json().path("error").asText().isBlank());
  }

  @Test
  void aTakenNameAnswers409UnlessTheSameReferenceRetries() {
    Map<String, Object> first = Map.of("app", Map.of("name", "taken", "reference", "migration-1"));
    JsonNode created = region.expect(201, "POST", "/v1/apps", first).get("app");
    assertEquals("stopped", created.get("status").asText());
    assertEquals(0, created.get("formation").size());
    assertEquals("migration-1", created.get("reference").asText());

    assertEquals(created, region.expect(200, "POST", "/v1/apps", first).get("app"));
    region.expect(
        409,
        "POST",
        "/v1/apps",
        Map.of("app", Map.of("name", "taken", "reference", "migration-2")));
    region.expect(409, "POST", "/v1/apps", Map.of("app", Map.of("name", "taken")));
  }

  @Test
  void addonsAreIdempotentByReferenceAndCheckedAgainstTheOffer() {
    region.createApp("addons");
    String path = "/v1/apps/addons/addons";
    Map<String, Object> body =
        Map.of(
            "addon",
            Map.of("provider", "redis", "plan", "starter-256", "version", "7", "reference", "r"));
    String id = region.expect(201, "POST", path, body).at("/addon/id").asText();
    assertEquals(id, region.expect(200, "POST", path, body).at("/addon/id").asText());
    assertEquals(1, region.expect(200, "GET", path, null).get("addons").size());
    region.expect(
        422,
        "POST",
        path,
        Map.of("addon", Map.of("provider", "mongodb", "plan", "x", "version", "1")));
    region.expect(
        422,
        "POST",
        path,
        Map.of("addon", Map.of("provider", "postgresql", "plan", "starter-512", "version", "9")));
  }

  @Test
  void scalingSetsOnlyTheGivenProcessTypesAndDrivesTheStatus() {
    region.createApp("scaled");
    String base = "/v1/apps/scaled";
    region.expect(
        200,
        "POST",
        base + "/scale",
        Map.of(
            "containers",
            List.of(
                Map.of("name", "web", "amount", 2, "size", "M"),
                Map.of("name", "worker", "amount", 1, "size", "L"))));
    assertEquals("running", region.expect(200, "GET", base, null).at("/app/status").asText());
    JsonNode containers =
        region
            .expect(200, "POST", base + "/scale", SandboxFixture.scaleTo("web", 0))
            .get("containers");
    assertEquals(2, containers.size());
    assertEquals(1, containers.get(1).get("amount").asInt());
    region.expect(
        200,
        "POST",
        base + "/scale",
        Map.of("containers", List.of(Map.of("name", "worker", "amount", 0))));
    JsonNode app = region.expect(200, "GET", base, null).get("app");
    assertEquals("stopped", app.get("status").asText());
    assertEquals("L", app.at("/formation/1/size").asText());
  }

  @Test
  void onlyAStoppedProcessTypeCanBeRemovedAndTheOthersStayAsTheyWere() {
    region.createApp("trimmed");
    String base = "/v1/apps/trimmed";
    region.expect(
        200,
        "POST",
        base + "/scale",
        Map.of(
            "containers",
            List.of(
                Map.of("name", "web", "amount", 2, "size", "M"),
                Map.of("name", "worker", "amount", 0, "size", "L"),
                Map.of("name", "clock", "amount", 0, "size", "S"))));
    region.freeze("trimmed");

    Answer running = region.call("DELETE", base + "/containers/web", null);
    assertEquals(409, running.status(), running::toString);
    assertEquals(
        "The process type web of trimmed runs 2 containers; scale it to 0 before removing it.",
        running.json().path("error").asText());
    region.expect(204, "DELETE", base + "/containers/worker", null);
    assertEquals(404, region.call("DELETE", base + "/containers/worker", null).status());
    assertEquals(404, region.call("DELETE", "/v1/apps/no-such-app/containers/web", null).status());

    JsonNode app = region.expect(200, "GET", base, null).get("app");
    assertEquals("running", app.get("status").asText());
    assertEquals(List.of("web:2:M", "clock:0:S"), formation(app.get("formation")));
    assertEquals(
        formation(app.get("formation")),
        formation(region.expect(200, "GET", base + "/containers", null).get("containers")));

    region.expect(200, "POST", base + "/scale", SandboxFixture.scaleTo("web", 0));
    region.expect(204, "DELETE", base + "/containers/web", null);
    region.expect(204, "DELETE", base + "/containers/clock", null);
    app = region.expect(200, "GET", base, null).get("app");
    assertEquals("stopped", app.get("status").asText());
    assertEquals(0, app.get("formation").size());
  }

  private static List<String> formation(JsonNode containers) {
    List<String> all = new java.util.ArrayList<>();
    containers.forEach(
        c ->
            all.add(
                c.get("name").asText()
                    + ":"
                    + c.get("amount").asInt()
                    + ":"
                    + c.get("size").asText()));
    return all;
  }

  @Test
  void domainsCarryTheCertificateExpiry() {
    region.createApp("tls");
    JsonNode domain =
        region
            .expect(
                201,
                "POST",
                "/v1/apps/tls/domains",
                Map.of(
                    "domain",
                    Map.of(
                        "name",
                        "tls.example.com",
                        "canonical",
                        true,
                        "tlscert",
                        SandboxFixture.sampleCert(),
                        "tlskey",
                        SandboxFixture.sampleKey())))
            .get("domain");
    assertTrue(
        java.time.Instant.parse(domain.get("tlscert_expires_at").asText())
            .isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(365))));
  }

  @Test
  void errorsAreOneSentenceInJson() {
    Answer answer = region.call("POST", "/v1/apps", "{not json");
    assertEquals(400, answer.status());
    assertEquals(List.of("error"), iterable(answer.json().fieldNames()));
    assertEquals(404, region.call("GET", "/v1/unknown-endpoint").status());
    assertTrue(region.call("GET", "/v1/unknown-endpoint").json().has("error"));
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
