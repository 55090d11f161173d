package io.regionmove.activities.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.regionmove.activities.NotificationActivities;
import io.regionmove.activities.NotifyInput;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.StatusChange;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook delivery activity against a real HTTP server on loopback. */
class WebhookNotificationsTest {

  private static final String SECRET = "s3cret-for-tests";
  private static final StatusChange CHANGE =
      new StatusChange(
          "4f0c6d2e-0000-4000-8000-000000000001",
          "my-app",
          "agora-fr1",
          "osc-fr1",
          MigrationStatus.PREPARED,
          Phase.PREPARE,
          Instant.parse("2026-12-01T02:00:00Z"),
          5);

  private record Received(String signature, String contentType, byte[] body) {}

  private HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger answer = new AtomicInteger(204);
  private TestActivityEnvironment env;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/hook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-Regionmove-Signature"),
                  exchange.getRequestHeaders().getFirst("Content-Type"),
                  body));
          exchange.sendResponseHeaders(answer.get(), -1);
          exchange.close();
        });
    server.start();
    env = TestActivityEnvironment.newInstance();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
    env.close();
  }

  @Test
  void postsTheChangeAsJsonSignedWithTheSecret() throws Exception {
    int status =
        new WebhookNotifications(SECRET, Duration.ofSeconds(5))
            .notifyStatusChange(input())
            .httpStatus();

    assertEquals(204, status);
    assertEquals(1, received.size());
    Received r = received.get(0);
    assertEquals("application/json", r.contentType());
    assertEquals("sha256=" + hmacHex(SECRET, r.body()), r.signature(), "signature of the body");
    JsonNode json = new ObjectMapper().readTree(r.body());
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of("migration_id", "app", "source", "destination", "status", "step", "at", "sequence"),
        fields);
    assertEquals(CHANGE.migrationId(), json.path("migration_id").asText());
    assertEquals("prepared", json.path("status").asText());
    assertEquals("prepare", json.path("step").asText());
    assertEquals("2026-12-01T02:00:00Z", json.path("at").asText());
    assertEquals(5, json.path("sequence").asInt());
  }

  @Test
  void aSignatureMadeWithAnotherSecretDoesNotMatch() {
    byte[] body = WebhookNotifications.body(CHANGE);
    assertEquals(
        "sha256=" + hmacHex(SECRET, body),
        WebhookNotifications.signature(SECRET.getBytes(StandardCharsets.UTF_8), body));
    assertFalse(
        WebhookNotifications.signature("other".getBytes(StandardCharsets.UTF_8), body)
            .equals("sha256=" + hmacHex(SECRET, body)));
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 410, 301})
  void aFinalRefusalIsNotRetried(int status) {
    answer.set(status);
    ApplicationFailure failure = runOnce();

    assertTrue(failure.isNonRetryable(), failure::toString);
    assertEquals("NOTIFICATION_REJECTED", failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains(base() + "/hook answered " + status),
        failure.getOriginalMessage());
    assertFalse(failure.getOriginalMessage().contains("token"), "the query is not shown");
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 429, 500, 502, 503})
  void aBusyOrFailingWebhookIsRetried(int status) {
    answer.set(status);
    ApplicationFailure failure = runOnce();

    assertFalse(failure.isNonRetryable(), failure::toString);
    assertTrue(failure.getOriginalMessage().contains("answered " + status), failure::toString);
  }

  @Test
  void aWebhookThatDoesNotAnswerIsRetried() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    ApplicationFailure failure =
        runOnce(new NotifyInput("http://127.0.0.1:" + closed + "/hook", CHANGE), SECRET);

    assertFalse(failure.isNonRetryable(), failure::toString);
    assertTrue(failure.getOriginalMessage().contains("did not answer"), failure::toString);
  }

  @Test
  void aWorkerWithoutTheSecretSendsNothingAndRetries() {
    ApplicationFailure failure = runOnce(input(), null);

    assertFalse(failure.isNonRetryable(), "sent once the worker has its secret");
    assertTrue(
        failure
            .getOriginalMessage()
            .startsWith("REGIONMOVE_NOTIFY_SECRET is not set on this worker"),
        failure::toString);
    assertTrue(received.isEmpty(), "nothing unsigned was sent");
  }

  @Test
  void aUrlThatIsNotHttpIsRefused() {
    ApplicationFailure failure = runOnce(new NotifyInput("ftp://127.0.0.1/hook", CHANGE), SECRET);

    assertTrue(failure.isNonRetryable());
    assertEquals("INVALID_REQUEST", failure.getType());
  }

  // ---- helpers -------------------------------------------------------------------------------

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private NotifyInput input() {
    return new NotifyInput(base() + "/hook?token=abc", CHANGE);
  }

  private ApplicationFailure runOnce() {
    return runOnce(input(), SECRET);
  }

  /** One attempt through Temporal's activity machinery; the failure it ends with. */
  private ApplicationFailure runOnce(NotifyInput input, String secret) {
    env.registerActivitiesImplementations(new WebhookNotifications(secret, Duration.ofSeconds(5)));
    NotificationActivities activity =
        env.newActivityStub(
            NotificationActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    ActivityFailure e =
        assertThrows(ActivityFailure.class, () -> activity.notifyStatusChange(input));
    return assertInstanceOf(ApplicationFailure.class, e.getCause());
  }

  private static String hmacHex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
