package io.regionmove.workflows;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import io.regionmove.activities.AppUrl;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.activities.NotificationActivities;
import io.regionmove.activities.NotifyResult;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.Formation;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Process;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.mockito.stubbing.Answer;

/** Wires the migration workflow to mocked activities on the queues it really uses. */
final class MigrationHarness {

  static final String SOURCE = "agora-fr1";
  static final String DESTINATION = "osc-fr1";
  static final String APP = "my-app";
  static final Addon DATABASE = new Addon("ad-pg-1", "postgresql", "starter-512", "15");
  static final Addon CACHE = new Addon("ad-redis-1", "redis", "starter-256", "7");
  static final Formation FORMATION = new Formation(List.of(new Process("web", 2, "M")));
  static final String SOURCE_URL = "http://my-app.agora-fr1.localhost:8701/";
  static final MigrationSettings SETTINGS =
      new MigrationSettings(Duration.ofDays(7), Duration.ofDays(30), Duration.ofSeconds(2));

  static TestWorkflowExtension extension() {
    return TestWorkflowExtension.newBuilder()
        .registerSearchAttribute("RegionMigrationApp", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            "RegionMigrationSource", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            "RegionMigrationDestination", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .registerSearchAttribute(
            "RegionMigrationStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
        .setDoNotStart(true)
        .build();
  }

  final TestWorkflowEnvironment env;
  final RegionActivities region;
  final DataActivities data;
  final LiveDataActivities live;
  final NotificationActivities notifications;

  MigrationHarness(TestWorkflowEnvironment env) {
    this.env = env;
    Answer<Object> stepResults =
        invocation ->
            invocation.getMethod().getReturnType() == StepResult.class
                ? StepResult.of(invocation.getMethod().getName() + " ok")
                : null;
    this.region =
        mock(
            RegionActivities.class, withSettings().withoutAnnotations().defaultAnswer(stepResults));
    this.data =
        mock(DataActivities.class, withSettings().withoutAnnotations().defaultAnswer(stepResults));
    this.live =
        mock(
            LiveDataActivities.class,
            withSettings().withoutAnnotations().defaultAnswer(stepResults));
    this.notifications = mock(NotificationActivities.class, withSettings().withoutAnnotations());
    when(notifications.notifyStatusChange(any())).thenReturn(new NotifyResult(204));
    when(region.checkSource(any()))
        .thenReturn(
            new SourceCheck(
                List.of(Check.passed("app exists")),
                List.of(DATABASE, CACHE),
                FORMATION,
                List.of("my-app.example.com")));
    when(region.checkDestination(any()))
        .thenReturn(new CheckResult(List.of(Check.passed("name free"))));
    when(region.readFormation(any())).thenReturn(FORMATION);
    when(region.readUrl(any())).thenReturn(new AppUrl(SOURCE_URL));
    when(region.redirectSource(any()))
        .thenReturn(
            new RedirectResult("http://my-app.osc-fr1.localhost:8702/", List.of("redirected")));
    when(data.backupAddon(any()))
        .thenReturn(new BackupResult("backup-1", 1024, 3, List.of("3 tables")));
    when(data.verifyAddon(any()))
        .thenReturn(new VerifyResult(3, 10_000, List.of("3 tables equal")));
  }

  /** Registers the workflows on the migrations queue and the mocks on both regions' queues. */
  MigrationHarness start() {
    Worker migrations = env.newWorker(AppMigrationWorkflow.TASK_QUEUE);
    migrations.registerWorkflowImplementationTypes(
        AppMigrationWorkflowImpl.class, AppMigrationLockWorkflowImpl.class);
    migrations.registerActivitiesImplementations(notifications);
    for (String name : List.of(SOURCE, DESTINATION)) {
      Worker worker = env.newWorker(AppMigrationWorkflow.regionTaskQueue(name));
      worker.registerActivitiesImplementations(region, data, live);
    }
    env.start();
    return this;
  }

  WorkflowClient client() {
    return env.getWorkflowClient();
  }

  AppMigrationWorkflow begin() {
    return begin(APP, SOURCE, DESTINATION, SETTINGS);
  }

  AppMigrationWorkflow begin(
      String app, String source, String destination, MigrationSettings settings) {
    return begin(
        new MigrationRequest(
            UUID.randomUUID().toString(), app, null, source, destination, settings));
  }

  AppMigrationWorkflow begin(MigrationRequest request) {
    String id = request.migrationId();
    AppMigrationWorkflow workflow =
        client()
            .newWorkflowStub(
                AppMigrationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  /** Waits (in skipped time) until the migration's status satisfies the condition. */
  Migration await(AppMigrationWorkflow workflow, Predicate<MigrationStatus> condition) {
    for (int i = 0; i < 600; i++) {
      Migration migration = workflow.status();
      if (condition.test(migration.status())) {
        return migration;
      }
      env.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("status never reached; last: " + workflow.status());
  }

  Migration awaitStatus(AppMigrationWorkflow workflow, MigrationStatus status) {
    return await(workflow, s -> s == status);
  }

  /** Creates a migration and waits for its preflight to pass. */
  AppMigrationWorkflow created() {
    AppMigrationWorkflow workflow = begin();
    awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    return workflow;
  }

  static WorkflowStub untyped(AppMigrationWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow);
  }

  /** Saves the workflow's history where the replay test's resources are refreshed from. */
  void saveHistory(AppMigrationWorkflow workflow, String name) throws Exception {
    String id = untyped(workflow).getExecution().getWorkflowId();
    Path dir = Path.of("target", "histories");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name + ".json"), client().fetchHistory(id).toJson(true));
  }
}
