package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.DatabaseFingerprint;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worker process is SIGKILLed while pg_restore runs; a new worker process picks the restore up
 * after its heartbeat times out, restores again from a clean destination, and the migration ends
 * with the data verified. It runs on a real Temporal server: the Java test server never moves a
 * workflow task off a dead worker's sticky queue, so the migration would stall there.
 */
class WorkerKilledDuringRestoreIT {

  /** Extra rows on top of the sample app's, so that the restore takes a few seconds. */
  private static final int EXTRA_EVENTS = 600_000;

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  @Test
  void aWorkerKilledDuringRestoreIsReplacedAndTheDataStillArrivesWhole() throws Exception {
    stack.seedSourceApp("my-app", 10_000);
    String sourceDatabase = SandboxProbe.databaseUrls(stack.source(), "my-app").get(0);
    SandboxProbe.addSampleEvents(stack.source(), "my-app", EXTRA_EVENTS);
    Map<String, DatabaseFingerprint.Table> sourceData = DatabaseFingerprint.of(sourceDatabase);

    WorkerProcess first = stack.startWorkerProcess().awaitStarted(Duration.ofSeconds(30));
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

    WorkerProcess second = stack.startWorkerProcess().awaitStarted(Duration.ofSeconds(30));
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

  /** Waits until the RestoreAddon activity has started and its pg_restore runs under the worker. */
  private static void awaitRunningRestore(WorkflowStub workflow, WorkerProcess worker) {
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
          && worker.process().descendants().anyMatch(WorkerKilledDuringRestoreIT::isPgRestore)) {
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

  private static boolean isPgRestore(ProcessHandle process) {
    return process.info().command().orElse("").contains("pg_restore");
  }
}
