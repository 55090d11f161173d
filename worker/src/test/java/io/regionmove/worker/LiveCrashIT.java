package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.KilledWorker;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.worker.CrashPoints.Point;
import io.regionmove.worker.CrashPoints.When;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live migration (prepare, data-live, finalize) whose worker process is SIGKILLed once before and
 * once after each activity call of the live data step and of the cutover, a new worker taking over
 * each time: it ends as without the crashes, done with the data equal and no replication slot,
 * publication or subscription left.
 */
class LiveCrashIT {

  private static final int ROWS = 3_000;
  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(5);

  /** The activity calls of the live data step and of the cutover, in the order they run. */
  private static final List<String> CALLS =
      List.of(
          "CheckLiveSource",
          "ProvisionAddon",
          "AllowReplication",
          "StartReplication",
          "VerifyBeforeCutover",
          "ReadFormation",
          "CatchUp",
          "StopApp",
          "StartApp",
          "RedirectSource",
          "StopReplication",
          "StopReplicationSource",
          "StartReverseReplication");

  /** Heartbeating activities: a dead attempt is left to the heartbeat time-out. */
  private static final Set<String> LONG =
      Set.of(
          "StartReplication",
          "VerifyBeforeCutover",
          "CatchUp",
          "WatchReplication",
          "StartReverseReplication");

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  @Test
  void aWorkerKilledBeforeAndAfterEveryLiveActivityStillMovesTheAppWithNothingLeftBehind()
      throws Exception {
    String app = "live-crash-app";
    stack.seedSourceApp(app, ROWS);
    String sourceUrl = SandboxProbe.databaseUrl(stack.source(), app);
    Map<String, DatabaseFingerprint.Table> sourceData = DatabaseFingerprint.of(sourceUrl);
    List<Point> planned = new ArrayList<>();
    for (String call : CALLS) {
      planned.add(new Point(call, When.BEFORE, 1));
      planned.add(new Point(call, When.AFTER, 2));
    }
    CrashPoints remaining = new CrashPoints(planned);
    List<Point> killedAt = new ArrayList<>();
    WorkerProcess worker = startWorker(remaining);
    List<WorkerProcess> workers = new ArrayList<>(List.of(worker));
    try {
      worker.awaitStarted(Duration.ofSeconds(30));
      AppMigrationWorkflow migration = stack.startMigration(app);
      WorkflowStub untyped = WorkflowStub.fromTyped(migration);
      CompletableFuture<Migration> driven = CompletableFuture.supplyAsync(() -> drive(untyped));
      Instant deadline = Instant.now().plus(PHASE_TIMEOUT.multipliedBy(4));
      while (!driven.isDone()) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("the migration did not end; worker log:\n" + worker.log());
        }
        Optional<Point> reached = CrashPoints.reachedIn(worker.log());
        if (reached.isEmpty()) {
          if (!worker.process().isAlive()) {
            throw new AssertionError("the worker exited on its own:\n" + worker.log());
          }
          RegionmoveTestStack.sleep(Duration.ofMillis(25));
          continue;
        }
        worker.kill();
        assertFalse(worker.process().isAlive());
        killedAt.add(reached.get());
        remaining = remaining.without(reached.get());
        worker = startWorker(remaining);
        workers.add(worker);
        KilledWorker.resetStickyQueues(stack, untyped.getExecution(), app);
        KilledWorker.failDeadAttempts(stack, untyped.getExecution(), LONG);
        worker.awaitStarted(Duration.ofSeconds(30));
      }
      Migration done = driven.get();

      assertEquals(planned, killedAt, "every point reached, in order, killed once");
      assertEquals(MigrationStatus.DONE, done.status(), done::toString);
      String destinationUrl = SandboxProbe.databaseUrl(stack.destination(), app);
      Map<String, DatabaseFingerprint.Table> destinationData =
          DatabaseFingerprint.of(destinationUrl);
      // The marker of the replication back stays there until the redirect window ends.
      destinationData.remove("regionmove.live_marker_back");
      assertEquals(sourceData, destinationData, "the data is equal");
      assertEquals(List.of(), LiveProbe.leftovers(stack, sourceUrl, destinationUrl));
      // Only the replication back's marker is left, until the redirect window ends.
      String markers =
          "SELECT count(*) FROM pg_tables WHERE schemaname = 'regionmove'"
              + " AND tablename <> 'live_marker_back'";
      assertEquals("0", LiveProbe.one(sourceUrl, markers));
      assertEquals("0", LiveProbe.one(destinationUrl, markers));
      assertEquals(
          1,
          SandboxProbe.addonDatabaseNames(
                  stack.postgres(RegionmoveTestStack.DESTINATION), stack.destination(), app)
              .size(),
          "one destination database, made once");
      assertEquals(200, LiveProbe.routerStatus(stack.destination(), app));
      assertEquals(308, LiveProbe.routerStatus(stack.source(), app));
    } finally {
      for (WorkerProcess w : workers) {
        w.close();
      }
    }
  }

  private static Migration drive(WorkflowStub workflow) {
    RegionmoveTestStack.awaitStatus(
        stack
            .client()
            .newWorkflowStub(AppMigrationWorkflow.class, workflow.getExecution().getWorkflowId()),
        m -> m.status() == MigrationStatus.PREFLIGHT_SUCCESS,
        PHASE_TIMEOUT);
    Migration prepared = update(workflow, "prepare");
    assertEquals(MigrationStatus.PREPARED, prepared.status(), prepared::toString);
    Migration replicating = update(workflow, "data-live");
    assertEquals(MigrationStatus.DATA_REPLICATING, replicating.status(), replicating::toString);
    return update(workflow, "finalize");
  }

  /** One step's update with a fixed id, asked again until a live worker answers it. */
  private static Migration update(WorkflowStub workflow, String name) {
    UpdateOptions<Migration> options =
        UpdateOptions.newBuilder(Migration.class)
            .setUpdateName(name)
            .setUpdateId(workflow.getExecution().getWorkflowId() + "-" + name)
            .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
            .build();
    Instant deadline = Instant.now().plus(PHASE_TIMEOUT);
    while (true) {
      try {
        WorkflowUpdateHandle<Migration> handle = workflow.startUpdate(options);
        return handle.getResult(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (WorkflowServiceException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        RegionmoveTestStack.sleep(Duration.ofMillis(500));
      }
    }
  }

  private static WorkerProcess startWorker(CrashPoints points) {
    return stack.startWorkerProcess(
        WorkerProcess.Launch.mainClass(CrashingWorkerMain.class)
            .withEnvironment(CrashPoints.VARIABLE, points.toString()));
  }
}
