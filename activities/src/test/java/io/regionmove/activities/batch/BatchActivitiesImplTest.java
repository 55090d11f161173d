package io.regionmove.activities.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.regionmove.activities.BatchActivities;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.DriveInput;
import io.regionmove.activities.DriveResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.activities.MigrationRef;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchRequest;
import io.regionmove.model.Check;
import io.regionmove.model.DataHandling;
import io.regionmove.model.FailureType;
import io.regionmove.model.Formation;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Process;
import io.regionmove.workflows.AppMigrationLockWorkflowImpl;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.AppMigrationWorkflowImpl;
import io.regionmove.workflows.MigrationBatchWorkflow;
import io.regionmove.workflows.MigrationBatchWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.stubbing.Answer;

/**
 * The driver against the real migration workflow on Temporal's test server (its region and data
 * activities mocked), called as an activity would be, and a whole batch with it.
 */
class BatchActivitiesImplTest {

  private static final String SOURCE = "agora-fr1";
  private static final String DESTINATION = "osc-fr1";
  private static final MigrationSettings SETTINGS =
      new MigrationSettings(Duration.ofDays(7), Duration.ofDays(30), Duration.ofSeconds(2));

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute(
              "RegionMigrationApp", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute(
              "RegionMigrationSource", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute(
              "RegionMigrationDestination", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute(
              "RegionMigrationStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setDoNotStart(true)
          .build();

  private TestWorkflowEnvironment env;
  private RegionActivities region;
  private DataActivities data;
  private LiveDataActivities live;
  private TestActivityEnvironment activityEnv;
  private BatchActivities driver;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    this.env = env;
    Answer<Object> stepResults =
        invocation ->
            invocation.getMethod().getReturnType() == StepResult.class
                ? StepResult.of(invocation.getMethod().getName() + " ok")
                : null;
    region =
        mock(
            RegionActivities.class, withSettings().withoutAnnotations().defaultAnswer(stepResults));
    data =
        mock(DataActivities.class, withSettings().withoutAnnotations().defaultAnswer(stepResults));
    live =
        mock(
            LiveDataActivities.class,
            withSettings().withoutAnnotations().defaultAnswer(stepResults));
    when(live.checkLiveSource(any()))
        .thenReturn(new CheckResult(List.of(Check.passed("live ad-pg-1 wal_level"))));
    when(live.startReplication(any()))
        .thenReturn(new LiveCopyResult(1, 1024, 0, List.of("replication runs")));
    when(live.verifyBeforeCutover(any()))
        .thenReturn(new LiveCheckResult("rm_v0", 1, 10, 1, List.of("equal")));
    when(live.catchUp(any())).thenReturn(new CutoverResult(0, 0, 0, List.of("caught up")));
    when(region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(),
                new Formation(List.of(new Process("web", 1, "S"))),
                List.of()));
    when(region.checkDestination(any()))
        .thenReturn(new CheckResult(List.of(Check.passed("name free"))));
    when(region.readFormation(any()))
        .thenReturn(new Formation(List.of(new Process("web", 1, "S"))));
    when(region.redirectSource(any()))
        .thenReturn(new RedirectResult("http://app.osc-fr1.localhost:8702/", List.of()));

    BatchActivitiesImpl impl = new BatchActivitiesImpl(env.getWorkflowClient(), POLL);
    var migrations = env.newWorker(AppMigrationWorkflow.TASK_QUEUE);
    migrations.registerWorkflowImplementationTypes(
        AppMigrationWorkflowImpl.class,
        AppMigrationLockWorkflowImpl.class,
        MigrationBatchWorkflowImpl.class);
    migrations.registerActivitiesImplementations(impl);
    for (String name : List.of(SOURCE, DESTINATION)) {
      env.newWorker(AppMigrationWorkflow.regionTaskQueue(name))
          .registerActivitiesImplementations(region, data, live);
    }
    env.start();

    activityEnv = TestActivityEnvironment.newInstance();
    activityEnv.registerActivitiesImplementations(impl);
    driver = activityEnv.newActivityStub(BatchActivities.class, OPTIONS);
  }

  private static final Addon DATABASE =
      new Addon("ad-pg-1", "postgresql", "starter-512", "15", DataHandling.ENGINE);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setHeartbeatTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
          .build();

  @AfterEach
  void tearDown() {
    activityEnv.close();
  }

  @ParameterizedTest
  @EnumSource(
      value = Phase.class,
      names = {"PREPARE", "DATA", "FINALIZE"})
  void driveRunsEachStepInOrderUpToTheOneAsked(Phase through) {
    String id = create("one-app");

    DriveResult result = driver.driveMigration(new DriveInput(id, through, false));

    MigrationStatus expected =
        switch (through) {
          case PREPARE -> MigrationStatus.PREPARED;
          case DATA -> MigrationStatus.DATA_MIGRATED;
          default -> MigrationStatus.DONE;
        };
    assertEquals(new DriveResult(id, expected, null), result);
    assertEquals(expected, migration(id).status().status());
    verify(region, times(1)).freezeSource(any());
    verify(region, times(through == Phase.PREPARE ? 0 : 1)).stopApp(any());
    verify(region, times(through == Phase.FINALIZE ? 1 : 0)).redirectSource(any());
  }

  @Test
  void aDriveAfterAStepRanGoesOnFromThereWithoutRunningItAgain() {
    String id = create("half-app");
    AppMigrationWorkflow migration = migration(id);
    awaitStatus(migration, MigrationStatus.PREFLIGHT_SUCCESS);
    migration.prepare();

    DriveResult result = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false));
    DriveResult again = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false));

    assertEquals(MigrationStatus.DONE, result.status());
    assertEquals(result, again);
    verify(region, times(1)).freezeSource(any());
    verify(region, times(1)).createApp(any());
    verify(region, times(1)).redirectSource(any());
  }

  @Test
  void aFailedPreflightIsReturnedWithItsCheck() {
    when(region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.failed("app exists", "app gone-app does not exist in agora-fr1")),
                List.of(),
                null,
                List.of()));
    String id = create("gone-app");

    DriveResult result = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false));

    assertEquals(MigrationStatus.PREFLIGHT_ERROR, result.status());
    assertEquals("app gone-app does not exist in agora-fr1", result.error());
    verify(region, never()).freezeSource(any());
  }

  @Test
  void aFailedStepIsReturnedAsErrorAndNotRunAgain() {
    when(region.createApp(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "An app named taken-app already exists in region osc-fr1",
                FailureType.REGION_REJECTED.name()));
    String id = create("taken-app");

    DriveResult result = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false));

    assertEquals(MigrationStatus.ERROR, result.status());
    assertTrue(result.error().contains("already exists in region osc-fr1"), result::toString);
    verify(region, times(1)).createApp(any());
    verify(region, never()).stopApp(any());
  }

  @Test
  void abortWhileAStepRunsEndsTheDriveAndTheAbortAborted() throws Exception {
    CountDownLatch creating = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    when(region.createApp(any()))
        .thenAnswer(
            invocation -> {
              creating.countDown();
              assertTrue(release.await(60, TimeUnit.SECONDS));
              return StepResult.of("created");
            });
    String id = create("abort-app");
    CompletableFuture<DriveResult> drive =
        CompletableFuture.supplyAsync(
            () -> driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false)));
    assertTrue(creating.await(60, TimeUnit.SECONDS), "prepare should be creating the app");
    // A second activity environment: one runs one activity at a time.
    TestActivityEnvironment second = TestActivityEnvironment.newInstance();
    second.registerActivitiesImplementations(
        new BatchActivitiesImpl(env.getWorkflowClient(), POLL));
    BatchActivities aborter = second.newActivityStub(BatchActivities.class, OPTIONS);
    CompletableFuture<DriveResult> abort =
        CompletableFuture.supplyAsync(() -> aborter.abortMigration(new MigrationRef(id)));
    // The abort is asked; the step it cancels ends when its activity does.
    await(() -> migration(id).status().abortReason() != null, "abort asked");
    release.countDown();

    assertEquals(
        new DriveResult(id, MigrationStatus.ABORTED, null), abort.get(60, TimeUnit.SECONDS));
    assertEquals(
        new DriveResult(id, MigrationStatus.ABORTED, null), drive.get(60, TimeUnit.SECONDS));
    verify(region).deleteApp(any());
    verify(region).unfreezeSource(any());
    verify(region, never()).stopApp(any());
    second.close();
  }

  @Test
  void abortLeavesAFinishedMigrationAsItIs() {
    String id = create("done-app");
    driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false));

    DriveResult result = driver.abortMigration(new MigrationRef(id));

    assertEquals(new DriveResult(id, MigrationStatus.DONE, null), result);
    verify(region, never()).deleteApp(any());
  }

  @ParameterizedTest
  @EnumSource(
      value = Phase.class,
      names = {"DATA", "FINALIZE"})
  void aLiveDriveReplicatesTheDataAndFinalizeIsTheCutover(Phase through) {
    when(region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(DATABASE),
                new Formation(List.of(new Process("web", 1, "S"))),
                List.of()));
    String id = create("live-app");

    DriveResult result = driver.driveMigration(new DriveInput(id, through, true));

    MigrationStatus expected =
        through == Phase.DATA ? MigrationStatus.DATA_REPLICATING : MigrationStatus.DONE;
    assertEquals(new DriveResult(id, expected, null), result);
    assertEquals(expected, migration(id).status().status());
    verify(live).checkLiveSource(any());
    verify(live).startReplication(any());
    verify(data, never()).backupAddon(any());
    verify(region, times(through == Phase.DATA ? 0 : 1)).stopApp(any());
    verify(live, times(through == Phase.DATA ? 0 : 1)).catchUp(any());
    verify(live, times(through == Phase.DATA ? 0 : 1)).stopReplicationSource(any());
    verify(region, times(through == Phase.DATA ? 0 : 1)).redirectSource(any());

    if (through == Phase.DATA) {
      // Driven again through finalize, as a second batch would: the cutover, once.
      DriveResult cutOver = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, true));
      assertEquals(new DriveResult(id, MigrationStatus.DONE, null), cutOver);
      verify(live).startReplication(any());
      verify(live).catchUp(any());
      verify(region).redirectSource(any());
    }
  }

  @Test
  void aLiveDriveOfADatabaseLiveModeRefusesEndsInErrorWithTheCheckThatFailed() {
    String keys =
        "Live mode, addon ad-pg-1: tables without a primary key or replica identity index (their"
            + " updates and deletes cannot be replicated): public.audit; add one, or use"
            + " migration-run --data (stop and copy) instead.";
    when(region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(DATABASE),
                new Formation(List.of(new Process("web", 1, "S"))),
                List.of()));
    when(live.checkLiveSource(any()))
        .thenReturn(new CheckResult(List.of(Check.failed("live ad-pg-1 keys", keys))));
    String id = create("keyless-app");

    DriveResult result = driver.driveMigration(new DriveInput(id, Phase.FINALIZE, true));

    assertEquals(new DriveResult(id, MigrationStatus.ERROR, keys), result);
    verify(live, never()).allowReplication(any());
    verify(region, never()).stopApp(any());
  }

  @Test
  void anUnknownMigrationIsAPermanentFailure() {
    String id = UUID.randomUUID().toString();
    ActivityFailure e =
        assertThrows(
            ActivityFailure.class,
            () -> driver.driveMigration(new DriveInput(id, Phase.FINALIZE, false)));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("no migration has the id " + id, cause.getOriginalMessage());
    assertTrue(cause.isNonRetryable());
  }

  @Test
  void aBatchDrivesEachOfItsRealMigrationsToDone() {
    String batchId = MigrationBatchWorkflow.ID_PREFIX + UUID.randomUUID();
    List<String> apps = List.of("app-1", "app-2", "app-3", "app-4");
    MigrationBatchWorkflow batch =
        env.getWorkflowClient()
            .newWorkflowStub(
                MigrationBatchWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(batchId)
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());

    Batch ended =
        batch.run(
            new BatchRequest(
                batchId, apps, SOURCE, DESTINATION, 2, Phase.FINALIZE, false, SETTINGS));

    assertEquals("4 done, 0 error, 0 aborted", ended.summary());
    for (var entry : ended.entries()) {
      var m = migration(entry.migrationId()).status();
      assertEquals(MigrationStatus.DONE, m.status());
      assertEquals(entry.app(), m.app());
      assertNull(entry.error());
    }
    verify(region, times(4)).redirectSource(any());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private String create(String app) {
    String id = UUID.randomUUID().toString();
    AppMigrationWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                AppMigrationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        workflow::run, new MigrationRequest(id, app, null, SOURCE, DESTINATION, SETTINGS));
    return id;
  }

  private AppMigrationWorkflow migration(String id) {
    return env.getWorkflowClient().newWorkflowStub(AppMigrationWorkflow.class, id);
  }

  private static void awaitStatus(AppMigrationWorkflow workflow, MigrationStatus status) {
    await(() -> workflow.status().status() == status, "status " + status);
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) {
    for (int i = 0; i < 600; i++) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not queryable yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("never " + what);
  }
}
