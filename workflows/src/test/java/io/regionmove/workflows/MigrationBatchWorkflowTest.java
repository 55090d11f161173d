package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.SETTINGS;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.regionmove.activities.BatchActivities;
import io.regionmove.activities.DriveInput;
import io.regionmove.activities.DriveResult;
import io.regionmove.activities.MigrationRef;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchEntry;
import io.regionmove.model.BatchEntryState;
import io.regionmove.model.BatchOutcome;
import io.regionmove.model.BatchRequest;
import io.regionmove.model.BatchState;
import io.regionmove.model.FailureType;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The batch on Temporal's test server: the migrations it starts are the real migration workflow
 * (its region activities mocked), and the driver activities are mocks that record what they were
 * asked and how many ran at once.
 */
class MigrationBatchWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  private TestWorkflowEnvironment env;
  private MigrationHarness migrations;
  private BatchActivities activities;
  private final List<DriveInput> driven = Collections.synchronizedList(new ArrayList<>());
  private final List<String> aborted = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    this.env = env;
    this.migrations = new MigrationHarness(env);
    this.activities = mock(BatchActivities.class, withSettings().withoutAnnotations());
    doAnswer(
            invocation -> {
              MigrationRef ref = invocation.getArgument(0);
              aborted.add(ref.migrationId());
              return new DriveResult(ref.migrationId(), MigrationStatus.ABORTED, null);
            })
        .when(activities)
        .abortMigration(any());
  }

  private void start() {
    Worker worker = env.newWorker(AppMigrationWorkflow.TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(
        AppMigrationWorkflowImpl.class,
        AppMigrationLockWorkflowImpl.class,
        MigrationBatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    for (String region : List.of(SOURCE, DESTINATION)) {
      env.newWorker(AppMigrationWorkflow.regionTaskQueue(region))
          .registerActivitiesImplementations(migrations.region, migrations.data);
    }
    env.start();
  }

  // ---- driving ------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(
      value = Phase.class,
      names = {"PREPARE", "DATA", "FINALIZE"})
  void neverMoreThanTheConcurrencyAtOnceAndEveryMigrationDrivenThroughTheStepAsked(Phase through)
      throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              try {
                Thread.sleep(150);
              } finally {
                inFlight.decrementAndGet();
              }
              driven.add(input);
              return new DriveResult(input.migrationId(), statusAfter(through), null);
            });
    start();

    Batch batch = batch(apps(7), 2, through).run(request(apps(7), 2, through));

    assertEquals(2, most.get(), "at most 2 drivers at once, and 2 did run together");
    assertEquals(BatchState.ENDED, batch.state());
    assertEquals(7, batch.entries().size());
    assertEquals(apps(7), batch.entries().stream().map(BatchEntry::app).toList());
    Set<String> ids = batch.entries().stream().map(BatchEntry::migrationId).collect(toSet());
    assertEquals(7, ids.size(), "one migration id per app");
    ids.forEach(UUID::fromString);
    assertEquals(ids, driven.stream().map(DriveInput::migrationId).collect(toSet()));
    assertTrue(driven.stream().allMatch(d -> d.through() == through), driven::toString);
    assertTrue(driven.stream().noneMatch(DriveInput::live));
    assertTrue(batch.allDone(), batch::toString);
    assertEquals("7 done, 0 error, 0 aborted", batch.summary());
    assertTrue(
        batch.entries().stream().allMatch(e -> e.state() == BatchEntryState.FINISHED),
        batch::toString);
    // Each one is an ordinary migration: the workflow type, id = migration id, a child of the
    // batch.
    for (BatchEntry entry : batch.entries()) {
      WorkflowExecutionDescription child =
          env.getWorkflowClient().newUntypedWorkflowStub(entry.migrationId()).describe();
      assertEquals(AppMigrationWorkflow.WORKFLOW_TYPE, child.getWorkflowType());
      assertEquals(batch.id(), child.getParentExecution().getWorkflowId());
      AppMigrationWorkflow migration =
          env.getWorkflowClient().newWorkflowStub(AppMigrationWorkflow.class, entry.migrationId());
      assertEquals(entry.app(), migration.status().app());
      assertEquals(SOURCE, migration.status().source());
      assertEquals(DESTINATION, migration.status().destination());
    }
    saveHistory("batch-through-" + through.wireName());
  }

  @Test
  void aLiveBatchThroughDataDrivesEveryMigrationLiveAndLeavesThemReplicatingUntilAborted()
      throws Exception {
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              driven.add(input);
              return new DriveResult(input.migrationId(), MigrationStatus.DATA_REPLICATING, null);
            });
    start();
    BatchRequest live =
        new BatchRequest(batchId, apps(3), SOURCE, DESTINATION, 2, Phase.DATA, true, SETTINGS);

    Batch batch = batch(apps(3), 2, Phase.DATA).run(live);

    assertEquals(3, driven.size());
    assertTrue(driven.stream().allMatch(DriveInput::live), driven::toString);
    assertTrue(driven.stream().allMatch(d -> d.through() == Phase.DATA), driven::toString);
    assertEquals("3 done, 0 error, 0 aborted", batch.summary(), "replicating is through data");
    assertTrue(batch.allDone());
    assertTrue(
        batch.entries().stream().allMatch(e -> e.status() == MigrationStatus.DATA_REPLICATING),
        batch::toString);
    assertEquals(
        BatchOutcome.ERROR,
        batch.entries().get(0).outcome(Phase.FINALIZE),
        "replicating is not through finalize");
    verify(activities, never()).abortMigration(any());
  }

  @Test
  void oneMigrationFailingNeverStopsTheOthersAndTheSummaryCountsIt() {
    AtomicInteger calls = new AtomicInteger();
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              driven.add(input);
              return switch (calls.incrementAndGet()) {
                case 1 ->
                    new DriveResult(
                        input.migrationId(),
                        MigrationStatus.PREFLIGHT_ERROR,
                        "app a-1 has an addon whose plan is not offered in osc-fr1");
                case 2 ->
                    throw ApplicationFailure.newNonRetryableFailure(
                        "no migration has the id " + input.migrationId(),
                        FailureType.INVALID_REQUEST.name());
                case 3 ->
                    new DriveResult(
                        input.migrationId(), MigrationStatus.ERROR, "Copy domains: HTTP 409");
                default -> new DriveResult(input.migrationId(), MigrationStatus.DONE, null);
              };
            });
    start();

    Batch batch = batch(apps(6), 1, Phase.FINALIZE).run(request(apps(6), 1, Phase.FINALIZE));

    assertEquals(6, driven.size(), "every app was driven, after the failures too");
    assertEquals("3 done, 3 error, 0 aborted", batch.summary());
    assertFalse(batch.allDone());
    List<BatchEntry> entries = batch.entries();
    assertEquals(BatchOutcome.ERROR, entries.get(0).outcome(Phase.FINALIZE));
    assertEquals(MigrationStatus.PREFLIGHT_ERROR, entries.get(0).status());
    assertTrue(entries.get(0).error().contains("not offered"), entries.get(0)::toString);
    assertEquals(BatchOutcome.ERROR, entries.get(1).outcome(Phase.FINALIZE));
    assertNull(entries.get(1).status());
    assertTrue(
        entries.get(1).error().contains("no migration has the id"), entries.get(1)::toString);
    assertEquals("Copy domains: HTTP 409", entries.get(2).error());
    for (BatchEntry entry : entries.subList(3, 6)) {
      assertEquals(BatchOutcome.DONE, entry.outcome(Phase.FINALIZE), entry::toString);
    }
    verify(activities, never()).abortMigration(any());
  }

  // ---- abort --------------------------------------------------------------------------------

  @Test
  void abortAbortsTheMigrationsBeingDrivenAndStartsNoMore() throws Exception {
    CountDownLatch twoDriving = new CountDownLatch(2);
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              driven.add(input);
              twoDriving.countDown();
              // A migration being driven ends once it has been aborted.
              awaitAborted(input.migrationId());
              return new DriveResult(input.migrationId(), MigrationStatus.ABORTED, null);
            });
    start();
    MigrationBatchWorkflow batch = batch(apps(5), 2, Phase.FINALIZE);
    WorkflowClient.start(batch::run, request(apps(5), 2, Phase.FINALIZE));
    assertTrue(twoDriving.await(30, TimeUnit.SECONDS), "two migrations should be driven");
    Batch running = batch.status();
    assertEquals(BatchState.RUNNING, running.state());
    assertEquals(
        List.of("running", "running", "waiting", "waiting", "waiting"),
        running.entries().stream().map(e -> e.state().wireName()).toList());

    Batch ended = batch.abort();

    assertEquals(BatchState.ENDED, ended.state());
    assertEquals(2, driven.size(), "no migration started after the abort");
    List<BatchEntry> entries = ended.entries();
    assertEquals(
        Set.of(entries.get(0).migrationId(), entries.get(1).migrationId()), Set.copyOf(aborted));
    assertEquals(2, aborted.size(), "each one aborted once");
    for (BatchEntry skipped : entries.subList(2, 5)) {
      assertEquals(BatchEntryState.SKIPPED, skipped.state());
      assertThrows(
          WorkflowNotFoundException.class,
          () -> env.getWorkflowClient().newUntypedWorkflowStub(skipped.migrationId()).describe(),
          "a skipped app has no migration");
    }
    assertEquals("0 done, 0 error, 5 aborted", ended.summary());
    assertEquals(ended, WorkflowStub.fromTyped(batch).getResult(Batch.class));
    saveHistory("batch-abort");
  }

  @Test
  void abortSignalAlsoAbortsMigrationsLeftPreparedAndSkipsTheRest() throws Exception {
    CountDownLatch secondDriving = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              driven.add(input);
              if (calls.incrementAndGet() == 1) {
                return new DriveResult(input.migrationId(), MigrationStatus.PREPARED, null);
              }
              secondDriving.countDown();
              awaitAborted(input.migrationId());
              return new DriveResult(input.migrationId(), MigrationStatus.ABORTED, null);
            });
    start();
    MigrationBatchWorkflow batch = batch(apps(3), 1, Phase.PREPARE);
    WorkflowClient.start(batch::run, request(apps(3), 1, Phase.PREPARE));
    assertTrue(secondDriving.await(30, TimeUnit.SECONDS));
    assertEquals(
        BatchOutcome.DONE, batch.status().entries().get(0).outcome(Phase.PREPARE), "prepared");

    WorkflowStub.fromTyped(batch).signal("abort");
    Batch ended = WorkflowStub.fromTyped(batch).getResult(Batch.class);

    List<BatchEntry> entries = ended.entries();
    assertEquals(
        Set.of(entries.get(0).migrationId(), entries.get(1).migrationId()), Set.copyOf(aborted));
    assertEquals(MigrationStatus.ABORTED, entries.get(0).status(), "the prepared one is aborted");
    assertEquals(BatchEntryState.SKIPPED, entries.get(2).state());
    assertEquals(2, driven.size());
    assertEquals("0 done, 0 error, 3 aborted", ended.summary());
  }

  // ---- limits -------------------------------------------------------------------------------

  @Test
  void historyGrowsByAFewEventsPerAppWithoutPolling() {
    when(activities.driveMigration(any()))
        .thenAnswer(
            invocation -> {
              DriveInput input = invocation.getArgument(0);
              return new DriveResult(input.migrationId(), MigrationStatus.DONE, null);
            });
    start();
    int apps = 100;

    Batch batch =
        batch(apps(apps), 10, Phase.FINALIZE).run(request(apps(apps), 10, Phase.FINALIZE));

    assertEquals(apps + " done, 0 error, 0 aborted", batch.summary());
    var events = env.getWorkflowClient().fetchHistory(batch.id()).getEvents();
    long children =
        events.stream()
            .filter(
                e ->
                    e.getEventType()
                        == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)
            .count();
    long timers =
        events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED).count();
    assertEquals(apps, children);
    assertEquals(0, timers, "no polling timers");
    // About 6 events per app here (child started, driver activity, workflow tasks); at most 12 on
    // a server that records every workflow task, so 1,000 apps stay far below Temporal's limits.
    assertTrue(events.size() <= 12 * apps, "history of " + events.size() + " events");
  }

  @Test
  void requestNamingAnAppTwiceFailsBeforeStartingAnything() {
    start();
    List<String> twice = List.of("a-1", "a-2", "a-1");
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> batch(twice, 2, Phase.FINALIZE).run(request(twice, 2, Phase.FINALIZE)));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureType.INVALID_REQUEST.name(), cause.getType());
    assertTrue(cause.getOriginalMessage().contains("more than once"), cause::getOriginalMessage);
    verify(activities, never()).driveMigration(any());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void awaitAborted(String migrationId) throws InterruptedException {
    for (int i = 0; i < 600 && !aborted.contains(migrationId); i++) {
      Thread.sleep(50);
    }
    assertTrue(aborted.contains(migrationId), "migration " + migrationId + " was never aborted");
  }

  /** Saves the batch's history where the replay test's resources are refreshed from. */
  private void saveHistory(String name) throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("target", "histories");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(
        dir.resolve(name + ".json"), env.getWorkflowClient().fetchHistory(batchId).toJson(true));
  }

  private static List<String> apps(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "a-" + i).toList();
  }

  private final String batchId = MigrationBatchWorkflow.ID_PREFIX + UUID.randomUUID();

  private MigrationBatchWorkflow batch(List<String> apps, int concurrency, Phase through) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            MigrationBatchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(MigrationBatchWorkflow.workflowId(batchId))
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .build());
  }

  private BatchRequest request(List<String> apps, int concurrency, Phase through) {
    return new BatchRequest(
        batchId, apps, SOURCE, DESTINATION, concurrency, through, false, SETTINGS);
  }

  private static MigrationStatus statusAfter(Phase through) {
    return switch (through) {
      case PREPARE -> MigrationStatus.PREPARED;
      case DATA -> MigrationStatus.DATA_MIGRATED;
      default -> MigrationStatus.DONE;
    };
  }

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return Collectors.toSet();
  }
}
