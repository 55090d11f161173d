package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.activities.data.DataProgress;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.mysql.MySqlFingerprint;
import io.regionmove.sandbox.redis.RedisFingerprint;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.PendingActivities;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker process is SIGKILLed while an engine restores (pg_restore, the mariadb client, the
 * Redis RESTOREs); a new worker process picks the restore up after its heartbeat times out,
 * restores again from a clean destination, and the migration ends with the data verified. It runs
 * on a real Temporal server: the Java test server never moves a workflow task off a dead worker's
 * sticky queue, so the migration would stall there.
 */
class WorkerKilledDuringRestoreIT {

  /** Extra rows on top of the sample app's, so that the restore takes a few seconds. */
  private static final int EXTRA_EVENTS = 600_000;

  /** Rows added to the mysql sample app, so that its restore takes a few seconds. */
  private static final int MYSQL_EVENTS = 300_000;

  /** Keys of the redis sample app, so that its restore takes a few seconds. */
  private static final int REDIS_KEYS = 100_000;

  @RegisterExtension
  static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer().withEngines();

  @Test
  void aWorkerKilledDuringRestoreIsReplacedAndTheDataStillArrivesWhole() throws Exception {
    stack.seedSourceApp("my-app", 10_000);
    String sourceDatabase = SandboxProbe.databaseUrls(stack.source(), "my-app").get(0);
    SandboxProbe.addSampleEvents(stack.source(), "my-app", EXTRA_EVENTS);
    Map<String, DatabaseFingerprint.Table> sourceData = DatabaseFingerprint.of(sourceDatabase);

    WorkerProcess first = startWorker();
    AppMigrationWorkflow migration = stack.startMigration("my-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);

    awaitRunningRestore(untyped, first);
    List<WorkerProcess.Descendant> killed = first.kill();
    assertFalse(first.process().isAlive());
    assertTrue(
        killed.stream().anyMatch(d -> d.command().contains("pg_restore")),
        () -> "pg_restore was running when the worker was killed: " + killed);
    assertTrue(
        killed.stream().noneMatch(d -> d.handle().isAlive()), "no orphan pg_restore is left");

    WorkerProcess second = startWorker();
    Migration migrated = data.getResult(120, TimeUnit.SECONDS);
    assertEquals(
        MigrationStatus.DATA_MIGRATED,
        migrated.status(),
        () -> "data: " + migrated + "\n" + second.log());
    assertTrue(restoreAttempts(id) >= 2, "the restore ran again on the new worker");

    List<String> destinationDatabases = SandboxProbe.databaseUrls(stack.destination(), "my-app");
    assertEquals(1, destinationDatabases.size());
    assertEquals(sourceData, DatabaseFingerprint.of(destinationDatabases.get(0)));

    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);
  }

  @Test
  void aWorkerKilledDuringAMysqlRestoreIsReplacedAndTheDataStillArrivesWhole() throws Exception {
    String app = "my-mysql-app";
    stack.seedSourceApp(app, 10_000, List.of("mysql"));
    SandboxProbe.addMysqlSampleEvents(stack.source(), app, MYSQL_EVENTS);
    Map<String, MySqlFingerprint.Table> sourceData =
        MySqlFingerprint.of(SandboxProbe.addonUrl(stack.source(), app, "mysql"));

    WorkerProcess first = startWorker();
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);

    awaitRunningRestore(untyped, first, "mariadb");
    List<WorkerProcess.Descendant> killed = first.kill();
    assertTrue(
        killed.stream().anyMatch(d -> d.command().matches("\\S*/mariadb( .*)?")),
        () -> "the mariadb client was restoring when the worker was killed: " + killed);
    assertTrue(killed.stream().noneMatch(d -> d.handle().isAlive()), "no orphan client is left");

