package io.regionmove.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.sandbox.SandboxFixture.Answer;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a sandbox region injects: their share, latency, hangs, before or after the commit, and the
 * switch.
 */
class FaultInjectionTest {

  private static final String APP = "flaky-app";

  @TempDir Path stateDir;
  SandboxFixture region;

  @BeforeEach
  void start() {
    region = SandboxFixture.start(stateDir, null);
    region.createApp(APP);
  }

  @AfterEach
  void stop() {
    region.close();
  }

  @Test
  void aSeededRateOfThirtyPercentAnswers503ToAboutThirtyPercentOfRequests() {
    region.region.setFaults(FaultOptions.errors(0.3).withSeed(42L));
    int failed = 0;
    for (int i = 0; i < 1000; i++) {
      Answer answer = region.call("GET", "/v1/apps/" + APP);
      if (answer.status() == 503) {
        failed++;
        assertEquals("injected fault", answer.json().path("error").asText());
      } else {
        assertEquals(200, answer.status(), answer::toString);
      }
    }
    // binomial(1000, 0.3): mean 300, standard deviation 14.5; these bounds are 3.4 deviations away
    assertTrue(failed >= 250 && failed <= 350, "503 answers: " + failed);
  }

  @Test
  void theSameSeedGivesTheSameSequenceOfFaults() {
    List<Integer> first = statuses(FaultOptions.errors(0.5).withSeed(7L), 40);
    List<Integer> second = statuses(FaultOptions.errors(0.5).withSeed(7L), 40);
    assertEquals(first, second);
    assertTrue(first.contains(503) && first.contains(200), first::toString);
  }

  @Test
  void aFaultBeforeTheCommitChangesNothing() {
    String before = region.stateFile();
    region.region.setFaults(FaultOptions.errors(1.0));

    Answer put =
        region.call("PUT", "/v1/apps/" + APP + "/variables", variable("GREETING", "hello"));
    Answer create = region.call("POST", "/v1/apps", Map.of("app", Map.of("name", "never-created")));
    Answer delete = region.call("DELETE", "/v1/apps/" + APP);

    assertEquals(List.of(503, 503, 503), List.of(put.status(), create.status(), delete.status()));
    assertEquals(before, region.stateFile());
    region.region.setFaults(FaultOptions.NONE);
    assertEquals(404, region.call("GET", "/v1/apps/never-created").status());
    assertFalse(
        region
            .expect(200, "GET", "/v1/apps/" + APP + "/variables", null)
            .toString()
            .contains("GREETING"));
  }

  @Test
  void aFaultAfterTheCommitAnswers503ButTheChangeHappened() {
    region.region.setFaults(FaultOptions.errors(1.0).withAfterCommit(true));

    Answer put =
        region.call("PUT", "/v1/apps/" + APP + "/variables", variable("GREETING", "hello"));
    Map<String, Object> create =
        Map.of("app", Map.of("name", "created-anyway", "reference", "migration-1"));
    Answer first = region.call("POST", "/v1/apps", create);

    assertEquals(503, put.status());
    assertEquals("injected fault", put.json().path("error").asText());
    assertEquals(503, first.status());
    region.region.setFaults(FaultOptions.NONE);
    JsonNode variables =
        region.expect(200, "GET", "/v1/apps/" + APP + "/variables", null).path("variables");
    assertEquals("hello", variables.get(0).path("value").asText());
    // the idempotent retry a client makes after the 503 finds the app created the first time
    assertEquals(200, region.call("POST", "/v1/apps", create).status());
    assertEquals(
        409,
        region
            .call(
                "POST",
                "/v1/apps",
                Map.of("app", Map.of("name", "created-anyway", "reference", "other")))
            .status());
  }

