package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.APP;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.FORMATION;
import static io.regionmove.workflows.MigrationHarness.SETTINGS;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.PlanInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.Addon;
import io.regionmove.model.AddonPlan;
import io.regionmove.model.Check;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.ConfigPlan;
import io.regionmove.model.DataHandling;
import io.regionmove.model.DryRunRequest;
import io.regionmove.model.FailureType;
import io.regionmove.model.MigrationPlan;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.MovePlan;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dry run runs the preflight of a migration and asks for the plan, and nothing else: no action,
 * no lock, and it has ended when it answers.
 */
class MigrationDryRunWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  static final Addon DATABASE =
      new Addon("ad-pg-1", "postgresql", "starter-512", "15", DataHandling.ENGINE);
  static final Addon DOCUMENTS =
      new Addon("ad-mongo-1", "mongodb", "starter-512", "7", DataHandling.MANUAL);
  static final MovePlan PLAN =
      new MovePlan(
          List.of(
              new ConfigPlan(
                  ConfigKind.VARIABLES, List.of("A"), List.of(), "1 environment variable: A")),
          List.of(new AddonPlan(DATABASE, DataHandling.ENGINE, 1L << 30, Duration.ofSeconds(18))),
          Duration.ofSeconds(18),
          Duration.ofSeconds(18));

  private MigrationHarness harness;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
    sourceHas(DATABASE);
    when(harness.region.planMove(any())).thenReturn(PLAN);
    Worker migrations = env.newWorker(AppMigrationWorkflow.TASK_QUEUE);
    migrations.registerWorkflowImplementationTypes(
        AppMigrationWorkflowImpl.class,
        AppMigrationLockWorkflowImpl.class,
        MigrationDryRunWorkflowImpl.class);
    for (String region : List.of(SOURCE, DESTINATION)) {
      env.newWorker(AppMigrationWorkflow.regionTaskQueue(region))
          .registerActivitiesImplementations(harness.region, harness.data, harness.live);
    }
    env.start();
  }

  @Test
  void dryRunOfAMovableAppReturnsThePlanAndActsOnNothing() {
    String id = MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString());

    MigrationPlan plan = dryRun(id, List.of(), false);

    assertTrue(plan.canMigrate(), plan::toString);
    assertEquals(MigrationStatus.PREFLIGHT_SUCCESS, plan.preflight().status());
    assertEquals(List.of(), plan.preflight().checks());
    assertEquals(PLAN, plan.move());
    assertEquals(
        List.of(
            "Check app my-app in agora-fr1",
            "Check destination region osc-fr1",
            "Plan the move of my-app"),
        plan.preflight().steps().stream().map(s -> s.name()).toList());
    verify(harness.region).checkSource(any());
    verify(harness.region).checkDestination(any());
    verify(harness.region).planMove(new PlanInput(move(id), List.of(DATABASE), List.of()));
    verifyNoMoreInteractions(harness.region);
    verifyNoInteractions(harness.data);
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        harness.client().newUntypedWorkflowStub(id).describe().getStatus());
    assertThrows(
        WorkflowNotFoundException.class,
        () ->
            harness
                .client()
                .newUntypedWorkflowStub(AppMigrationLockWorkflow.lockId(SOURCE, APP))
                .describe(),
        "no app lock was taken");
  }

  @Test
  void dryRunRefusesAnAddonWhoseDataNoEngineMovesAndStillPlans() {
    sourceHas(DATABASE, DOCUMENTS);
    String id = MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString());

    MigrationPlan refused = dryRun(id, List.of(), false);
    MigrationPlan accepted = dryRun(id + "-2", List.of(DOCUMENTS.id()), false);

    assertFalse(refused.canMigrate());
    assertEquals(MigrationStatus.PREFLIGHT_ERROR, refused.preflight().status());
    assertEquals(
        List.of("Addon mongodb ad-mongo-1 holds data that regionmove cannot move."),
        refused.preflight().checks());
    assertEquals(List.of(DOCUMENTS), refused.preflight().addonsRefused());
    assertEquals(PLAN, refused.move());
    assertTrue(accepted.canMigrate(), accepted::toString);
    verify(harness.region)
        .planMove(
            new PlanInput(move(id + "-2"), List.of(DATABASE, DOCUMENTS), List.of("ad-mongo-1")));
  }

  @Test
  void liveDryRunRunsTheLiveChecksOfTheDatabaseAndCreatesNothing() throws Exception {
    when(harness.live.checkLiveSource(any()))
        .thenReturn(
            new CheckResult(
                List.of(
                    Check.passed("live ad-pg-1 wal_level"),
                    new Check(
                        "live ad-pg-1 slots",
                        true,
                        "Live mode, addon ad-pg-1: 8 free replication slots, 8 free WAL senders"
                            + " (2 and 1 needed)."))));
    String id = MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString());

    MigrationPlan plan = dryRun(id, List.of(), true);

    assertTrue(plan.live());
    assertTrue(plan.canMigrate(), plan::toString);
    assertEquals(List.of(), plan.preflight().checks());
    Step check =
        plan.preflight().steps().stream()
            .filter(
                s -> s.name().equals("Check that postgresql addon ad-pg-1 can be replicated live"))
            .findFirst()
            .orElseThrow();
    assertEquals(StepStatus.DONE, check.status());
    assertEquals(
        List.of(
            "ok: live ad-pg-1 wal_level",
            "Live mode, addon ad-pg-1: 8 free replication slots, 8 free WAL senders (2 and 1"
                + " needed)."),
        check.logs());
    verify(harness.live).checkLiveSource(new AddonInput(move(id), DATABASE));
    verifyNoMoreInteractions(harness.live);
    verifyNoInteractions(harness.data);
    verify(harness.region, never()).provisionAddon(any());
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED,
        harness.client().newUntypedWorkflowStub(id).describe().getStatus());
    saveHistory(id, "dry-run-live");
  }

  @Test
  void liveDryRunJoinsTheFailedLiveChecksAndRefusesWhatLiveModeCannotReplicate() {
    Addon keyless = new Addon("ad-pg-2", "postgresql", "starter-512", "15", DataHandling.ENGINE);
    Addon mysql = new Addon("ad-my-1", "mysql", "starter-512", "10.11", DataHandling.ENGINE);
    Addon cache = new Addon("ad-redis-1", "redis", "starter-256", "7", DataHandling.ENGINE);
    sourceHas(DATABASE, keyless, mysql, cache, DOCUMENTS);
    String keys =
        "Live mode, addon ad-pg-2: tables without a primary key or replica identity index (their"
            + " updates and deletes cannot be replicated): public.audit; add one, or use"
            + " migration-run --data (stop and copy) instead.";
    when(harness.live.checkLiveSource(any()))
        .thenReturn(new CheckResult(List.of(Check.passed("live ad-pg-1 keys"))));
    when(harness.live.checkLiveSource(argThat(a -> a.addon().equals(keyless))))
        .thenReturn(
            new CheckResult(
                List.of(
                    Check.passed("live ad-pg-2 wal_level"),
                    Check.failed("live ad-pg-2 keys", keys))));
    String id = MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString());

    // The redis addon's data is moved by hand: live mode has nothing to say about it.
    MigrationPlan plan = dryRun(id, List.of(DOCUMENTS.id(), cache.id()), true);

    assertFalse(plan.canMigrate());
    assertEquals(MigrationStatus.PREFLIGHT_ERROR, plan.preflight().status());
    assertEquals(
        List.of(
            "Addon mysql ad-my-1 holds data that live mode cannot replicate (PostgreSQL only): run"
                + " migration-run --data (stop and copy) instead.",
            keys),
        plan.preflight().checks());
    verify(harness.live).checkLiveSource(new AddonInput(move(id), DATABASE));
    verify(harness.live).checkLiveSource(new AddonInput(move(id), keyless));
    verifyNoMoreInteractions(harness.live);
    assertEquals(PLAN, plan.move(), "the plan is made all the same");
  }

  @Test
  void liveDryRunWhoseSourceCannotBeCheckedSaysSo() {
    when(harness.live.checkLiveSource(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "the source database refused the connection", FailureType.REGION_REJECTED.name()));

    MigrationPlan plan =
        dryRun(MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString()), List.of(), true);

    assertFalse(plan.canMigrate());
    assertEquals(
        List.of(
            "the live readiness of postgresql addon ad-pg-1 could not be checked: the source"
                + " database refused the connection"),
        plan.preflight().checks());
  }

  @Test
  void aDryRunWithoutLiveAsksNothingOfLiveMode() {
    assertTrue(
        dryRun(MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString()), List.of(), false)
            .canMigrate());

    verifyNoInteractions(harness.live);
  }

  @Test
  void dryRunOfAMissingAppMakesNoPlan() {
    when(harness.region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(
                    Check.failed("app-exists", "App my-app does not exist in region agora-fr1.")),
                null,
                null,
                null));

    MigrationPlan plan =
        dryRun(MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString()), List.of(), false);

    assertFalse(plan.canMigrate());
    assertNull(plan.move());
    assertEquals(
        List.of("App my-app does not exist in region agora-fr1."), plan.preflight().checks());
    verify(harness.region, never()).planMove(any());
  }

  private void sourceHas(Addon... addons) {
    when(harness.region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")), List.of(addons), FORMATION, List.of()));
  }

  private MigrationPlan dryRun(String id, List<String> manualData, boolean live) {
    MigrationDryRunWorkflow workflow =
        harness
            .client()
            .newWorkflowStub(
                MigrationDryRunWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(id)
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());
    return workflow.run(
        new DryRunRequest(
            new MigrationRequest(
                id, APP, null, SOURCE, DESTINATION, SETTINGS, List.of(), manualData),
            live));
  }

  /** Saves the dry run's history where the replay test's resources are refreshed from. */
  private void saveHistory(String id, String name) throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("target", "histories");
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(
        dir.resolve(name + ".json"), harness.client().fetchHistory(id).toJson(true));
  }

  private static MoveInput move(String id) {
    return new MoveInput(id, SOURCE, APP, DESTINATION, APP);
  }
}
