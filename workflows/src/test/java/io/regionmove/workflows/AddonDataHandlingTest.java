package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.APP;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.FORMATION;
import static io.regionmove.workflows.MigrationHarness.SETTINGS;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.DataHandling;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The workers decide how each addon's data moves ({@link DataHandling}) and the workflow follows:
 * an engine's addon is backed up, restored and verified; one that holds no data is only
 * provisioned; one whose data no engine moves is refused unless the user moves it by hand.
 */
class AddonDataHandlingTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  static final Addon DATABASE =
      new Addon("ad-pg-1", "postgresql", "starter-512", "15", DataHandling.ENGINE);
  static final Addon CACHE =
      new Addon("ad-kv-1", "memcached", "starter-256", "1", DataHandling.NONE);
  static final Addon DOCUMENTS =
      new Addon("ad-mongo-1", "mongodb", "starter-512", "7", DataHandling.MANUAL);

  private MigrationHarness harness;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
    when(harness.region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(DATABASE, CACHE, DOCUMENTS),
                FORMATION,
                List.of()));
    harness.start();
  }

  @Test
  void addonWhoseDataNoEngineMovesFailsPreflightWithTheSentence() {
    AppMigrationWorkflow workflow = begin(List.of());

    Migration refused = harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_ERROR);

    assertEquals(
        List.of("Addon mongodb ad-mongo-1 holds data that regionmove cannot move."),
        refused.checks());
    assertEquals(List.of(DOCUMENTS), refused.addonsRefused());
    assertEquals(List.of(DATABASE, CACHE, DOCUMENTS), refused.addons());
  }

  @Test
  void addonNamedInManualDataIsProvisionedButNeverBackedUp() throws Exception {
    AppMigrationWorkflow workflow = begin(List.of(DOCUMENTS.id()));
    Migration created = harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    assertEquals(List.of(), created.checks());
    String id = created.id();

    workflow.prepare();
    Migration migrated = workflow.data();

    assertEquals(MigrationStatus.DATA_MIGRATED, migrated.status());
    assertEquals(List.of(DOCUMENTS), migrated.addonsMovedByHand());
    assertEquals(List.of(DOCUMENTS.id()), migrated.manualData());
    for (Addon addon : List.of(DATABASE, CACHE, DOCUMENTS)) {
      verify(harness.region).provisionAddon(input(id, addon));
    }
    verify(harness.data).backupAddon(input(id, DATABASE));
    verify(harness.data).restoreAddon(RestoreInput.whileBackingUp(input(id, DATABASE)));
    verify(harness.data).verifyAddon(input(id, DATABASE));
    for (Addon addon : List.of(CACHE, DOCUMENTS)) {
      verify(harness.data, never()).backupAddon(input(id, addon));
      verify(harness.data, never()).restoreAddon(RestoreInput.whileBackingUp(input(id, addon)));
      verify(harness.data, never()).verifyAddon(input(id, addon));
    }
    assertTrue(
        migrated.steps().stream().noneMatch(s -> s.name().contains(DOCUMENTS.id() + " in")),
        () -> "no restore step for the manual addon: " + migrated.steps());
    harness.saveHistory(workflow, "manual-data");
  }

  @Test
  void addonAnEngineMovesIsLeftToTheUserWhenNamedInManualData() {
    AppMigrationWorkflow workflow = begin(List.of(DOCUMENTS.id(), DATABASE.id()));
    String id = harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS).id();

    workflow.prepare();
    Migration migrated = workflow.data();

    assertEquals(MigrationStatus.DATA_MIGRATED, migrated.status());
    assertEquals(List.of(DATABASE, DOCUMENTS), migrated.addonsMovedByHand());
    verify(harness.region).provisionAddon(input(id, DATABASE));
    verify(harness.data, never()).backupAddon(any());
    verify(harness.data, never()).restoreAddon(any());
    verify(harness.data, never()).verifyAddon(any());
  }

  @Test
  void manualDataNamingNoAddonOfTheAppFailsPreflight() {
    AppMigrationWorkflow workflow = begin(List.of(DOCUMENTS.id(), "ad-nope"));

    Migration refused = harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_ERROR);

    assertEquals(
        List.of("Addon ad-nope given to --manual-data is not an addon of app my-app."),
        refused.checks());
  }

  @Test
  void addonRecordedBeforeTheEnginesDecidedFollowsTheLegacyRule() {
    assertEquals(DataHandling.ENGINE, new Addon("a", "postgresql", "starter-512", "15").handling());
    assertEquals(DataHandling.NONE, new Addon("b", "mongodb", "starter-512", "7").handling());
    assertEquals(DataHandling.NONE, new Addon("c", "redis", "starter-256", "7").handling());
    assertEquals(
        DataHandling.MANUAL,
        new Addon("a", "postgresql", "starter-512", "15").handlingWith(List.of("a")));
    assertEquals(
        DataHandling.NONE, new Addon("c", "redis", "starter-256", "7").handlingWith(List.of("c")));
  }

  private AppMigrationWorkflow begin(List<String> manualData) {
    String id = UUID.randomUUID().toString();
    AppMigrationWorkflow workflow =
        harness
            .client()
            .newWorkflowStub(
                AppMigrationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        workflow::run,
        new MigrationRequest(id, APP, null, SOURCE, DESTINATION, SETTINGS, List.of(), manualData));
    return workflow;
  }

  private static AddonInput input(String id, Addon addon) {
    return new AddonInput(new MoveInput(id, SOURCE, APP, DESTINATION, APP), addon);
  }
}