    WorkerProcess second = startWorker();
    Migration migrated = data.getResult(180, TimeUnit.SECONDS);
    assertEquals(
        MigrationStatus.DATA_MIGRATED,
        migrated.status(),
        () -> "data: " + migrated + "\n" + second.log());
    assertTrue(restoreAttempts(id) >= 2, "the restore ran again on the new worker");
    assertEquals(
        sourceData, MySqlFingerprint.of(SandboxProbe.addonUrl(stack.destination(), app, "mysql")));
  }

  @Test
  void aWorkerKilledDuringARedisRestoreIsReplacedAndEveryKeyStillArrives() throws Exception {
    String app = "my-redis-app";
    stack.seedSourceApp(app, REDIS_KEYS, List.of("redis"));
    String sourceUrl = SandboxProbe.addonUrl(stack.source(), app, "redis");

    WorkerProcess first = startWorker();
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);

    DataProgress restoring =
        PendingActivities.awaitProgress(
            untyped,
            "RestoreAddon",
            p -> p.stage().startsWith("restoring"),
            Duration.ofSeconds(90));
    first.kill();
    assertFalse(first.process().isAlive());
    assertTrue(
        PendingActivities.started(untyped, "RestoreAddon").isPresent(),
        () -> "the restore was running when the worker was killed: " + restoring);

    WorkerProcess second = startWorker();
    Migration migrated = data.getResult(180, TimeUnit.SECONDS);
    assertEquals(
        MigrationStatus.DATA_MIGRATED,
        migrated.status(),
        () -> "data: " + migrated + "\n" + second.log());
    assertTrue(restoreAttempts(id) >= 2, "the restore ran again on the new worker");

    long reading = System.nanoTime();
    RedisFingerprint source = RedisFingerprint.of(sourceUrl);
    RedisFingerprint destination =
        RedisFingerprint.of(SandboxProbe.addonUrl(stack.destination(), app, "redis"));
    // TTLs count down while both sides are read: 2 s of SPEC §8 plus the time reading took.
    long tolerance = 2_000 + Duration.ofNanos(System.nanoTime() - reading).toMillis();
    assertEquals(REDIS_KEYS, destination.size());
    assertEquals(List.of(), source.differencesFrom(destination, tolerance, 10));
    assertEquals(source.digest(), destination.digest());
  }

  /** The workers of the running test: stopped after it, so the next test's worker is alone. */
  private final List<WorkerProcess> workers = new ArrayList<>();

  private WorkerProcess startWorker() {
    WorkerProcess worker = stack.startWorkerProcess().awaitStarted(Duration.ofSeconds(30));
    workers.add(worker);
    return worker;
  }

  @AfterEach
  void stopWorkers() {
    workers.forEach(WorkerProcess::close);
  }

  /** Waits until the RestoreAddon activity has started and its pg_restore runs under the worker. */
  private static void awaitRunningRestore(WorkflowStub workflow, WorkerProcess worker) {
    awaitRunningRestore(workflow, worker, "pg_restore");
  }

  /** Waits until the RestoreAddon activity has started and {@code tool} runs under the worker. */
  private static void awaitRunningRestore(
      WorkflowStub workflow, WorkerProcess worker, String tool) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    boolean started = false;
    while (Instant.now().isBefore(deadline)) {
      if (!started) {
        List<PendingActivityInfo> pending =
            workflow.describe().getRawDescription().getPendingActivitiesList();
        started =
            pending.stream()
                .anyMatch(
                    a ->
                        a.getActivityType().getName().equals("RestoreAddon")
                            && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      }
      if (started
          && worker
              .process()
              .descendants()
              .anyMatch(p -> p.info().command().orElse("").endsWith("/" + tool))) {
        return;
      }
      if (!worker.process().isAlive()) {
        throw new AssertionError("the worker exited:\n" + worker.log());
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError(
        "the restore did not start in time (activity started: " + started + ")\n" + worker.log());
  }

  /** The attempt number the history records for the restore's final attempt. */
  private static int restoreAttempts(String workflowId) {
    Set<Long> restores = new HashSet<>();
    int attempts = 0;
    for (HistoryEvent event : stack.client().fetchHistory(workflowId).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()
          && event
              .getActivityTaskScheduledEventAttributes()
              .getActivityType()
              .getName()
              .equals("RestoreAddon")) {
        restores.add(event.getEventId());
      }
      if (event.hasActivityTaskStartedEventAttributes()
          && restores.contains(
              event.getActivityTaskStartedEventAttributes().getScheduledEventId())) {
        attempts = Math.max(attempts, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return attempts;
  }
}
