package io.regionmove.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A minimal Region API caller for {@link SampleApp}: JSON in, status and JSON out. */
final class RegionHttp {

  record Answer(int status, JsonNode body) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String apiUrl;
  private final String token;

  RegionHttp(String apiUrl, String token) {
    this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    this.token = token;
  }

  Answer call(String method, String path, Object body) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(apiUrl + path))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + token)
              .header("Accept", "application/json");
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      }
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      JsonNode json =
          text == null || text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
      return new Answer(response.statusCode(), json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          method + " " + path + " did not answer JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not reach the Region API at " + apiUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while calling " + apiUrl + path, e);
    }
  }

  /** Calls and insists on one of the expected statuses. */
  JsonNode expect(String method, String path, Object body, int... statuses) {
    Answer answer = call(method, path, body);
    for (int status : statuses) {
      if (answer.status() == status) {
        return answer.body();
      }
    }
    throw new IllegalStateException(
        method
            + " "
            + path
            + " answered "
            + answer.status()
            + ": "
            + answer.body().path("error").asText(answer.body().toString()));
  }
}
