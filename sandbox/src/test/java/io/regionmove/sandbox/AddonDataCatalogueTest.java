package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The region says which addons hold data ({@code holds_data}), in its provider catalogue and on
 * each addon, so the workers can tell an addon whose data must move from one that is only
 * provisioned (SPEC §8). mongodb is offered as a metadata-only provider that holds data.
 */
class AddonDataCatalogueTest {

  @TempDir Path state;

  @Test
  void defaultCatalogueSaysTheDatabasesHoldData() {
    try (SandboxFixture region = SandboxFixture.start(state)) {
      Map<String, Boolean> holdsData = catalogue(region);

      assertEquals(
          Map.of("postgresql", true, "redis", true, "mongodb", true), holdsData, "providers");
    }
  }

  @Test
  void eachAddonSaysWhetherItHoldsDataAsItsProviderDoes() {
    SandboxOptions options =
        SandboxOptions.defaults(SandboxFixture.REGION, 0, state, null)
            .withToken(SandboxFixture.TOKEN)
            .withProviders(
                List.of(
                    new AddonProvider("mongodb", List.of("starter-512"), List.of("7")),
                    new AddonProvider("papertrail", List.of("free"), List.of("1"), false)));
    try (SandboxFixture region = SandboxFixture.start(options)) {
      assertEquals(Map.of("mongodb", true, "papertrail", false), catalogue(region));
      region.createApp("docs-app");

      JsonNode mongodb = provision(region, "docs-app", "mongodb", "starter-512", "7");
      JsonNode papertrail = provision(region, "docs-app", "papertrail", "free", "1");

      assertTrue(mongodb.path("holds_data").asBoolean(false), mongodb::toString);
      assertFalse(papertrail.path("holds_data").asBoolean(true), papertrail::toString);
      JsonNode shown =
          region.expect(
              200, "GET", "/v1/apps/docs-app/addons/" + mongodb.path("id").asText(), null);
      assertTrue(shown.path("addon").path("holds_data").asBoolean(false), shown::toString);
      assertTrue(
          shown.path("addon").path("url").isMissingNode(),
          () -> "a metadata-only addon has no database URL: " + shown);
      JsonNode listed = region.expect(200, "GET", "/v1/apps/docs-app/addons", null);
      assertEquals(2, listed.path("addons").size());
      listed.path("addons").forEach(a -> assertTrue(a.has("holds_data"), a::toString));
      JsonNode variables = region.expect(200, "GET", "/v1/apps/docs-app/variables", null);
      assertEquals(0, variables.path("variables").size(), "mongodb generates no variable here");
    }
  }

  private static Map<String, Boolean> catalogue(SandboxFixture region) {
    JsonNode answer = region.expect(200, "GET", "/v1/addon_providers", null);
    Map<String, Boolean> holdsData = new HashMap<>();
    for (JsonNode provider : answer.path("addon_providers")) {
      assertTrue(provider.path("holds_data").isBoolean(), provider::toString);
      holdsData.put(provider.path("id").asText(), provider.path("holds_data").asBoolean());
    }
    return holdsData;
  }

  private static JsonNode provision(
      SandboxFixture region, String app, String provider, String plan, String version) {
    return region
        .expect(
            201,
            "POST",
            "/v1/apps/" + app + "/addons",
            Map.of("addon", Map.of("provider", provider, "plan", plan, "version", version)))
        .path("addon");
  }
}
