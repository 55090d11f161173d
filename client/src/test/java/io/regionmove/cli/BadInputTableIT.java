package io.regionmove.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regionmove.activities.config.Regions;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.regionmove.client.MigrationRejectedException;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Step;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.worker.TemporalClients;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed and hostile input, as a table: each row gets the documented exit code (SPEC §3) and one
 * sentence on stderr, or the workflow's refusal, and changes nothing: the source app's whole
 * configuration, the destination, the list of migrations and the waiting migration's history are
 * the same after the row as before. The Region API's own table is sandbox's HostileInputTest.
 *
 * <p>Runs against one {@code regionmove dev} in its own process, every command as a separate
 * process. Fails, never skips, when PostgreSQL or Temporal cannot be started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTableIT {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final String APP = "table-app";
  private static final String BURST_APP = "burst-app";
  private static final Pattern ID =
      Pattern.compile("^Migration ID: ([0-9a-f-]{36})$", Pattern.MULTILINE);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static final DevProcess dev = new DevProcess("--rows", "100");

  private Map<String, String> env;
  private Regions regions;
  private WorkflowClient temporal;
  private MigrationClient migrations;

  /** A migration of {@link #APP} that passed preflight and waits for prepare. */
  private String waitingId;

  /** An aborted migration of {@link #APP}. */
  private String abortedId;

  // ---- the table ----------------------------------------------------------------------------

  /** A command line, the exit code it must end with and a fragment of its one stderr line. */
  record Row(String description, List<String> argv, int exitCode, String stderr) {
    @Override
    public String toString() {
      return description;
    }
  }

  Stream<Row> commandLines() {
    String unknownId = UUID.randomUUID().toString();
    String tenKb = "a".repeat(10 * 1024);
    return Stream.of(
        row(
            "unknown migration id",
            1,
            "No migration has the id " + unknownId,
            app("migration-run", "--prepare", unknownId)),
        row(
            "malformed migration id",
            2,
            "'not-a-uuid' is not a migration id",
            app("migration-run", "--prepare", "not-a-uuid")),
        row(
            "path traversal as an id",
            2,
            "'../../etc/passwd' is not a migration id",
            app("migration-abort", "../../etc/passwd")),
        row("10 KB id", 2, "is not a migration id", app("migration-follow", tenKb)),
        row(
            "id with a newline",
            2,
            "is not a migration id",
            app("migration-history", waitingId + "\nrm -rf /")),
        row(
            "SQL injection as the app",
            2,
            "--app ''; DROP TABLE apps;--' is not an app name",
            List.of(
                "--region",
                SOURCE,
                "--app",
                "'; DROP TABLE apps;--",
                "migration-create",
                "--to",
                DESTINATION)),
        row(
            "shell substitution in the app",
            2,
            "--app 'my-app$(reboot)' is not an app name",
            List.of(
                "--region",
                SOURCE,
                "--app",
                "my-app$(reboot)",
                "migration-create",
                "--to",
                DESTINATION)),
        row(
            "HTML in the app",
            2,
            "--app '<script>alert(1)</script>' is not an app name",
            List.of("--region", SOURCE, "--app", "<script>alert(1)</script>", "migrations")),
        row(
            "app that is a path",
            2,
            "--app '../table-app' is not an app name",
            List.of(
                "--region",
                SOURCE,
                "--app",
                "../table-app",
                "migration-create",
                "--to",
                DESTINATION)),
        row(
            "unknown source region",
            1,
            "Region nowhere-1 is not configured; the known regions are agora-fr1, osc-fr1",
            List.of(
                "--region", "nowhere-1", "--app", APP, "migration-create", "--to", DESTINATION)),
        row(
            "unknown destination region",
            1,
            "Region mars-1 is not configured",
            app("migration-create", "--to", "mars-1")),
        row(
            "region with a space",
            2,
            "--region 'agora fr1' is not a region name",
            List.of(
                "--region", "agora fr1", "--app", APP, "migration-create", "--to", DESTINATION)),
        row(
            "destination in unicode",
            2,
            "--to 'osc-fr1é' is not a region name",
            app("migration-create", "--to", "osc-fr1é")),
        row(
            "same source and destination",
            1,
            "the destination region is the source region",
            app("migration-create", "--to", SOURCE)),
        row(
            "uppercase new name",
            2,
            "--new-name 'MyApp' is not an app name",
            app("migration-create", "--to", DESTINATION, "--new-name", "MyApp")),
        row(
            "200-character new name",
            2,
            "is not an app name",
            app("migration-create", "--to", DESTINATION, "--new-name", "a".repeat(200))),
        row(
            "empty new name",
            2,
            "--new-name '' is not an app name",
            app("migration-create", "--to", DESTINATION, "--new-name", "")),
        row(
            "100 KB destination",
            2,
            "is not a region name",
            app("migration-create", "--to", "a".repeat(100_000))),
        row("missing --to", 2, "Missing required option: '--to=REGION'", app("migration-create")),
        row(
            "two steps at once",
            2,
            "--prepare, --data are mutually exclusive",
            app("migration-run", "--prepare", "--data", waitingId)),
        row("no step", 2, "Error: Missing required argument", app("migration-run", waitingId)),
        row(
            "live without data",
            2,
            "--live goes with --data only",
            app("migration-run", "--finalize", "--live", waitingId)),
        row(
            "live data before prepare",
            1,
            "Cannot run data: the migration is preflight-success; run prepare first",
            app("migration-run", "--data", "--live", "--yes", waitingId)),
        row(
            "unknown subcommand",
            2,
            "Unmatched argument at index 4: 'migration-teleport'",
            app("migration-teleport")),
        row(
            "unknown option",
            2,
            "Unknown option: '--force'",
            app("migration-abort", "--force", waitingId)),
        row(
            "negative rows",
            2,
            "--rows must be at least 10, not -5",
            List.of("sandbox-seed", "--region", SOURCE, "--app", "seed-app", "--rows", "-5")),
        row(
            "rows not a number",
            2,
            "Invalid value for option '--rows'",
            List.of("sandbox-seed", "--region", SOURCE, "--app", "seed-app", "--rows", "many")),
        row(
            "finalize before prepare",
            1,
            "Cannot run finalize: the migration is preflight-success; run prepare first",
            app("migration-run", "--finalize", waitingId)),
        row(
            "data before prepare",
            1,
            "Cannot run data: the migration is preflight-success; run prepare first",
            app("migration-run", "--data", waitingId)),
        row(
            "a step on an aborted migration",
            1,
            "Cannot run prepare: the migration is aborted",
            app("migration-run", "--prepare", abortedId)),
        row(
            "abort of an aborted migration",
            1,
            "Cannot abort: the migration is aborted",
            app("migration-abort", abortedId)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandLines")
  void commandLineIsRefusedWithOneSentenceAndChangesNothing(Row row) {
    Snapshot before = snapshot();
    CliProcess.Result r = CliProcess.run(env, row.argv());
    assertEquals(row.exitCode(), r.exitCode(), r.toString());
    String stderr = r.stderr().strip();
    assertTrue(stderr.contains(row.stderr()), "stderr should say '" + row.stderr() + "':\n" + r);
    assertEquals(1, stderr.lines().count(), "one line on stderr:\n" + r);
    assertFalse(
        stderr.contains("Exception")
            || stderr.contains("\tat ")
            || stderr.contains("Unexpected error"),
        "no stack trace:\n" + r);
    assertTrue(stderr.length() < 400, "a sentence, not a dump:\n" + r);
    assertUnchanged(before, row.description());
  }

  // ---- the workflow's handlers through the Java client --------------------------------------

  /** A refusal by the workflow (or the server), the fragment of its message, and what it leaves. */
  record HandlerRow(String description, Consumer<BadInputTableIT> send, boolean recordedInHistory) {
    @Override
    public String toString() {
      return description;
    }
  }

  static Stream<HandlerRow> handlerCalls() {
    return Stream.of(
        refused(
            "update data before prepare",
            "Cannot run data: the migration is preflight-success; run prepare first",
            t -> t.migrations.data(t.waitingId)),
        refused(
            "update finalize before prepare",
            "Cannot run finalize: the migration is preflight-success; run prepare first",
            t -> t.migrations.finalize(t.waitingId)),
        refused(
            "update prepare of an aborted migration",
            "Cannot run prepare: the migration is aborted",
            t -> t.migrations.prepare(t.abortedId)),
        refused(
            "update abort of an aborted migration",
            "Cannot abort: the migration is aborted",
            t -> t.migrations.abort(t.abortedId)),
        new HandlerRow(
            "update of an unknown name",
            t -> {
              WorkflowUpdateException e =
                  assertThrows(
                      WorkflowUpdateException.class,
                      () -> t.untyped(t.waitingId).update("reboot", Void.class));
              assertTrue(String.valueOf(e.getCause()).contains("reboot"), e.toString());
            },
            false),
        new HandlerRow(
            "query of an unknown name",
            t ->
                assertThrows(
                    WorkflowQueryException.class,
                    () -> t.untyped(t.waitingId).query("secrets", String.class)),
            false),
        new HandlerRow(
            "signal of an unknown name", t -> t.untyped(t.waitingId).signal("reboot"), true),
        new HandlerRow(
            "signal with arguments of the wrong type",
            t -> t.untyped(t.waitingId).signal("reboot", Map.of("rm", "-rf"), 42),
            true),
        new HandlerRow(
            "signal data before prepare", t -> t.untyped(t.waitingId).signal("data"), true),
        new HandlerRow(
            "signal finalize before prepare", t -> t.untyped(t.waitingId).signal("finalize"), true),
        new HandlerRow(
            "signal to an aborted migration",
            t ->
                assertThrows(
                    WorkflowNotFoundException.class,
                    () -> t.untyped(t.abortedId).signal("prepare")),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("handlerCalls")
  void handlerRefusesOrIgnoresAndChangesNothing(HandlerRow row) {
    Snapshot before = snapshot();
    row.send().accept(this);
    if (row.recordedInHistory()) {
      // A signal is recorded, then the workflow ignores it: wait until its task has run.
      awaitIdle(waitingId, before.waitingHistoryLength() + 1);
      Snapshot after = snapshot();
      assertEquals(before.withoutHistory(), after.withoutHistory(), row.description());
      assertEquals(
          WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, describeStatus(waitingId));
    } else {
      assertUnchanged(before, row.description());
    }
  }

  @Test
  void fiftyDataSignalsAtOnceRunOneDataStep() throws Exception {
    MigrationClient.StepHandle prepared =
        migrations.startStep(createWaiting(BURST_APP), MigrationClient.Step.PREPARE);
    Migration m = prepared.await();
    assertEquals(MigrationStatus.PREPARED, m.status(), m.toString());
    String id = m.id();

    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(
          pool.submit(
              () -> {
                go.await();
                untyped(id).signal("data");
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : sent) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    Migration after =
        awaitStatus(
            id,
            s -> s != MigrationStatus.RUNNING && s != MigrationStatus.PREPARED,
            Duration.ofMinutes(3));
    assertEquals(MigrationStatus.DATA_MIGRATED, after.status(), after.toString());
    RegionmoveTestStack.sleep(Duration.ofSeconds(2));
    Migration later = migrations.status(id);
    assertEquals(
        MigrationStatus.DATA_MIGRATED, later.status(), "no second data step started: " + later);
    List<String> dataSteps =
        later.steps().stream().filter(s -> s.phase() == Phase.DATA).map(Step::name).toList();
    assertFalse(dataSteps.isEmpty());
    assertEquals(
        dataSteps.stream().distinct().toList(),
        dataSteps,
        "each data step line once: " + dataSteps);
    long signals =
        history(id).stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
            .count();
    assertEquals(50, signals, "every signal was delivered, and 49 were ignored");
    migrations.abort(id);
  }

  // ---- the stack ----------------------------------------------------------------------------

  @BeforeAll
  void createTheMigrations() {
    env = dev.env();
    regions = dev.regions();
    temporal =
        TemporalClients.connect(
            dev.temporalAddress(), TemporalClients.DEFAULT_NAMESPACE, Optional.empty());
    migrations =
        new MigrationClient(temporal, new MigrationIndex(dev.home().resolve("migrations.json")));

    abortedId = createWaiting(APP);
    ok(app("migration-abort", abortedId));
    waitingId = createWaiting(APP);
    // The list of migrations is read through visibility: make sure it sees them, or its check is
    // empty.
    Map<String, String> listed = snapshot().migrations();
    assertTrue(
        listed.containsKey(waitingId) && listed.containsKey(abortedId),
        "visibility lists the migrations: " + listed);
  }

  @AfterAll
  void closeTheClient() {
    if (temporal != null) {
      temporal.getWorkflowServiceStubs().shutdownNow();
    }
  }

  /** Seeds {@code app} if needed and creates a migration of it that passed preflight; its id. */
  private String createWaiting(String app) {
    if (new RegionApi(regions.get(SOURCE)).app(app).isEmpty()) {
      ok(List.of("sandbox-seed", "--region", SOURCE, "--app", app, "--rows", "10"));
    }
    CliProcess.Result created =
        ok(List.of("--region", SOURCE, "--app", app, "migration-create", "--to", DESTINATION));
    Matcher m = ID.matcher(created.stdout());
    assertTrue(m.find(), created.toString());
    return m.group(1);
  }

  // ---- what must not change -----------------------------------------------------------------

  /**
   * The source app's configuration, whether the destination has it, every migration's status, the
   * waiting one's history.
   */
  record Snapshot(
      JsonNode source,
      int destinationStatus,
      Map<String, String> migrations,
      String waiting,
      int waitingHistoryLength) {
    Snapshot withoutHistory() {
      return new Snapshot(source, destinationStatus, migrations, waiting, 0);
    }
  }

  private Snapshot snapshot() {
    RegionApi source = new RegionApi(regions.get(SOURCE));
    ObjectNode config = JSON.createObjectNode();
    config.set("app", source.app(APP).orElseThrow());
    for (String part :
        List.of("variables", "collaborators", "domains", "notifiers", "containers", "addons")) {
      config.set(part, source.get("/v1/apps/" + APP + "/" + part).body());
    }
    int destination = new RegionApi(regions.get(DESTINATION)).get("/v1/apps/" + APP).status();
    Map<String, String> all = new TreeMap<>();
    temporal
        .listExecutions("WorkflowType=\"" + AppMigrationWorkflow.WORKFLOW_TYPE + "\"")
        .forEach(e -> all.put(e.getExecution().getWorkflowId(), e.getStatus().name()));
    Migration waiting = migrations.status(waitingId);
    String waitingView =
        waiting.status() + " " + waiting.steps().size() + " steps, requested " + waiting.phase();
    return new Snapshot(config, destination, all, waitingView, history(waitingId).size());
  }

  private void assertUnchanged(Snapshot before, String what) {
    Snapshot after = snapshot();
    assertEquals(before.source(), after.source(), what + ": the source app changed");
    assertEquals(
        before.destinationStatus(), after.destinationStatus(), what + ": the destination changed");
    assertEquals(
        before.migrations(), after.migrations(), what + ": the list of migrations changed");
    assertEquals(before.waiting(), after.waiting(), what + ": the waiting migration changed");
    assertEquals(
        before.waitingHistoryLength(),
        after.waitingHistoryLength(),
        what + ": history events were added");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Row row(String description, int exitCode, String stderr, List<String> argv) {
    return new Row(description, argv, exitCode, stderr);
  }

  private static List<String> app(String... args) {
    List<String> argv = new ArrayList<>(List.of("--region", SOURCE, "--app", APP));
    argv.addAll(List.of(args));
    return argv;
  }

  private static HandlerRow refused(
      String description, String sentence, Consumer<BadInputTableIT> call) {
    return new HandlerRow(
        description,
        t -> {
          MigrationRejectedException e =
              assertThrows(MigrationRejectedException.class, () -> call.accept(t));
          assertEquals(sentence + ".", e.getMessage());
        },
        false);
  }

  private WorkflowStub untyped(String id) {
    return temporal.newUntypedWorkflowStub(AppMigrationWorkflow.workflowId(id));
  }

  private List<HistoryEvent> history(String id) {
    return temporal.fetchHistory(AppMigrationWorkflow.workflowId(id)).getEvents();
  }

  private WorkflowExecutionStatus describeStatus(String id) {
    return untyped(id).describe().getStatus();
  }

  /**
   * Waits until the history has at least {@code length} events and ends with a completed workflow
   * task.
   */
  private void awaitIdle(String id, int length) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<HistoryEvent> events = history(id);
      if (events.size() > length
          && events.get(events.size() - 1).getEventType()
              == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        return;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("the workflow did not run a task for the signal within 20 s");
  }

  private Migration awaitStatus(
      String id, java.util.function.Predicate<MigrationStatus> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Migration m = migrations.status(id);
    while (!done.test(m.status())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out; last status: " + m);
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(300));
      m = migrations.status(id);
    }
    return m;
  }

  private CliProcess.Result ok(List<String> args) {
    CliProcess.Result r = CliProcess.run(env, args);
    assertEquals(0, r.exitCode(), r.toString());
    return r;
  }
}
