package io.regionmove.activities.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.model.FailureType;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.regionapi.RegionUnavailableException;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the client and the activities treat a region that refuses, fails or never answers. */
class RegionClientFaultsTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

  private StubRegionServer stub;
  private TestActivityEnvironment env;
  private RegionActivities activities;
  private RegionClient client;

  @BeforeEach
  void setUp() throws Exception {
    stub = new StubRegionServer();
    RegionConfig region = stub.region("stub-fr1");
    client = new RegionClient(region, Duration.ofSeconds(1), REQUEST_TIMEOUT);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new RegionActivitiesImpl(
            Regions.of(region),
            config -> new RegionClient(config, Duration.ofSeconds(1), REQUEST_TIMEOUT)));
    activities =
        env.newActivityStub(
            RegionActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
    stub.close();
  }

  @Test
  void a4xxAnswerIsFinalAndCarriesTheRegionsSentence() {
    stub.answer(
        423, "{\"error\":\"app my-app is being migrated; its configuration cannot change\"}");

    RegionApiException e = assertThrows(RegionApiException.class, () -> client.freeze("my-app"));
    assertEquals(423, e.status());
    assertEquals("app my-app is being migrated; its configuration cannot change", e.apiMessage());
    assertEquals(
        "stub-fr1 answered 423: app my-app is being migrated; its configuration cannot change",
        e.getMessage());

    ApplicationFailure failure = applicationFailure(() -> activities.freezeSource(app()));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.REGION_REJECTED.name(), failure.getType());
    assertEquals(
        "stub-fr1 answered 423: app my-app is being migrated; its configuration cannot change",
        failure.getOriginalMessage());
  }

  @Test
  void aBadTokenIsFinal() {
    stub.answer(401, "{\"error\":\"the bearer token is missing or wrong\"}");

    ApplicationFailure failure = applicationFailure(() -> activities.checkSource(app()));
    assertTrue(failure.isNonRetryable());
    assertEquals(
        "stub-fr1 answered 401: the bearer token is missing or wrong",
        failure.getOriginalMessage());
  }

  @Test
  void a5xxAnswerIsRetryable() {
    stub.answer(500, "{\"error\":\"the state file cannot be written\"}");

    RegionUnavailableException e =
        assertThrows(RegionUnavailableException.class, () -> client.getApp("my-app"));
    assertTrue(e.getMessage().contains("answered 500"), e.getMessage());

    ApplicationFailure failure = applicationFailure(() -> activities.freezeSource(app()));
    assertFalse(failure.isNonRetryable());
    assertEquals(RegionUnavailableException.class.getName(), failure.getType());
  }

  @Test
  void anAnswerWithoutErrorBodyStillHasASentence() {
    stub.answer(404, "");

    RegionApiException e = assertThrows(RegionApiException.class, () -> client.getApp("my-app"));
    assertEquals("stub-fr1 answered 404: HTTP 404 without an error message", e.getMessage());
    assertTrue(client.findApp("my-app").isEmpty());
    assertFalse(client.deleteApp("my-app"));
  }

  @Test
  void aRegionThatNeverAnswersTimesOutAndIsRetryable() {
    stub.hang();

    long started = System.nanoTime();
    RegionUnavailableException e =
        assertThrows(RegionUnavailableException.class, () -> client.getApp("my-app"));
    assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    assertTrue(e.getMessage().contains("did not answer"), e.getMessage());

    ApplicationFailure failure = applicationFailure(() -> activities.checkSource(app()));
    assertFalse(failure.isNonRetryable());
  }

  @Test
  void aRefusedConnectionIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    RegionClient unreachable =
        new RegionClient(
            new RegionConfig("gone-fr1", "http://127.0.0.1:" + closedPort, "t", null),
            Duration.ofSeconds(1),
            REQUEST_TIMEOUT);

    RegionUnavailableException e =
        assertThrows(RegionUnavailableException.class, () -> unreachable.getApp("my-app"));
    assertTrue(e.getMessage().contains("cannot be reached"), e.getMessage());
  }

  @Test
  void anUnknownRegionIsAFinalFailureNamingTheKnownOnes() {
    ApplicationFailure failure =
        applicationFailure(() -> activities.freezeSource(new AppInput("m-1", "mars-1", "my-app")));
    assertTrue(failure.isNonRetryable());
    assertEquals(FailureType.UNKNOWN_REGION.name(), failure.getType());
    assertEquals(
        "Region mars-1 is not configured; the known regions are stub-fr1.",
        failure.getOriginalMessage());
  }

  private static AppInput app() {
    return new AppInput("m-1", "stub-fr1", "my-app");
  }

  private static ApplicationFailure applicationFailure(Runnable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call::run);
    return assertInstanceOf(ApplicationFailure.class, failure.getCause());
  }
}
