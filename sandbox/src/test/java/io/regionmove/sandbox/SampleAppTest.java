package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleAppTest {

  @TempDir Path stateDir;

  @Test
  void seedingTwiceLeavesOneRunningSampleAppWithItsRowsAndConfig() throws SQLException {
    try (SandboxFixture region = SandboxFixture.start(stateDir)) {
      String api = region.region.apiUrl();
      SampleApp.seed(api, region.region.token(), "my-app", SampleApp.DEFAULT_ROWS);
      JsonNode variablesBefore = region.expect(200, "GET", "/v1/apps/my-app/variables", null);
      SampleApp.seed(api, region.region.token(), "my-app", SampleApp.DEFAULT_ROWS);

      JsonNode app = region.expect(200, "GET", "/v1/apps/my-app", null).get("app");
      assertEquals("running", app.get("status").asText());
      assertEquals("web", app.at("/formation/0/name").asText());
      assertEquals(2, app.at("/formation/0/amount").asInt());
      assertEquals("M", app.at("/formation/0/size").asText());
      assertEquals(1, app.get("formation").size());
      assertTrue(app.at("/settings/force_https").asBoolean());

      assertEquals(
          variablesBefore,
          region.expect(200, "GET", "/v1/apps/my-app/variables", null),
          "the second seeding changed no variable (the secret is kept)");
      assertTrue(
          names(variablesBefore.get("variables"))
              .containsAll(List.of("SECRET_KEY", "DATABASE_URL", "SCALINGO_POSTGRESQL_URL")));

      JsonNode collaborators =
          region.expect(200, "GET", "/v1/apps/my-app/collaborators", null).get("collaborators");
      assertEquals(2, collaborators.size());
      assertTrue(
          collaborators.toString().contains("\"pending\"")
              && collaborators.toString().contains("\"accepted\""));

      JsonNode domains = region.expect(200, "GET", "/v1/apps/my-app/domains", null).get("domains");
      assertEquals(1, domains.size());
      assertEquals("my-app.example.com", domains.at("/0/name").asText());
      assertTrue(domains.at("/0/tlscert").asText().contains("BEGIN CERTIFICATE"));
      assertTrue(domains.at("/0/tlskey").asText().contains("PRIVATE KEY"));

      assertEquals(
          1, region.expect(200, "GET", "/v1/apps/my-app/notifiers", null).get("notifiers").size());
      JsonNode addons = region.expect(200, "GET", "/v1/apps/my-app/addons", null).get("addons");
      assertEquals(1, addons.size());
      String url =
          region
              .expect(200, "GET", "/v1/apps/my-app/addons/" + addons.at("/0/id").asText(), null)
              .at("/addon/url")
              .asText();
      try (Connection c = PostgresqlAddonTest.connect(url)) {
        assertEquals(SampleApp.DEFAULT_ROWS, SampleApp.count(c));
      }
      assertEquals(
          200,
          region.router("GET", "my-app." + SandboxFixture.REGION + ".localhost", "/").status());
    }
  }

  @Test
  void seedingAFrozenSeededAppChangesNothingAndSucceeds() {
    try (SandboxFixture region = SandboxFixture.start(stateDir)) {
      SampleApp.seed(region.region.apiUrl(), region.region.token(), "frozen-sample", 500);
      region.freeze("frozen-sample");
      SampleApp.seed(region.region.apiUrl(), region.region.token(), "frozen-sample", 500);
    }
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(v -> names.add(v.get("name").asText()));
    return names;
  }
}
