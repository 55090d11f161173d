package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.APP;
import static io.regionmove.workflows.MigrationHarness.DATABASE;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.SETTINGS;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static io.regionmove.workflows.MigrationHarness.untyped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.NotifyInput;
import io.regionmove.activities.NotifyResult;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.model.StatusChange;
import io.regionmove.model.Step;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/**
 * SPEC §10 {@code --notify}: status changes delivered to webhooks by activities that never hold the
 * migration up; and the backups deleted once a done migration's redirect window is over.
 */
class NotificationWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  private static final String HOOK = "https://hooks.example.com/regionmove?token=t";

  private MigrationHarness harness;
  private final List<StatusChange> delivered = Collections.synchronizedList(new ArrayList<>());
  private final AtomicBoolean down = new AtomicBoolean();
  private final AtomicInteger attempts = new AtomicInteger();

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
    when(harness.notifications.notifyStatusChange(any()))
        .thenAnswer(
            invocation -> {
              attempts.incrementAndGet();
              if (down.get()) {
                throw new IllegalStateException("connection refused");
              }
              NotifyInput input = invocation.getArgument(0);
              assertEquals(HOOK, input.url());
              delivered.add(input.change());
              return new NotifyResult(204);
            });
  }

  @Test
  void webhookDownForAnHourGetsEveryChangeOnceItIsBackAndTheMigrationNeverWaits() throws Exception {
    down.set(true);
    harness.start();
    AppMigrationWorkflow workflow = begin();
    Instant created = now();
    harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    workflow.prepare();
    // A step scheduled, replaced by another one, then due: the recorded history covers it all.
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, created.plus(Duration.ofHours(3))));
    workflow.data();
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, created.plus(Duration.ofMinutes(30))));
    harness.env.sleep(Duration.ofMinutes(30));
    Migration done = harness.awaitStatus(workflow, MigrationStatus.DONE);

    // Every step ran when it was asked: none waited for the webhook.
    for (Step step : done.steps()) {
      Instant limit =
          step.phase() == Phase.FINALIZE
              ? created.plus(Duration.ofMinutes(32))
              : created.plusSeconds(60);
      assertTrue(step.startedAt().isBefore(limit), step + " started late; created " + created);
    }
    assertTrue(delivered.isEmpty(), "nothing delivered while the webhook is down");
    assertTrue(attempts.get() > 9, "deliveries were retried: " + attempts.get());

    harness.env.sleep(Duration.ofMinutes(35));
    down.set(false);
    harness.env.sleep(Duration.ofMinutes(5));

    List<String> expected =
        List.of(
            "created/preflight",
            "running/preflight",
            "preflight-success/preflight",
            "running/prepare",
            "prepared/prepare",
            "running/data",
            "data-migrated/data",
            "running/finalize",
            "done/finalize");
    assertEquals(expected, sorted().stream().map(c -> c.status() + "/" + c.step()).toList());
    List<Integer> sequences = sorted().stream().map(StatusChange::sequence).toList();
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), sequences, "each change delivered once");
    StatusChange last = sorted().get(8);
    assertEquals(id(workflow), last.migrationId());
    assertEquals(APP, last.app());
    assertEquals(SOURCE, last.source());
    assertEquals(DESTINATION, last.destination());
    assertFalse(last.at().isBefore(created.plus(Duration.ofMinutes(30))));

    List<HistoryEvent> events = events(id(workflow));
    assertEquals(9, deliveries(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED));
    assertEquals(9, deliveries(events, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED));

    harness.env.sleep(Duration.ofDays(30).plusHours(1));
    assertEquals(MigrationStatus.DONE, untyped(workflow).getResult(Migration.class).status());
    harness.saveHistory(workflow, "scheduled-finalize-with-notifications");
  }

  @Test
  void aMigrationDoesNotCompleteWhileADeliveryIsPending() {
    down.set(true);
    harness.start();
    AppMigrationWorkflow workflow = begin();
    harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);

    assertEquals(MigrationStatus.ABORTED, workflow.abort().status());
    harness.env.sleep(Duration.ofHours(2));
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        untyped(workflow).describe().getWorkflowExecutionInfo().getStatus(),
        "open while the deliveries retry");

    down.set(false);
    Migration aborted = untyped(workflow).getResult(Migration.class);
    assertEquals(MigrationStatus.ABORTED, aborted.status());
    assertEquals("aborted", sorted().get(sorted().size() - 1).status().wireName());
    assertEquals(5, sorted().size(), sorted()::toString);
  }

  @Test
  void aWebhookThatRefusesIsNotRetriedAndTheMigrationGoesOn() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "hooks.example.com answered 404 Not Found", "NOTIFICATION_REJECTED"))
        .when(harness.notifications)
        .notifyStatusChange(any());
    harness.start();
    AppMigrationWorkflow workflow = begin();
    harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);

    assertEquals(MigrationStatus.PREPARED, workflow.prepare().status());
    assertEquals(MigrationStatus.ABORTED, workflow.abort().status());

    Migration aborted = untyped(workflow).getResult(Migration.class);
    assertEquals(MigrationStatus.ABORTED, aborted.status());
    List<HistoryEvent> events = events(id(workflow));
    long scheduled = deliveries(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    assertEquals(scheduled, deliveries(events, EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED));
    assertEquals(
        7, scheduled, "created, running, preflight-success, running, prepared, aborting, aborted");
  }

  @Test
  void withoutWebhooksNoDeliveryIsScheduled() {
    harness.start();
    AppMigrationWorkflow workflow = harness.created();
    workflow.prepare();
    workflow.abort();
    untyped(workflow).getResult(Migration.class);
    verify(harness.notifications, never()).notifyStatusChange(any());
  }

  @Test
  void theBackupsOfADoneMigrationAreDeletedWhenItsRedirectWindowEnds() {
    harness.start();
    AppMigrationWorkflow workflow = harness.created();
    String id = id(workflow);
    workflow.prepare();
    workflow.data();
    workflow.finalizeMigration();

    harness.env.sleep(Duration.ofDays(29));
    verify(harness.data, never()).deleteBackup(any());

    harness.env.sleep(Duration.ofDays(1).plusHours(1));
    Migration closed = untyped(workflow).getResult(Migration.class);
    MoveInput move = new MoveInput(id, SOURCE, APP, DESTINATION, APP);
    InOrder cleanup = inOrder(harness.region, harness.data);
    cleanup.verify(harness.region).deleteSourceApp(move);
    cleanup.verify(harness.data).deleteBackup(new AddonInput(move, DATABASE));
    verify(harness.data, atLeastOnce()).deleteBackup(any());
    assertEquals(
        "Delete backup of postgresql addon ad-pg-1",
        closed.steps().get(closed.steps().size() - 1).name());
    assertTrue(closed.errors().isEmpty(), closed.errors()::toString);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private AppMigrationWorkflow begin() {
    return harness.begin(
        new MigrationRequest(
            UUID.randomUUID().toString(), APP, null, SOURCE, DESTINATION, SETTINGS, List.of(HOOK)));
  }

  private List<StatusChange> sorted() {
    synchronized (delivered) {
      List<StatusChange> copy = new ArrayList<>(delivered);
      copy.sort((a, b) -> Integer.compare(a.sequence(), b.sequence()));
      return copy;
    }
  }

  private Instant now() {
    return Instant.ofEpochMilli(harness.env.currentTimeMillis());
  }

  private List<HistoryEvent> events(String workflowId) {
    return harness.client().fetchHistory(workflowId).getHistory().getEventsList();
  }

  /** The events of a type (scheduled, completed, failed) of the webhook delivery activities. */
  private static long deliveries(List<HistoryEvent> events, EventType type) {
    Set<Long> scheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals("NotifyStatusChange"))
            .map(HistoryEvent::getEventId)
            .collect(Collectors.toSet());
    return events.stream()
        .filter(e -> e.getEventType() == type)
        .filter(
            e ->
                switch (type) {
                  case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> scheduled.contains(e.getEventId());
                  case EVENT_TYPE_ACTIVITY_TASK_COMPLETED ->
                      scheduled.contains(
                          e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
                  case EVENT_TYPE_ACTIVITY_TASK_FAILED ->
                      scheduled.contains(
                          e.getActivityTaskFailedEventAttributes().getScheduledEventId());
                  default -> false;
                })
        .count();
  }

  private static String id(AppMigrationWorkflow workflow) {
    return untyped(workflow).getExecution().getWorkflowId();
  }
}