  @Test
  void everyRequestWaitsTheAddedLatency() {
    List<Long> plain = elapsedMillis(5);
    region.region.setFaults(FaultOptions.NONE.withLatency(Duration.ofMillis(150)));
    List<Long> fixed = elapsedMillis(5);
    region.region.setFaults(
        FaultOptions.NONE.withLatency(Duration.ofMillis(50), Duration.ofMillis(120)).withSeed(1L));
    List<Long> ranged = elapsedMillis(10);

    assertTrue(
        fixed.stream().allMatch(ms -> ms >= 150),
        "fixed 150 ms: " + fixed + " (without: " + plain + ")");
    assertTrue(ranged.stream().allMatch(ms -> ms >= 50), "50-120 ms: " + ranged);
    double mean = ranged.stream().mapToLong(Long::longValue).average().orElseThrow();
    assertTrue(mean < 120 + 100, "50-120 ms on average: " + ranged);
  }

  @Test
  void aHangingRequestIsSeenAsAClientTimeOutAndChangesNothing() {
    String before = region.stateFile();
    region.region.setFaults(
        FaultOptions.NONE.withHangRate(1.0).withHangTime(Duration.ofMinutes(5)));

    long start = System.nanoTime();
    UncheckedIOException timeout =
        assertThrows(
            UncheckedIOException.class,
            () ->
                region.call(
                    "PUT",
                    "/v1/apps/" + APP + "/variables",
                    variable("GREETING", "hello"),
                    Duration.ofMillis(500)));

    assertInstanceOf(HttpTimeoutException.class, timeout.getCause());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000);
    region.region.setFaults(FaultOptions.NONE);
    assertEquals(200, region.call("GET", "/v1/apps/" + APP, null, Duration.ofSeconds(5)).status());
    assertEquals(before, region.stateFile());
  }

  @Test
  void aHangEndsWith504AfterItsTime() {
    region.region.setFaults(
        FaultOptions.NONE.withHangRate(1.0).withHangTime(Duration.ofMillis(300)));

    long start = System.nanoTime();
    Answer answer = region.call("GET", "/v1/apps/" + APP, null, Duration.ofSeconds(10));

    assertEquals(504, answer.status(), answer::toString);
    assertTrue(answer.json().path("error").asText().startsWith("injected hang"));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
  }

  @Test
  void closingTheRegionEndsItsHangingRequests() throws InterruptedException {
    region.region.setFaults(FaultOptions.NONE.withHangRate(1.0));
    Thread caller =
        new Thread(
            () -> {
              try {
                region.call("GET", "/v1/apps/" + APP, null, Duration.ofSeconds(60));
              } catch (UncheckedIOException expected) {
                // the connection closes with the region
              }
            });
    caller.start();
    Thread.sleep(300);

    long start = System.nanoTime();
    region.close();
    caller.join(10_000);

    assertFalse(caller.isAlive(), "the hanging request ended");
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 10_000);
  }

  @Test
  void faultsAreTurnedOnAndOffAtRuntimeThroughTheAdminEndpoint() {
    assertEquals(200, region.call("GET", "/v1/apps/" + APP).status());

    JsonNode set =
        region.expect(
            200,
            "PUT",
            "/_sandbox/faults",
            Map.of("faults", Map.of("error_rate", 1.0, "after_commit", true, "seed", 3)));
    assertEquals(1.0, set.at("/faults/error_rate").asDouble());
    assertEquals(503, region.call("GET", "/v1/apps/" + APP).status());
    assertEquals(503, region.call("GET", "/v1/addon_providers").status());
    // the admin endpoint itself never fails, so faults can always be turned off
    assertEquals(
        true,
        region.expect(200, "GET", "/_sandbox/faults", null).at("/faults/after_commit").asBoolean());
    assertEquals(
        FaultOptions.errors(1.0).withAfterCommit(true).withSeed(3L), region.region.faults());

    region.expect(200, "PUT", "/_sandbox/faults", Map.of("faults", Map.of()));

    assertEquals(200, region.call("GET", "/v1/apps/" + APP).status());
    assertEquals(FaultOptions.NONE, region.region.faults());
  }

  @Test
  void theAdminEndpointRefusesBadSettingsAndKeepsTheFaults() {
    region.region.setFaults(FaultOptions.errors(0.1));
    List<Object> bad =
        List.of(
            Map.of("faults", Map.of("error_rate", 1.5)),
            Map.of("faults", Map.of("error_rate", 0.7, "hang_rate", 0.7)),
            Map.of("faults", Map.of("rate", 0.3)),
            Map.of("faults", Map.of("latency_min_ms", 200, "latency_max_ms", 100)),
            Map.of("faults", Map.of("after_commit", "yes")),
            Map.of("faults", List.of()));
    for (Object body : bad) {
      Answer answer = region.call("PUT", "/_sandbox/faults", body);
      assertEquals(400, answer.status(), answer::toString);
      assertFalse(answer.json().path("error").asText().isBlank());
    }
    assertEquals(
        401,
        region.callAs("wrong", "PUT", "/_sandbox/faults", Map.of("faults", Map.of())).status());
    assertEquals(FaultOptions.errors(0.1), region.region.faults());
  }

  @Test
  void theRouterIsUnaffectedUnlessAsked() {
    region.expect(200, "POST", "/v1/apps/" + APP + "/scale", SandboxFixture.scaleTo("web", 1));
    String host = APP + "." + SandboxFixture.REGION + ".localhost";
    region.region.setFaults(FaultOptions.errors(1.0));

    assertEquals(200, region.router("GET", host, "/").status());
    assertEquals(503, region.call("GET", "/v1/apps/" + APP).status());

    region.region.setFaults(FaultOptions.errors(1.0).withRouter(true));
    Answer routed = region.router("GET", host, "/");
    assertEquals(503, routed.status());
    assertEquals("injected fault", routed.json().path("error").asText());
  }

  @Test
  void faultsGivenAtStartApplyFromTheFirstRequest(@TempDir Path otherDir) {
    SandboxOptions options =
        SandboxOptions.defaults("faulty-fr1", 0, otherDir, AddonServers.NONE)
            .withToken(SandboxFixture.TOKEN)
            .withFaults(FaultOptions.parse("rate=1"));
    try (SandboxFixture faulty = SandboxFixture.start(options)) {
      assertEquals(503, faulty.call("GET", "/v1/apps").status());
      assertEquals(1.0, faulty.region.faults().errorRate());
    }
  }

  @Test
  void theEnvironmentSpecReadsEverySetting() {
    FaultOptions faults =
        FaultOptions.parse(
            "rate=0.3, latency=50-200, hang=0.01, hang-time=30s, after-commit, router, seed=9");

    assertEquals(
        new FaultOptions(
            0.3,
            Duration.ofMillis(50),
            Duration.ofMillis(200),
            0.01,
            Duration.ofSeconds(30),
            true,
            true,
            9L),
        faults);
    assertEquals(faults, FaultOptions.parse(faults.toSpec()));
    assertEquals(Duration.ofMillis(75), FaultOptions.parse("latency=75").maxLatency());
    assertEquals(FaultOptions.NONE, FaultOptions.parse(""));
    for (String bad :
        List.of(
            "rate=high",
            "rate=1.2",
            "rate=0.8,hang=0.3",
            "latency=200-100",
            "speed=3",
            "hang-time=0")) {
      assertThrows(IllegalArgumentException.class, () -> FaultOptions.parse(bad), bad);
    }
  }

  @Test
  void theCanonicalConstructorWithoutFaultsStillWorks() {
    SandboxOptions options =
        new SandboxOptions(
            "r",
            "127.0.0.1",
            0,
            null,
            stateDir,
            AddonServers.NONE,
            SandboxOptions.defaultProviders());
    assertEquals(FaultOptions.NONE, options.faults());
    assertEquals(
        FaultOptions.errors(0.2),
        options.withFaults(FaultOptions.errors(0.2)).withToken("t").faults());
  }

  private List<Integer> statuses(FaultOptions faults, int n) {
    region.region.setFaults(faults);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      statuses.add(region.call("GET", "/v1/apps/" + APP).status());
    }
    return statuses;
  }

  private List<Long> elapsedMillis(int n) {
    List<Long> elapsed = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      assertEquals(200, region.call("GET", "/v1/apps/" + APP).status());
      elapsed.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
    return elapsed;
  }

  private static Map<String, Object> variable(String name, String value) {
    return Map.of("variables", List.of(Map.of("name", name, "value", value)));
  }
}
