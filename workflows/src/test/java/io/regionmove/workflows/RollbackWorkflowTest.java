package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.APP;
import static io.regionmove.workflows.MigrationHarness.CACHE;
import static io.regionmove.workflows.MigrationHarness.DATABASE;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.FORMATION;
import static io.regionmove.workflows.MigrationHarness.SETTINGS;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static io.regionmove.workflows.MigrationHarness.SOURCE_URL;
import static io.regionmove.workflows.MigrationHarness.untyped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.CopyDirection;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.DataHandling;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.StepStatus;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/** SPEC §10 {@code migration-rollback}: the {@code rollback} update of a done migration. */
class RollbackWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  private MigrationHarness harness;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
  }

  @Test
  void rollbackAfterDataCopiesTheDestinationBackThenRestartsTheSourceAndDeletesTheDestination()
      throws Exception {
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();
    String id = id(workflow);
    harness.env.sleep(Duration.ofDays(3));

    Migration rolledBack = workflow.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rolledBack.status());
    assertEquals(Phase.ROLLBACK, rolledBack.phase());
    assertEquals(SOURCE_URL, rolledBack.url(), "the app answers at its source URL again");
    assertTrue(rolledBack.cnames().isEmpty(), "no DNS change to make any more");
    assertTrue(rolledBack.errors().isEmpty(), rolledBack.errors()::toString);
    assertTrue(
        rolledBack.steps().stream()
            .filter(s -> s.phase() == Phase.ROLLBACK)
            .allMatch(s -> s.status() == StepStatus.DONE),
        rolledBack.steps()::toString);
    assertEquals("rolled-back", searchAttribute(workflow, "RegionMigrationStatus"));

    InOrder rollback = inOrder(harness.region, harness.data);
    rollback.verify(harness.region).stopApp(dst(id));
    rollback.verify(harness.data).backupAddon(back(id, DATABASE));
    rollback.verify(harness.data).verifyAddon(back(id, DATABASE));
    rollback.verify(harness.region).removeRedirect(src(id));
    rollback.verify(harness.region).unfreezeSource(src(id));
    rollback.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
    rollback.verify(harness.region).readUrl(src(id));
    rollback.verify(harness.region).deprovisionAddon(addon(id, DATABASE));
    rollback.verify(harness.region).deprovisionAddon(addon(id, CACHE));
    rollback.verify(harness.region).deleteApp(dst(id));
    // Every backup the migration made is deleted once it has rolled back (SPEC §10).
    rollback.verify(harness.data).deleteBackup(addon(id, DATABASE));
    rollback.verify(harness.data).deleteBackup(back(id, DATABASE));
    InOrder restoreFirst = inOrder(harness.data);
    restoreFirst.verify(harness.data).restoreAddon(RestoreInput.whileBackingUp(back(id, DATABASE)));
    restoreFirst.verify(harness.data).verifyAddon(back(id, DATABASE));
    verify(harness.data, never()).backupAddon(back(id, CACHE));

    // The redirect window's timer is cancelled: the workflow ends now, the old app is kept.
    assertEquals(MigrationStatus.ROLLED_BACK, result(workflow).status());
    assertTrue(hasEvent(id, EventType.EVENT_TYPE_TIMER_CANCELED));
    verify(harness.region, never()).deleteSourceApp(any());
    harness.saveHistory(workflow, "rollback-after-data");
  }

  @Test
  void rollbackAfterAFinalizeWithoutDataHasNoDataToBringBack() {
    harness.start();
    AppMigrationWorkflow workflow = harness.created();
    String id = id(workflow);
    workflow.prepare();
    workflow.finalizeMigration();

    Migration rolledBack = workflow.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rolledBack.status());
    InOrder rollback = inOrder(harness.region, harness.data);
    rollback.verify(harness.region).stopApp(dst(id));
    rollback.verify(harness.region).removeRedirect(src(id));
    rollback.verify(harness.region).unfreezeSource(src(id));
    rollback.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
    rollback.verify(harness.region).deleteApp(dst(id));
    verify(harness.region, never()).deprovisionAddon(any());
    verify(harness.data, never()).backupAddon(any());
    verify(harness.data, never()).restoreAddon(any());
    verify(harness.data, never()).deleteBackup(any());
    assertEquals(MigrationStatus.ROLLED_BACK, result(workflow).status());
  }

  @Test
  void rollbackCopiesBackOnlyWhatAnEngineMovedAndDeprovisionsEveryAddon() {
    Addon database = new Addon("ad-pg-1", "postgresql", "starter-512", "15", DataHandling.ENGINE);
    Addon cache = new Addon("ad-kv-1", "memcached", "starter-256", "1", DataHandling.NONE);
    Addon documents = new Addon("ad-mongo-1", "mongodb", "starter-512", "7", DataHandling.MANUAL);
    when(harness.region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(database, cache, documents),
                FORMATION,
                List.of()));
    harness.start();
    String id = UUID.randomUUID().toString();
    AppMigrationWorkflow workflow =
        harness.begin(
            new MigrationRequest(
                id, APP, null, SOURCE, DESTINATION, SETTINGS, List.of(), List.of(documents.id())));
    harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    workflow.prepare();
    workflow.data();
    workflow.finalizeMigration();

    assertEquals(MigrationStatus.ROLLED_BACK, workflow.rollback().status());

    verify(harness.data).backupAddon(back(id, database));
    verify(harness.data).verifyAddon(back(id, database));
    for (Addon notByAnEngine : List.of(cache, documents)) {
      verify(harness.data, never()).backupAddon(back(id, notByAnEngine));
      verify(harness.data, never())
          .restoreAddon(RestoreInput.whileBackingUp(back(id, notByAnEngine)));
    }
    InOrder deprovisioned = inOrder(harness.region);
    for (Addon addon : List.of(database, cache, documents)) {
      deprovisioned.verify(harness.region).deprovisionAddon(addon(id, addon));
    }
    deprovisioned.verify(harness.region).deleteApp(dst(id));
  }

  @Test
  void rollbackIsRefusedOnceTheRedirectWindowsCleanupHasStarted() throws Exception {
    CountDownLatch cleaning = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    doAnswer(
            inv -> {
              cleaning.countDown();
              assertTrue(release.await(30, TimeUnit.SECONDS));
              return StepResult.of("redirect removed");
            })
        .when(harness.region)
        .removeRedirect(any());
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();
    String id = id(workflow);

    // Past the window by a second only: once the cleanup's activity runs, time no longer skips.
    harness.env.sleep(Duration.ofDays(30).plusSeconds(1));
    assertTrue(cleaning.await(30, TimeUnit.SECONDS));
    assertEquals(
        "cannot roll back: its redirect window is over, so the old app has been deleted",
        rejection(workflow::rollback));
    release.countDown();
    Migration closed = result(workflow);
    assertEquals(MigrationStatus.DONE, closed.status());
    assertEquals(Phase.CLEANUP, closed.phase());
    verify(harness.region).deleteSourceApp(move(id));
    verify(harness.region, never()).stopApp(dst(id));
    // Closed, the workflow takes no update at all.
    assertThrows(RuntimeException.class, workflow::rollback);
    verify(harness.region, never()).unfreezeSource(any());
  }

  @Test
  void rollbackOfAMigrationThatIsNotDoneIsRefusedWithOneSentenceAndLeavesNoTrace() {
    harness.start();
    AppMigrationWorkflow workflow = harness.created();
    String id = id(workflow);
    workflow.prepare();

    assertEquals(
        "cannot roll back: the migration is prepared; only a done migration can be rolled back"
            + " (abort undoes an unfinished one)",
        rejection(workflow::rollback));
    untyped(workflow).signal("rollback");
    assertEquals(MigrationStatus.ABORTED, workflow.abort().status());

    assertEquals(MigrationStatus.ABORTED, result(workflow).status());
    assertThrows(RuntimeException.class, workflow::rollback);
    assertTrue(
        harness.client().fetchHistory(id).getHistory().getEventsList().stream()
            .noneMatch(
                e ->
                    e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
                        && e.toString().contains("rollback")),
        "a refused rollback is not in the history");
    verify(harness.region, never()).stopApp(dst(id));
    verify(harness.region, never()).removeRedirect(any());
  }

  @Test
  void aFailingRollbackStepPutsTheMigrationInErrorAndARerunEndsRolledBack() throws Exception {
    when(harness.data.restoreAddon(argThat(in -> in.addon().direction() == CopyDirection.BACK)))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "pg_restore failed: disk full on agora-fr1", "BACKUP_INVALID"))
        .thenReturn(StepResult.of("restored"));
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();
    String id = id(workflow);

    Migration failed = workflow.rollback();

    assertEquals(MigrationStatus.ERROR, failed.status());
    assertEquals(Phase.ROLLBACK, failed.failedPhase());
    assertEquals(1, failed.errors().size(), failed.errors()::toString);
    assertTrue(failed.errors().get(0).contains("disk full"), failed.errors()::toString);
    assertEquals("error", searchAttribute(workflow, "RegionMigrationStatus"));
    assertEquals(
        "cannot abort: a rollback cannot be aborted; run rollback again to finish it",
        rejection(workflow::abort));
    assertEquals(
        "cannot run finalize: the rollback step failed; run rollback again",
        rejection(workflow::finalizeMigration));
    verify(harness.region, never()).removeRedirect(any());

    // Neither the idle guard nor the end of the redirect window touches a failed rollback.
    harness.env.sleep(Duration.ofDays(31));
    assertEquals(MigrationStatus.ERROR, workflow.status().status());
    verify(harness.region, never()).deleteSourceApp(any());
    verify(harness.region, never()).removeRedirect(any());

    Migration rerun = workflow.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rerun.status());
    assertTrue(rerun.errors().isEmpty(), rerun.errors()::toString);
    verify(harness.region, times(2)).stopApp(dst(id));
    verify(harness.data, times(2)).backupAddon(back(id, DATABASE));
    verify(harness.data, times(1)).verifyAddon(back(id, DATABASE));
    InOrder end = inOrder(harness.region, harness.data);
    end.verify(harness.region).unfreezeSource(src(id));
    end.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
    end.verify(harness.region).deleteApp(dst(id));
    end.verify(harness.data).deleteBackup(addon(id, DATABASE));
    end.verify(harness.data).deleteBackup(back(id, DATABASE));
    assertEquals(MigrationStatus.ROLLED_BACK, result(workflow).status());
    harness.saveHistory(workflow, "rollback-failed-then-rerun");
  }

  @Test
  void aRunningRollbackCannotBeAbortedNorAskedTwice() throws Exception {
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    doAnswer(
            inv -> {
              if (inv.<AppInput>getArgument(0).region().equals(DESTINATION)) {
                stopping.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS));
              }
              return StepResult.of("stopped");
            })
        .when(harness.region)
        .stopApp(any());
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();

    WorkflowUpdateHandle<Migration> rollingBack =
        untyped(workflow).startUpdate("rollback", WorkflowUpdateStage.ACCEPTED, Migration.class);
    assertTrue(stopping.await(30, TimeUnit.SECONDS));

    assertEquals(MigrationStatus.ROLLING_BACK, workflow.status().status());
    assertEquals("rolling-back", searchAttribute(workflow, "RegionMigrationStatus"));
    assertEquals(
        "cannot abort: a rollback cannot be aborted; wait for it to end",
        rejection(workflow::abort));
    assertEquals(
        "cannot roll back: the rollback step is still running; wait for it to end",
        rejection(workflow::rollback));
    release.countDown();

    assertEquals(MigrationStatus.ROLLED_BACK, rollingBack.getResult().status());
  }

  @Test
  void theRollbackSignalDrivesItToo() {
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();

    untyped(workflow).signal("rollback");

    assertEquals(MigrationStatus.ROLLED_BACK, result(workflow).status());
    verify(harness.region).deleteApp(dst(id(workflow)));
  }

  @Test
  void aWorkflowCancelledDuringItsRollbackLetsTheRollbackFinish() throws Exception {
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    doAnswer(
            inv -> {
              if (inv.<AppInput>getArgument(0).region().equals(DESTINATION)) {
                stopping.countDown();
                assertTrue(release.await(30, TimeUnit.SECONDS));
              }
              return StepResult.of("stopped");
            })
        .when(harness.region)
        .stopApp(any());
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();
    String id = id(workflow);
    untyped(workflow).startUpdate("rollback", WorkflowUpdateStage.ACCEPTED, Migration.class);
    assertTrue(stopping.await(30, TimeUnit.SECONDS));

    untyped(workflow).cancel();
    release.countDown();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(workflow));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    InOrder rollback = inOrder(harness.region);
    rollback.verify(harness.region).removeRedirect(src(id));
    rollback.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
    rollback.verify(harness.region).deleteApp(dst(id));
  }

  @Test
  void aWorkflowCancelledWhileItsRollbackFailedEndsCancelledWithoutTheWindowsCleanup() {
    when(harness.region.removeRedirect(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "agora-fr1 answered 403: token revoked", "REGION_REJECTED"));
    harness.start();
    AppMigrationWorkflow workflow = doneWithData();
    assertEquals(MigrationStatus.ERROR, workflow.rollback().status());

    untyped(workflow).cancel();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(workflow));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    verify(harness.region, never()).deleteSourceApp(any());
    verify(harness.region, never()).unfreezeSource(any());
  }

  @Test
  void rollbackAfterALiveCutoverBringsTheDestinationsWritesBackThroughTheReplicationBack()
      throws Exception {
    harness.start();
    AppMigrationWorkflow workflow = doneLive();
    String id = id(workflow);
    AddonInput database = addon(id, DATABASE);

    // The cutover: the slot back is made before the destination app starts, its subscription once
    // the forward replication is gone.
    InOrder cutover = inOrder(harness.region, harness.live);
    cutover.verify(harness.live).catchUp(any());
    cutover.verify(harness.live).prepareReverseReplication(database);
    cutover.verify(harness.region).startApp(new StartAppInput(dst(id), FORMATION));
    InOrder frozen = inOrder(harness.region, harness.live);
    frozen.verify(harness.live).catchUp(any());
    frozen.verify(harness.region).stopApp(src(id));
    frozen.verify(harness.region).startApp(new StartAppInput(dst(id), FORMATION));
    verify(harness.live, times(1)).prepareReverseReplication(database);
    cutover.verify(harness.region).redirectSource(any());
    cutover.verify(harness.live).stopReplication(database);
    cutover.verify(harness.live).stopReplicationSource(database);
    cutover.verify(harness.live).startReverseReplication(database);
    harness.env.sleep(Duration.ofDays(3));

    Migration rolledBack = workflow.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rolledBack.status(), rolledBack::toString);
    assertTrue(rolledBack.errors().isEmpty(), rolledBack.errors()::toString);
    assertEquals(SOURCE_URL, rolledBack.url());
    InOrder rollback = inOrder(harness.region, harness.live, harness.data);
    rollback.verify(harness.region).stopApp(dst(id));
    rollback.verify(harness.live).catchUpBack(database);
    rollback.verify(harness.data).verifyAddon(database.back());
    rollback.verify(harness.live).stopReverseReplication(database);
    rollback.verify(harness.live).stopReverseReplicationSource(database);
    rollback.verify(harness.live).unfreezeSourceDatabase(database);
    rollback.verify(harness.region).removeRedirect(src(id));
    rollback.verify(harness.region).unfreezeSource(src(id));
    rollback.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
    rollback.verify(harness.region).deprovisionAddon(database);
    rollback.verify(harness.region).deprovisionAddon(addon(id, CACHE));
    rollback.verify(harness.region).deleteApp(dst(id));
    verify(harness.data, never()).backupAddon(any());
    verify(harness.data, never()).restoreAddon(any());
    assertEquals(MigrationStatus.ROLLED_BACK, result(workflow).status());
    verify(harness.region, never()).deleteSourceApp(any());
    harness.saveHistory(workflow, "live-rollback");
  }

  @Test
  void aLiveRollbackThatFailsAfterTheCatchUpBackDoesNotCatchUpAgainWhenRunAgain() {
    when(harness.live.stopReverseReplicationSource(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "osc-fr1 answered 403: token revoked", "REGION_REJECTED"))
        .thenReturn(StepResult.of("dropped"));
    harness.start();
    AppMigrationWorkflow workflow = doneLive();
    String id = id(workflow);
    AddonInput database = addon(id, DATABASE);

    Migration failed = workflow.rollback();
    assertEquals(MigrationStatus.ERROR, failed.status(), failed::toString);
    assertTrue(failed.errors().get(0).contains("token revoked"), failed.errors()::toString);
    verify(harness.region, never()).removeRedirect(any());

    Migration rerun = workflow.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rerun.status(), rerun::toString);
    verify(harness.live, times(1)).catchUpBack(database);
    verify(harness.live, times(2)).stopReverseReplicationSource(database);
    InOrder end = inOrder(harness.live, harness.region);
    end.verify(harness.live).unfreezeSourceDatabase(database);
    end.verify(harness.region).startApp(new StartAppInput(src(id), FORMATION));
  }

  @Test
  void theRedirectWindowsEndDropsTheReplicationBackBeforeDeletingTheOldApp() {
    harness.start();
    AppMigrationWorkflow workflow = doneLive();
    String id = id(workflow);
    AddonInput database = addon(id, DATABASE);

    harness.env.sleep(Duration.ofDays(31));

    Migration closed = result(workflow);
    assertEquals(MigrationStatus.DONE, closed.status());
    assertTrue(closed.errors().isEmpty(), closed.errors()::toString);
    InOrder cleanup = inOrder(harness.live, harness.region);
    cleanup.verify(harness.live).stopReverseReplication(database);
    cleanup.verify(harness.live).stopReverseReplicationSource(database);
    cleanup.verify(harness.region).removeRedirect(src(id));
    cleanup.verify(harness.region).deleteSourceApp(move(id));
    verify(harness.live, never()).catchUpBack(any());
    verify(harness.region, never()).stopApp(dst(id));
  }

  @Test
  void aWorkflowCancelledDuringTheRedirectWindowDropsTheReplicationBack() {
    harness.start();
    AppMigrationWorkflow workflow = doneLive();
    String id = id(workflow);

    untyped(workflow).cancel();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(workflow));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    InOrder drop = inOrder(harness.live);
    drop.verify(harness.live).stopReverseReplication(addon(id, DATABASE));
    drop.verify(harness.live).stopReverseReplicationSource(addon(id, DATABASE));
    verify(harness.region, never()).deleteSourceApp(any());
  }

  @Test
  void aWorkflowCancelledWhileItsLiveRollbackFailedDropsTheReplicationBack() {
    harness.start();
    AppMigrationWorkflow workflow = doneLive();
    String id = id(workflow);
    when(harness.live.catchUpBack(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The replication of addon ad-pg-1 back from region osc-fr1 stopped after an error",
                "VERIFICATION_FAILED"));
    assertEquals(MigrationStatus.ERROR, workflow.rollback().status());
    verify(harness.live, never()).stopReverseReplication(any());

    untyped(workflow).cancel();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> result(workflow));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    InOrder drop = inOrder(harness.live);
    drop.verify(harness.live).stopReverseReplication(addon(id, DATABASE));
    drop.verify(harness.live).stopReverseReplicationSource(addon(id, DATABASE));
    verify(harness.region, never()).deleteSourceApp(any());
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A migration done by a live cutover ({@code data-live}, then finalize). */
  private AppMigrationWorkflow doneLive() {
    when(harness.live.checkLiveSource(any()))
        .thenReturn(new CheckResult(List.of(Check.passed("live wal_level"))));
    when(harness.live.startReplication(any()))
        .thenReturn(new LiveCopyResult(3, 4096, 120, List.of("replication runs")));
    // As the real watch: it heartbeats until the cutover cancels it; it ends once the cutover has
    // begun (the test server neither cancels an activity that completed in the workflow task that
    // cancels it, nor skips time while one runs).
    AtomicBoolean cuttingOver = new AtomicBoolean();
    when(harness.live.watchReplication(any()))
        .thenAnswer(
            invocation -> {
              while (!cuttingOver.get()) {
                Activity.getExecutionContext().heartbeat(Map.of("lagBytes", 0));
                Thread.sleep(100);
              }
              return StepResult.of("watched");
            });
    when(harness.live.verifyBeforeCutover(any()))
        .thenAnswer(
            invocation -> {
              cuttingOver.set(true);
              return new LiveCheckResult("rm_x_v0", 3, 10_000, 1, List.of("equal"));
            });
    when(harness.live.catchUp(any())).thenReturn(new CutoverResult(12, 1, 0, List.of("caught up")));
    when(harness.live.catchUpBack(any()))
        .thenReturn(new CutoverResult(0, 1, 0, List.of("caught up back")));
    AppMigrationWorkflow workflow = harness.created();
    workflow.prepare();
    assertEquals(MigrationStatus.DATA_REPLICATING, workflow.dataLive().status());
    Migration done = workflow.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), done::toString);
    return workflow;
  }

  private AppMigrationWorkflow doneWithData() {
    AppMigrationWorkflow workflow = harness.created();
    workflow.prepare();
    workflow.data();
    assertEquals(MigrationStatus.DONE, workflow.finalizeMigration().status());
    return workflow;
  }

  private static Migration result(AppMigrationWorkflow workflow) {
    return untyped(workflow).getResult(Migration.class);
  }

  private boolean hasEvent(String workflowId, EventType type) {
    return harness.client().fetchHistory(workflowId).getHistory().getEventsList().stream()
        .anyMatch(e -> e.getEventType() == type);
  }

  private static String rejection(Runnable update) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    return cause.getOriginalMessage();
  }

  private String searchAttribute(AppMigrationWorkflow workflow, String name) {
    List<?> values = untyped(workflow).describe().getSearchAttributes().get(name);
    return values == null || values.isEmpty() ? null : String.valueOf(values.get(0));
  }

  private static String id(AppMigrationWorkflow workflow) {
    return untyped(workflow).getExecution().getWorkflowId();
  }

  private static AppInput src(String id) {
    return new AppInput(id, SOURCE, APP);
  }

  private static AppInput dst(String id) {
    return new AppInput(id, DESTINATION, APP);
  }

  private static MoveInput move(String id) {
    return new MoveInput(id, SOURCE, APP, DESTINATION, APP);
  }

  private static AddonInput addon(String id, Addon addon) {
    return new AddonInput(move(id), addon);
  }

  private static AddonInput back(String id, Addon addon) {
    return addon(id, addon).back();
  }
}
