package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.regionmove.sandbox.postgres.LocalPostgres;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.sandbox.redis.LocalRedis;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A running sandbox region for tests, with a small HTTP caller. */
final class SandboxFixture implements AutoCloseable {

  static final String REGION = "test-fr1";
  static final String TOKEN = "test-token";
  static final ObjectMapper JSON = new ObjectMapper();

  record Answer(int status, JsonNode json, String text, HttpHeaders headers) {
    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  private final HttpClient client =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final SandboxRegion region;

  private SandboxFixture(SandboxRegion region) {
    this.region = region;
  }

  /**
   * A region on an ephemeral port with the shared test PostgreSQL and Redis servers (fails if there
   * is none).
   */
  static SandboxFixture start(Path stateDir) {
    return start(stateDir, LocalPostgres.forTests());
  }

  static SandboxFixture start(Path stateDir, PostgresServer pg) {
    return start(
        SandboxOptions.defaults(
                REGION, 0, stateDir, AddonServers.postgres(pg).withRedis(LocalRedis.forTests()))
            .withToken(TOKEN));
  }

  static SandboxFixture start(SandboxOptions options) {
    return new SandboxFixture(SandboxRegion.start(options));
  }

  /** The region's whole state as saved on disk. */
  String stateFile() {
    try {
      return java.nio.file.Files.readString(
          region.options().stateDir().resolve(region.name() + ".json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri(String path) {
    return URI.create(region.apiUrl() + path);
  }

  /** Sends a request built by the test as it is (no token added). */
  Answer raw(HttpRequest request) {
    return send(request);
  }

  Answer call(String method, String path) {
    return call(method, path, null);
  }

  Answer call(String method, String path, Object body) {
    return callAs(TOKEN, method, path, body);
  }

  Answer callAs(String token, String method, String path, Object body) {
    return callAs(token, method, path, body, Duration.ofSeconds(60));
  }

  /**
   * Calls with a client time-out; throws {@link UncheckedIOException} caused by
   * HttpTimeoutException on one.
   */
  Answer call(String method, String path, Object body, Duration timeout) {
    return callAs(TOKEN, method, path, body, timeout);
  }

  Answer callAs(String token, String method, String path, Object body, Duration timeout) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(region.apiUrl() + path)).timeout(timeout);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        String text = body instanceof String s ? s : JSON.writeValueAsString(body);
        request
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(text));
      }
      return send(request.build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A request to the router port with the given Host header. */
  Answer router(String method, String host, String path) {
    return send(
        HttpRequest.newBuilder(URI.create(region.apiUrl() + path))
            .header("Host", host)
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build());
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      JsonNode json = MissingNode.getInstance();
      if (text != null
          && !text.isBlank()
          && response
              .headers()
              .firstValue("Content-Type")
              .orElse("")
              .startsWith("application/json")) {
        json = JSON.readTree(text);
      }
      return new Answer(response.statusCode(), json, text, response.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Calls and asserts the status. */
  JsonNode expect(int status, String method, String path, Object body) {
    Answer answer = call(method, path, body);
    assertEquals(status, answer.status(), () -> method + " " + path + " answered " + answer);
    return answer.json();
  }

  JsonNode createApp(String name) {
    return expect(201, "POST", "/v1/apps", Map.of("app", Map.of("name", name))).path("app");
  }

  void freeze(String name) {
    expect(200, "PUT", "/v1/apps/" + name + "/migrating", null);
  }

  static Map<String, Object> postgresqlAddon() {
    return Map.of(
        "addon", Map.of("provider", "postgresql", "plan", "starter-512", "version", "15"));
  }

  static Map<String, Object> scaleTo(String process, int amount) {
    return Map.of("containers", List.of(Map.of("name", process, "amount", amount, "size", "M")));
  }

  static String resource(String name) {
    try (InputStream in = SandboxFixture.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sampleCert() {
    return resource("/io/regionmove/sandbox/sample-domain.cert.pem");
  }

  static String sampleKey() {
    return resource("/io/regionmove/sandbox/sample-domain.key.pem");
  }

  @Override
  public void close() {
    region.close();
  }
}
