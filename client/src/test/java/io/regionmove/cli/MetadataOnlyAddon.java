package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Adds the sandbox's metadata-only mongodb addon (a provider that holds data no engine moves) to a
 * seeded app, through the Region API as a platform user would.
 */
final class MetadataOnlyAddon {

  private MetadataOnlyAddon() {}

  /** The new addon's id. */
  static String addMongodb(RegionConfig region, String app)
      throws IOException, InterruptedException {
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(region.apiUrl() + "/v1/apps/" + app + "/addons"))
                    .header("Authorization", "Bearer " + region.token())
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"addon\":{\"provider\":\"mongodb\",\"plan\":\"starter-512\","
                                + "\"version\":\"7\"}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    return Json.mapper().readTree(created.body()).path("addon").path("id").asText();
  }
}
