package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionStateSurvivesRestartTest {

  @TempDir Path stateDir;

  @Test
  void everythingCreatedIsThereAfterARestartOnTheSameStateDir() {
    List<String> reads =
        List.of(
            "", "/variables", "/collaborators", "/domains", "/notifiers", "/containers", "/addons");
    Map<String, JsonNode> before = new java.util.LinkedHashMap<>();
    String addonId;
    try (SandboxFixture region = SandboxFixture.start(stateDir)) {
      String base = "/v1/apps/kept";
      region.expect(
          201, "POST", "/v1/apps", Map.of("app", Map.of("name", "kept", "reference", "m-1")));
      region.expect(
          200,
          "PUT",
          base + "/variables",
          Map.of("variables", List.of(Map.of("name", "SECRET", "value", "s3cr3t"))));
      region.expect(
          201,
          "POST",
          base + "/collaborators",
          Map.of("collaborator", Map.of("email", "a@example.com", "status", "accepted")));
      region.expect(
          201,
          "POST",
          base + "/domains",
          Map.of(
              "domain",
              Map.of(
                  "name",
                  "kept.example.com",
                  "tlscert",
                  SandboxFixture.sampleCert(),
                  "tlskey",
                  SandboxFixture.sampleKey())));
      region.expect(
          201,
          "POST",
          base + "/notifiers",
          Map.of("notifier", Map.of("type", "webhook", "name", "n")));
      region.expect(
          200,
          "PUT",
          base + "/settings",
          Map.of("settings", Map.of("force_https", true, "sticky_session", true)));
      region.expect(200, "POST", base + "/scale", SandboxFixture.scaleTo("web", 3));
      region.expect(200, "POST", base + "/scale", SandboxFixture.scaleTo("worker", 0));
      region.expect(204, "DELETE", base + "/containers/worker", null);
      addonId =
          region
              .expect(201, "POST", base + "/addons", SandboxFixture.postgresqlAddon())
              .at("/addon/id")
              .asText();
      region.expect(
          200,
          "PUT",
          base + "/redirect",
          Map.of(
              "redirect",
              Map.of("to", "http://new.example.com/", "until", "2099-01-01T00:00:00Z")));
      region.expect(200, "PUT", base + "/migrating", null);
      for (String read : reads) {
        before.put(read, region.expect(200, "GET", base + read, null));
      }
      before.put(
          "/addons/" + addonId, region.expect(200, "GET", base + "/addons/" + addonId, null));
    }
    assertTrue(Files.exists(stateDir.resolve(SandboxFixture.REGION + ".json")));

    try (SandboxFixture again = SandboxFixture.start(stateDir)) {
      for (Map.Entry<String, JsonNode> read : before.entrySet()) {
        JsonNode after = again.expect(200, "GET", "/v1/apps/kept" + read.getKey(), null);
        if (read.getKey().isEmpty()) {
          // the port is ephemeral, so the router URL differs; everything else must not
          ((com.fasterxml.jackson.databind.node.ObjectNode) after.get("app")).remove("url");
          ((com.fasterxml.jackson.databind.node.ObjectNode) read.getValue().get("app"))
              .remove("url");
        }
        assertEquals(read.getValue(), after, "GET " + read.getKey() + " after restart");
      }
      JsonNode app = again.expect(200, "GET", "/v1/apps/kept", null).get("app");
      assertEquals("running", app.get("status").asText());
      assertTrue(app.get("migrating").asBoolean());
      assertEquals(1, app.get("formation").size(), "the removed process type stays removed");
      assertEquals("web", app.at("/formation/0/name").asText());
    }
  }

  @Test
  void aGeneratedTokenIsKeptInTheStateDir() {
    SandboxOptions options = SandboxOptions.defaults("token-fr1", 0, stateDir, AddonServers.NONE);
    String first;
    try (SandboxRegion region = SandboxRegion.start(options)) {
      first = region.token();
      assertTrue(first.length() >= 32);
    }
    try (SandboxRegion region = SandboxRegion.start(options)) {
      assertEquals(first, region.token());
    }
  }
}
