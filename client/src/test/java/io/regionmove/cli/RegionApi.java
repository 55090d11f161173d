package io.regionmove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regionmove.activities.config.RegionConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a region for the CLI tests as the Region API answers it, raw JSON included, so a state
 * before and after a command compares exactly. (The CLI itself goes through {@link
 * io.regionmove.regionapi.RegionClient}.)
 */
final class RegionApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegionConfig region;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  RegionApi(RegionConfig region) {
    this.region = region;
  }

  record Answer(int status, JsonNode body) {}

  Answer get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + region.token())
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body() == null || response.body().isBlank()
              ? null
              : JSON.readTree(response.body());
      return new Answer(response.statusCode(), body);
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " of region " + region.name() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling region " + region.name(), e);
    }
  }

  /** Replaces the region's injected faults: {@code error_rate} 1.0 fails every Region API call. */
  void faults(double errorRate) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(region.apiUrl() + "/_sandbox/faults"))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + region.token())
            .header("Content-Type", "application/json")
            .PUT(
                HttpRequest.BodyPublishers.ofString(
                    "{\"faults\":{\"error_rate\":" + errorRate + "}}"))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "PUT /_sandbox/faults of " + region.name() + " answered " + response.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("PUT /_sandbox/faults of " + region.name() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling region " + region.name(), e);
    }
  }

  private static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The connection URL of the app's first postgresql addon, if it has one. */
  Optional<String> postgresqlUrl(String app) {
    Answer addons = get("/v1/apps/" + segment(app) + "/addons");
    if (addons.status() != 200 || addons.body() == null) {
      return Optional.empty();
    }
    for (JsonNode addon : addons.body().path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        Answer one =
            get("/v1/apps/" + segment(app) + "/addons/" + segment(addon.path("id").asText()));
        String url = one.body() == null ? null : one.body().path("addon").path("url").asText(null);
        return Optional.ofNullable(url);
      }
    }
    return Optional.empty();
  }

  /** The app object, or empty when the region does not know it. */
  Optional<JsonNode> app(String app) {
    Answer answer = get("/v1/apps/" + segment(app));
    return answer.status() == 200 && answer.body() != null
        ? Optional.of(answer.body().path("app"))
        : Optional.empty();
  }
}
