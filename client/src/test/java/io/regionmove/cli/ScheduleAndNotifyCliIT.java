package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.testkit.TestDirectory;
import io.regionmove.worker.TemporalClients;
import io.regionmove.worker.dev.FreePorts;
import io.temporal.client.WorkflowClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * SPEC §10 from the command line: a finalize scheduled with {@code --at}, webhooks received by a
 * small HTTP server on loopback with every signature checked (also with the README's {@code
 * openssl} line), and the bad input of both options. {@code regionmove dev} runs in its own process
 * with {@code REGIONMOVE_NOTIFY_SECRET} set, every command is a separate process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduleAndNotifyCliIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final String SECRET = "it-webhook-secret";
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final Pattern SCHEDULED =
      Pattern.compile("^Finalize scheduled at (\\S+)$", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One POST the receiver got. */
  private record Delivery(String path, String signature, byte[] body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private Path home;
  private Process dev;
  private final StringBuilder devOutput = new StringBuilder();
  private Map<String, String> env;
  private WorkflowClient temporal;
  private MigrationClient migrations;
  private HttpServer receiver;
  private final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  void startDevStackAndReceiver() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          deliveries.add(
              new Delivery(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("X-Regionmove-Signature"),
                  exchange.getRequestBody().readAllBytes()));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();

    home = TestDirectory.create(getClass().getSimpleName());
    int temporalPort = FreePorts.find();
    dev =
        CliProcess.startAndAwait(
            CliProcess.env("REGIONMOVE_HOME", home, "REGIONMOVE_NOTIFY_SECRET", SECRET),
            List.of(
                "dev",
                "--home",
                home.toString(),
                "--temporal-port",
                Integer.toString(temporalPort),
                "--ui-port",
                Integer.toString(FreePorts.find()),
                "--api-port-base",
                "0",
                "--rows",
                "100"),
            "regionmove dev is ready",
            Duration.ofMinutes(3),
            devOutput);
    env =
        CliProcess.env(
            "REGIONMOVE_REGIONS",
            home.resolve("regions.json"),
            "TEMPORAL_ADDRESS",
            "127.0.0.1:" + temporalPort,
            "REGIONMOVE_HOME",
            home);
    temporal =
        TemporalClients.connect("127.0.0.1:" + temporalPort, TemporalClients.DEFAULT_NAMESPACE);
    migrations = new MigrationClient(temporal, new MigrationIndex(home.resolve("test-index.json")));
  }

  @AfterAll
  void stop() throws Exception {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (temporal != null) {
      temporal.getWorkflowServiceStubs().shutdownNow();
    }
    if (dev != null) {
      dev.destroy();
      if (!dev.waitFor(60, TimeUnit.SECONDS)) {
        dev.destroyForcibly();
      } else {
        TestDirectory.delete(home);
      }
    }
  }

  @Test
  void aFinalizeScheduledTwentySecondsAheadRunsAtItsTimeAndEveryChangeIsSigned() throws Exception {
    String app = "sched-app";
    seed(app);
    String hook = receiverUrl("/scheduled");
    String id =
        migrationId(
            ok(
                "--region",
                SOURCE,
                "--app",
                app,
                "migration-create",
                "--to",
                DESTINATION,
                "--notify",
                hook));
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);

    Instant asked = Instant.now();
    CliProcess.Result scheduled =
        ok("--region", SOURCE, "--app", app, "migration-run", "--finalize", "--at", "+20s", id);
    Instant returned = Instant.now();
    Matcher at = SCHEDULED.matcher(scheduled.stdout());
    assertTrue(at.find(), scheduled.toString());
    Instant when = Instant.parse(at.group(1));
    assertTrue(
        scheduled
            .stdout()
            .contains("regionmove --region agora-fr1 --app sched-app migration-follow " + id),
        scheduled.toString());
    assertTrue(
        scheduled
            .stdout()
            .contains("regionmove --region agora-fr1 --app sched-app migration-abort " + id),
        scheduled.toString());

    assertTrue(returned.isBefore(when), "--at returns at once, not once the step has run");
    // Follow at once, and read the status, in this JVM: a CLI process takes seconds to start on a
    // loaded machine. (migration-follow is the same MigrationActions.follow.)
    ByteArrayOutputStream followOut = new ByteArrayOutputStream();
    Console console =
        new Console(
            new PrintStream(followOut, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            false);
    CompletableFuture<Integer> follow =
        CompletableFuture.supplyAsync(
            () -> new MigrationActions(migrations, console, false).follow(id));
    Instant readAt = Instant.now();
    Migration waiting = migrations.status(id);
    System.out.printf(
        "scheduled for %s: the command took %d ms, the status was read %d ms before%n",
        when,
        Duration.between(asked, readAt).toMillis(),
        Duration.between(readAt, when).toMillis());
    assertTrue(readAt.isBefore(when), "too slow to see the wait: " + waiting);
    assertEquals(MigrationStatus.PREPARED, waiting.status());
    assertEquals(new ScheduledStep(Phase.FINALIZE, when), waiting.scheduled());

    assertEquals(0, follow.get(4, TimeUnit.MINUTES));
    String followed = followOut.toString(StandardCharsets.UTF_8);
    assertTrue(followed.contains("waiting until " + when + " to run finalize"), followed);
    assertTrue(followed.contains("[done] Waiting until " + when + " to run finalize"), followed);
    assertTrue(followed.contains("Your application is now available at:"), followed);
    assertFalse(Instant.now().isBefore(when), "follow returned before the scheduled time");

    JsonNode done = migration(app, id);
    assertEquals("done", done.path("status").asText());
    assertTrue(done.path("scheduled").isNull() || done.path("scheduled").isMissingNode());
    Instant started = null;
    for (JsonNode step : done.path("steps")) {
      if (step.path("name").asText().startsWith("Start app")) {
        started = Instant.parse(step.path("startedAt").asText());
      }
    }
    assertNotNull(started, done.toString());
    assertFalse(started.isBefore(when), "finalize started at " + started + ", before " + when);
    assertTrue(started.isBefore(when.plusSeconds(30)), "finalize started late: " + started);

    List<Delivery> received = awaitDeliveries("/scheduled", 7, Duration.ofSeconds(60));
    assertEquals(
        List.of(
            "created", "running", "preflight-success", "running", "prepared", "running", "done"),
        received.stream().map(d -> d.json().path("status").asText()).toList());
    assertEquals("finalize", received.get(6).json().path("step").asText());
    for (Delivery d : received) {
      assertEquals("sha256=" + hmacHex(d.body()), d.signature(), "signature of " + d.json());
      assertEquals(id, d.json().path("migration_id").asText());
      assertEquals(app, d.json().path("app").asText());
      assertEquals(SOURCE, d.json().path("source").asText());
      assertEquals(DESTINATION, d.json().path("destination").asText());
      Instant.parse(d.json().path("at").asText());
    }
    // The README's check, as a receiver in a shell would run it.
    assertEquals(received.get(6).signature(), "sha256=" + openssl(received.get(6).body()));
  }

  @Test
  void theWebhooksOfTheVariableReceiveEveryChangeOfAnAbortedMigration() {
    String app = "hook-app";
    seed(app);
    Map<String, String> withHooks = new java.util.HashMap<>(env);
    withHooks.put("REGIONMOVE_NOTIFY_URLS", receiverUrl("/env-a") + "," + receiverUrl("/env-b"));
    CliProcess.Result created =
        CliProcess.run(
            withHooks,
            List.of("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    assertEquals(0, created.exitCode(), created.toString());
    assertTrue(
        created.stdout().contains("Status changes are POSTed to 2 webhooks"), created.toString());
    String id = migrationId(created);
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    ok("--region", SOURCE, "--app", app, "migration-abort", id);

    List<String> expected =
        List.of(
            "created",
            "running",
            "preflight-success",
            "running",
            "prepared",
            "aborting",
            "aborted");
    for (String path : List.of("/env-a", "/env-b")) {
      List<Delivery> received = awaitDeliveries(path, expected.size(), Duration.ofSeconds(60));
      assertEquals(
          expected, received.stream().map(d -> d.json().path("status").asText()).toList(), path);
      for (Delivery d : received) {
        assertEquals("sha256=" + hmacHex(d.body()), d.signature(), path + " " + d.json());
      }
    }
  }

  @Test
  void badTimesAndWebhooksAreUsageErrorsThatChangeNothing() {
    String app = "bad-app";
    seed(app);
    CliProcess.Result ftp =
        cli(
            "--region",
            SOURCE,
            "--app",
            app,
            "migration-create",
            "--to",
            DESTINATION,
            "--notify",
            "ftp://files.example.com/hook");
    assertOneSentence(ftp, 2, "--notify 'ftp://files.example.com/hook' is not a webhook URL");
    assertFalse(ftp.stdout().contains("Migration ID"), ftp.toString());
    CliProcess.Result none = ok("--region", SOURCE, "--app", app, "migrations");
    assertTrue(none.stdout().contains("No migration of app bad-app"), none.toString());

    String id =
        migrationId(ok("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    // Not allowed now: refused like the step itself (exit 1).
    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-run", "--finalize", "--at", "+1h", id),
        1,
        "Cannot run finalize: the migration is preflight-success; run prepare first.");
    ok("--region", SOURCE, "--app", app, "migration-run", "--prepare", id);
    JsonNode before = migration(app, id);
    assertEquals("prepared", before.path("status").asText());

    assertOneSentence(
        cli(
            "--region",
            SOURCE,
            "--app",
            app,
            "migration-run",
            "--finalize",
            "--at",
            "2020-01-01T00:00:00Z",
            id),
        2,
        "--at 2020-01-01T00:00:00Z is in the past; give a time within the next 30 days.");
    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-run", "--data", "--at", "tomorrow", id),
        2,
        "--at 'tomorrow' is not a time; give an ISO-8601 instant with its zone");
    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-run", "--finalize", "--at", "+31d", id),
        2,
        "--at +31d is more than 30 days ahead; give a time within the next 30 days.");
    assertOneSentence(
        cli("--region", SOURCE, "--app", app, "migration-run", "--prepare", "--at", "+1h", id),
        2,
        "--at schedules --data or --finalize only");

    JsonNode after = migration(app, id);
    assertEquals(before, after, "nothing changed");
    assertEquals("prepared", after.path("status").asText());
    assertTrue(after.path("scheduled").isNull() || after.path("scheduled").isMissingNode());

    // A good time: the list shows it, and abort cancels it.
    CliProcess.Result scheduled =
        ok("--region", SOURCE, "--app", app, "migration-run", "--data", "--at", "+1h", id);
    Matcher at =
        Pattern.compile("^Data scheduled at (\\S+)$", Pattern.MULTILINE)
            .matcher(scheduled.stdout());
    assertTrue(at.find(), scheduled.toString());
    CliProcess.Result listed = ok("--region", SOURCE, "--app", app, "migrations");
    assertTrue(
        listed.stdout().contains("prepared (data at " + at.group(1) + ")"), listed.toString());
    CliProcess.Result aborted = ok("--region", SOURCE, "--app", app, "migration-abort", id);
    assertTrue(aborted.stdout().contains("has been aborted"), aborted.toString());
    JsonNode cancelled = migration(app, id);
    assertTrue(cancelled.path("scheduled").isNull(), cancelled.toString());
    JsonNode wait = null;
    for (JsonNode step : cancelled.path("steps")) {
      if (step.path("name").asText().startsWith("Waiting until")) {
        wait = step;
      }
    }
    assertNotNull(wait, cancelled.toString());
    assertEquals("error", wait.path("status").asText());
    assertEquals("cancelled by abort", wait.path("logs").get(0).asText());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private List<Delivery> awaitDeliveries(String path, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Delivery> received;
      synchronized (deliveries) {
        received =
            deliveries.stream()
                .filter(d -> d.path().equals(path))
                .sorted(
                    (a, b) ->
                        Integer.compare(
                            a.json().path("sequence").asInt(), b.json().path("sequence").asInt()))
                .toList();
      }
      if (received.size() >= count || System.nanoTime() > deadline) {
        assertEquals(
            count,
            received.size(),
            path + " received " + received.stream().map(Delivery::json).toList());
        return received;
      }
      sleep(Duration.ofMillis(200));
    }
  }

  /** The migration as {@code --json migrations} prints it. */
  private JsonNode migration(String app, String id) {
    CliProcess.Result r = ok("--json", "--region", SOURCE, "--app", app, "migrations");
    try {
      for (JsonNode m : JSON.readTree(r.stdout())) {
        if (m.path("id").asText().equals(id)) {
          return m;
        }
      }
    } catch (IOException e) {
      throw new AssertionError("not JSON:\n" + r, e);
    }
    throw new AssertionError("migration " + id + " not listed:\n" + r);
  }

  private String receiverUrl(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  private static String hmacHex(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code openssl dgst -sha256 -hmac "$SECRET"} of the body, as the README shows it. */
  private static String openssl(byte[] body) throws Exception {
    Process p =
        new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", SECRET)
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(body);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out.substring(out.lastIndexOf(' ') + 1);
  }

  private static void assertOneSentence(CliProcess.Result r, int exitCode, String expected) {
    assertEquals(exitCode, r.exitCode(), r.toString());
    String stderr = r.stderr().strip();
    assertTrue(stderr.contains(expected), "stderr should say '" + expected + "':\n" + r);
    assertEquals(1, stderr.lines().count(), "one sentence on stderr:\n" + r);
    assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), "no stack trace:\n" + r);
  }

  private CliProcess.Result cli(String... args) {
    return CliProcess.run(env, List.of(args));
  }

  private CliProcess.Result ok(String... args) {
    CliProcess.Result r = cli(args);
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }

  private void seed(String app) {
    ok("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", "10");
  }

  private static String migrationId(CliProcess.Result r) {
    Matcher m = ID.matcher(r.stdout());
    assertTrue(m.find(), "no 'Migration ID:' line:\n" + r);
    return m.group(1);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
