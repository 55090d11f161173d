package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.DATABASE;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.FORMATION;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static io.regionmove.workflows.MigrationHarness.untyped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.FailureType;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;
import org.mockito.stubbing.Answer;

/**
 * Live data mode in the workflow, with mocked activities: {@code data-live} replicates while the
 * source keeps running and ends {@code data-replicating} with the lag watched; finalize is the
 * cutover in its order; abort from {@code data-replicating} or during the cutover drops the
 * replication, deprovisions and leaves the source running and writable; a cutover that finds a
 * difference ends in error with the source untouched.
 */
class LiveMigrationWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  /** An addon without data: provisioned only. */
  private static final Addon LOGS = new Addon("ad-logs-1", "elasticsearch", "starter", "8");

  private MigrationHarness harness;
  private final CountDownLatch watching = new CountDownLatch(1);

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
    when(harness.region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(DATABASE, LOGS),
                FORMATION,
                List.of("my-app.example.com")));
    when(harness.live.checkLiveSource(any()))
        .thenReturn(
            new CheckResult(
                List.of(
                    Check.passed("live wal_level"),
                    new Check("live large objects", true, "1 large object copied at cutover"))));
    when(harness.live.startReplication(any()))
        .thenReturn(new LiveCopyResult(3, 4096, 120, List.of("replication runs")));
    when(harness.live.verifyBeforeCutover(any()))
        .thenReturn(new LiveCheckResult("rm_x_v0", 3, 10_000, 1, List.of("equal")));
    when(harness.live.catchUp(any())).thenReturn(new CutoverResult(12, 1, 1, List.of("caught up")));
    when(harness.live.watchReplication(any())).thenAnswer(heartbeatUntilCancelled(watching));
    harness.start();
  }

  /** An activity that heartbeats a lag until it is cancelled, as the real watch does. */
  private static Answer<StepResult> heartbeatUntilCancelled(CountDownLatch started) {
    return invocation -> {
      started.countDown();
      while (true) {
        Activity.getExecutionContext()
            .heartbeat(Map.of("addon", DATABASE.id(), "lagBytes", 512, "lagSeconds", 0.1));
        Thread.sleep(100);
      }
    };
  }

  private AppMigrationWorkflow replicating() throws InterruptedException {
    AppMigrationWorkflow workflow = harness.created();
    assertEquals(MigrationStatus.PREPARED, workflow.prepare().status());
    Migration migration = workflow.dataLive();
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.status(), migration.toString());
    assertTrue(watching.await(30, TimeUnit.SECONDS), "the lag is watched");
    return workflow;
  }

  @Test
  void dataLiveReplicatesWhileTheSourceRunsAndFinalizeCutsOverInOrder() throws Exception {
    AppMigrationWorkflow workflow = replicating();
    Migration replicating = workflow.status();
    assertTrue(
        replicating.steps().stream()
            .anyMatch(
                s ->
                    s.name().startsWith("Replicate postgresql")
                        && s.status() == StepStatus.RUNNING),
        replicating.steps().toString());
    verify(harness.region, never()).stopApp(any());
    verify(harness.data, never()).backupAddon(any());

    Migration done = workflow.finalizeMigration();

    assertEquals(MigrationStatus.DONE, done.status(), done.errors().toString());
    InOrder order = inOrder(harness.region, harness.live);
    order.verify(harness.live).checkLiveSource(any());
    order.verify(harness.region).provisionAddon(argThat(a -> a.addon().equals(DATABASE)));
    order.verify(harness.live).allowReplication(any());
    order.verify(harness.live).startReplication(any());
    order.verify(harness.live).watchReplication(any());
    order.verify(harness.live).verifyBeforeCutover(any());
    order.verify(harness.region).readFormation(any());
    order.verify(harness.live).catchUp(argThat(c -> "rm_x_v0".equals(c.verificationSlot())));
    order.verify(harness.region).stopApp(source());
    order.verify(harness.region).startApp(argThat(s -> s.app().region().equals(DESTINATION)));
    order.verify(harness.region).redirectSource(any());
    order.verify(harness.live).stopReplication(any());
    order.verify(harness.live).stopReplicationSource(any());
    verify(harness.live, never()).checkLiveSource(argThat(a -> a.addon().equals(LOGS)));
    Step watch =
        done.steps().stream()
            .filter(s -> s.name().startsWith("Replicate postgresql"))
            .findFirst()
            .orElseThrow();
    assertEquals(StepStatus.DONE, watch.status(), watch.toString());
    harness.saveHistory(workflow, "live-happy-path");
  }

  @Test
  void replicationForHoursAddsNothingToTheHistory() throws Exception {
    AppMigrationWorkflow workflow = replicating();
    int before = historyLength(workflow);
    Thread.sleep(3_000);
    assertEquals(before, historyLength(workflow), "the watch's heartbeats are not history events");
    workflow.abort();
  }

  @Test
  void abortWhileReplicatingDropsTheReplicationAndLeavesTheSourceRunning() throws Exception {
    AppMigrationWorkflow workflow = replicating();

    Migration aborted = workflow.abort();

    assertEquals(MigrationStatus.ABORTED, aborted.status(), aborted.errors().toString());
    InOrder order = inOrder(harness.region, harness.live);
    order.verify(harness.live).stopReplication(any());
    order.verify(harness.live).stopReplicationSource(any());
    order.verify(harness.region).deprovisionAddon(argThat(a -> a.addon().equals(DATABASE)));
    order.verify(harness.region).unfreezeSource(any());
    verify(harness.region, never()).stopApp(any());
    verify(harness.live, never()).catchUp(any());
    verify(harness.region, never()).startApp(any());
    harness.saveHistory(workflow, "live-abort-while-replicating");
  }

  @Test
  void abortDuringTheFrozenWindowUnfreezesAndDropsTheReplicationTheAppNeverStopped()
      throws Exception {
    CountDownLatch catchingUp = new CountDownLatch(1);
    when(harness.live.catchUp(any())).thenAnswer(heartbeatUntilCancelled(catchingUp));
    AppMigrationWorkflow workflow = replicating();
    WorkflowUpdateHandle<Migration> finalize =
        untyped(workflow).startUpdate("finalize", WorkflowUpdateStage.ACCEPTED, Migration.class);
    assertTrue(catchingUp.await(30, TimeUnit.SECONDS), "the cutover reached its frozen window");

    Migration aborted = workflow.abort();

    assertEquals(MigrationStatus.ABORTED, aborted.status(), aborted.errors().toString());
    assertEquals(MigrationStatus.ABORTED, finalize.getResult(30, TimeUnit.SECONDS).status());
    InOrder order = inOrder(harness.region, harness.live);
    order.verify(harness.live).unfreezeSourceDatabase(any());
    order.verify(harness.live).stopReplication(any());
    order.verify(harness.live).stopReplicationSource(any());
    order.verify(harness.region).deprovisionAddon(argThat(a -> a.addon().equals(DATABASE)));
    verify(harness.region, never()).redirectSource(any());
    verify(harness.region, never()).stopApp(any());
    verify(harness.region, never()).startApp(sourceStart());
  }

  @Test
  void aCutoverThatFindsADifferenceEndsInErrorWithTheSourceStillRunning() throws Exception {
    when(harness.live.verifyBeforeCutover(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The destination copy of addon ad-pg-1 differs from the source at a consistent"
                    + " point: public.orders (1 rows).",
                FailureType.VERIFICATION_FAILED.name()));
    AppMigrationWorkflow workflow = replicating();

    Migration failed = workflow.finalizeMigration();

    assertEquals(MigrationStatus.ERROR, failed.status());
    assertTrue(
        failed.errors().stream().anyMatch(e -> e.contains("public.orders")),
        failed.errors().toString());
    verify(harness.region, never()).stopApp(any());
    verify(harness.live, never()).catchUp(any());

    Migration aborted = workflow.abort();
    assertEquals(MigrationStatus.ABORTED, aborted.status());
    verify(harness.live).stopReplicationSource(any());
    verify(harness.region, never()).startApp(sourceStart());
  }

  @Test
  void liveModeRefusedByItsChecksLeavesStopAndCopyPossible() throws Exception {
    when(harness.live.checkLiveSource(any()))
        .thenReturn(
            new CheckResult(
                List.of(
                    Check.failed(
                        "live keys",
                        "Live mode, addon ad-pg-1: tables without a primary key or replica"
                            + " identity index: public.audit; use migration-run --data"))));
    AppMigrationWorkflow workflow = harness.created();
    workflow.prepare();

    Migration refused = workflow.dataLive();

    assertEquals(MigrationStatus.ERROR, refused.status());
    assertTrue(
        refused.errors().stream().anyMatch(e -> e.contains("public.audit")),
        refused.errors().toString());
    verify(harness.live, never()).allowReplication(any());
    assertEquals(MigrationStatus.DATA_MIGRATED, workflow.data().status());
    verify(harness.data).backupAddon(any());
  }

  private static AppInput source() {
    return argThat(a -> a != null && a.region().equals(SOURCE));
  }

  private int historyLength(AppMigrationWorkflow workflow) {
    String id = untyped(workflow).getExecution().getWorkflowId();
    return harness.client().fetchHistory(id).getEvents().size();
  }

  private static StartAppInput sourceStart() {
    return argThat(s -> s != null && s.app().region().equals(SOURCE));
  }
}
