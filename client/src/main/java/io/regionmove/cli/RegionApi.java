package io.regionmove.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.regionmove.activities.config.RegionConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The few Region API reads the CLI does itself: a reachability probe and the addon URLs of the
 * demo.
 */
final class RegionApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegionConfig region;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  RegionApi(RegionConfig region) {
    this.region = region;
  }

  /**
   * Fails with exit code 3 and one sentence when the region does not answer or refuses its token.
   */
  void probe() {
    int status = get("/v1/addon_providers").status();
    if (status == 401 || status == 403) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Region "
              + region.name()
              + " refused the token of the regions file (HTTP "
              + status
              + "); fix its token.");
    }
    if (status >= 500) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Region "
              + region.name()
              + " at "
              + region.apiUrl()
              + " answers HTTP "
              + status
              + "; try again when it is back.");
    }
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
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Region "
              + region.name()
              + " cannot be reached at "
              + region.apiUrl()
              + " ("
              + reason(e)
              + "); start it or fix its api_url in the regions file.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(
          ExitCodes.FAILED, "Interrupted while calling region " + region.name() + ".");
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer within " + TIMEOUT.toSeconds() + " s";
    }
    return e.getMessage() == null ? "I/O error" : e.getMessage();
  }

  /** The connection URL of the app's first postgresql addon, if it has one. */
  Optional<String> postgresqlUrl(String app) {
    Answer addons = get("/v1/apps/" + app + "/addons");
    if (addons.status() != 200 || addons.body() == null) {
      return Optional.empty();
    }
    for (JsonNode addon : addons.body().path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        Answer one = get("/v1/apps/" + app + "/addons/" + addon.path("id").asText());
        String url = one.body() == null ? null : one.body().path("addon").path("url").asText(null);
        return Optional.ofNullable(url);
      }
    }
    return Optional.empty();
  }

  /** The app object, or empty when the region does not know it. */
  Optional<JsonNode> app(String app) {
    Answer answer = get("/v1/apps/" + app);
    return answer.status() == 200 && answer.body() != null
        ? Optional.of(answer.body().path("app"))
        : Optional.empty();
  }
}
