package io.regionmove.workflows;

import static io.regionmove.workflows.MigrationHarness.APP;
import static io.regionmove.workflows.MigrationHarness.DESTINATION;
import static io.regionmove.workflows.MigrationHarness.FORMATION;
import static io.regionmove.workflows.MigrationHarness.SOURCE;
import static io.regionmove.workflows.MigrationHarness.untyped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.StartAppInput;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.InOrder;

/** SPEC §10 {@code migration-run --data|--finalize --at TIME}: the {@code schedule} update. */
class ScheduledStepWorkflowTest {

  @RegisterExtension static final TestWorkflowExtension testWorkflow = MigrationHarness.extension();

  private MigrationHarness harness;

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    harness = new MigrationHarness(env);
  }

  @Test
  void scheduledFinalizeRunsAtItsTimeAndNotBefore() {
    harness.start();
    AppMigrationWorkflow workflow = prepared();
    Instant at = now().plus(Duration.ofHours(2));

    Migration scheduled = workflow.schedule(new ScheduledStep(Phase.FINALIZE, at));

    assertEquals(MigrationStatus.PREPARED, scheduled.status());
    assertEquals(new ScheduledStep(Phase.FINALIZE, at), scheduled.scheduled());
    Step waiting = last(scheduled);
    assertEquals("Waiting until " + at + " to run finalize", waiting.name());
    assertEquals(StepStatus.RUNNING, waiting.status());
    assertEquals(Phase.FINALIZE, waiting.phase());
    assertTrue(
        timerSummaries(id(workflow)).contains("scheduled finalize at " + at),
        timerSummaries(id(workflow))::toString);

    harness.env.sleep(Duration.ofMinutes(119));
    assertEquals(MigrationStatus.PREPARED, workflow.status().status());
    verify(harness.region, never()).startApp(any());

    Migration done = harness.awaitStatus(workflow, MigrationStatus.DONE);
    assertNull(done.scheduled());
    Step started = findStep(done, "Start app");
    assertFalse(started.startedAt().isBefore(at), started + " started before " + at);
    assertTrue(started.startedAt().isBefore(at.plusSeconds(60)), started + " started late");
    Step wait = findStep(done, "Waiting until");
    assertEquals(StepStatus.DONE, wait.status());
    assertTrue(wait.logs().get(0).startsWith("finalize started at "), wait.logs()::toString);
    verify(harness.region, times(1)).startApp(new StartAppInput(dst(workflow), FORMATION));
  }

  @Test
  void abortDuringTheScheduledWaitCancelsItAndUndoesThePrepare() throws Exception {
    harness.start();
    AppMigrationWorkflow workflow = prepared();
    String id = id(workflow);
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, now().plus(Duration.ofHours(1))));

    Migration aborted = workflow.abort();

    assertEquals(MigrationStatus.ABORTED, aborted.status());
    assertNull(aborted.scheduled());
    Step wait = findStep(aborted, "Waiting until");
    assertEquals(StepStatus.ERROR, wait.status());
    assertEquals(List.of("cancelled by abort"), wait.logs());
    InOrder undo = inOrder(harness.region);
    undo.verify(harness.region).deleteApp(new AppInput(id, DESTINATION, APP));
    undo.verify(harness.region).unfreezeSource(new AppInput(id, SOURCE, APP));
    assertTrue(hasEvent(id, EventType.EVENT_TYPE_TIMER_CANCELED), "the timer is cancelled");

    harness.env.sleep(Duration.ofHours(2));
    verify(harness.region, never()).startApp(any());
    verify(harness.region, never()).redirectSource(any());
    harness.saveHistory(workflow, "abort-during-scheduled-wait");
  }

  @Test
  void runningTheScheduledStepNowCancelsItsSchedule() {
    harness.start();
    AppMigrationWorkflow workflow = prepared();
    Instant asked = now();
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, asked.plus(Duration.ofHours(1))));

    Migration done = workflow.finalizeMigration();

    assertEquals(MigrationStatus.DONE, done.status());
    assertNull(done.scheduled());
    assertTrue(findStep(done, "Start app").startedAt().isBefore(asked.plusSeconds(60)));
    Step wait = findStep(done, "Waiting until");
    assertEquals(StepStatus.DONE, wait.status());
    assertEquals(List.of("cancelled: finalize was run at once"), wait.logs());
    harness.env.sleep(Duration.ofHours(2));
    verify(harness.region, times(1)).startApp(any());
  }

  @Test
  void schedulingAgainReplacesTheScheduleAndTheSignalSchedulesToo() {
    harness.start();
    AppMigrationWorkflow workflow = prepared();
    Instant first = now().plus(Duration.ofHours(3));
    Instant second = now().plus(Duration.ofHours(1));
    workflow.schedule(new ScheduledStep(Phase.DATA, first));

    // From Temporal Web: the signal of the same name, with the same input.
    untyped(workflow).signal("schedule", new ScheduledStep(Phase.FINALIZE, second));
    Migration replaced = awaitScheduled(workflow, second);

    assertEquals(Phase.FINALIZE, replaced.scheduled().step());
    Step old = findStep(replaced, "Waiting until " + first);
    assertEquals(StepStatus.DONE, old.status());
    assertEquals(List.of("replaced: finalize is now scheduled at " + second), old.logs());

    harness.env.sleep(Duration.ofMinutes(59));
    assertEquals(MigrationStatus.PREPARED, workflow.status().status());
    Migration done = harness.awaitStatus(workflow, MigrationStatus.DONE);
    assertFalse(findStep(done, "Start app").startedAt().isBefore(second));
    verify(harness.data, never()).backupAddon(any());
    harness.env.sleep(Duration.ofHours(3));
    verify(harness.region, times(1)).startApp(any());
    verify(harness.region, times(1)).stopApp(any());
  }

  @Test
  void aStepThatMayNotRunNowCannotBeScheduledAndLeavesNoTrace() {
    harness.start();
    AppMigrationWorkflow workflow = harness.created();
    String id = id(workflow);
    assertEquals(
        "cannot run finalize: the migration is preflight-success; run prepare first",
        rejection(
            () -> workflow.schedule(new ScheduledStep(Phase.FINALIZE, now().plusSeconds(600)))));
    assertEquals(
        "only data and finalize can be scheduled, not prepare",
        rejection(
            () -> workflow.schedule(new ScheduledStep(Phase.PREPARE, now().plusSeconds(600)))));
    workflow.prepare();
    Instant past = now().minusSeconds(5);
    assertEquals(
        "cannot schedule data at " + past + ": that time is in the past",
        rejection(() -> workflow.schedule(new ScheduledStep(Phase.DATA, past))));
    Instant far = now().plus(Duration.ofDays(31));
    assertEquals(
        "cannot schedule finalize at " + far + ": that is more than 30 days ahead",
        rejection(() -> workflow.schedule(new ScheduledStep(Phase.FINALIZE, far))));

    assertNull(workflow.status().scheduled());
    assertTrue(
        timerSummaries(id).stream().noneMatch(s -> s.startsWith("scheduled")),
        "no timer was started: " + timerSummaries(id));
    assertTrue(
        events(id).stream()
            .filter(
                e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)
            .noneMatch(
                e ->
                    e.getWorkflowExecutionUpdateAcceptedEventAttributes()
                        .getAcceptedRequest()
                        .getInput()
                        .getName()
                        .equals("schedule")),
        "no schedule update in the history");
  }

  @Test
  void aScheduledStepThatComesDueWhenNoLongerAllowedIsDroppedAndShown() {
    when(harness.data.verifyAddon(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "table public.orders differs", "VERIFICATION_FAILED"));
    harness.start();
    AppMigrationWorkflow workflow = prepared();
    Instant at = now().plus(Duration.ofHours(1));
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, at));

    assertEquals(MigrationStatus.ERROR, workflow.data().status());
    harness.env.sleep(Duration.ofMinutes(61));

    Migration dropped = workflow.status();
    assertEquals(MigrationStatus.ERROR, dropped.status());
    assertNull(dropped.scheduled());
    Step wait = findStep(dropped, "Waiting until");
    assertEquals(StepStatus.ERROR, wait.status());
    assertTrue(
        wait.logs()
            .get(0)
            .endsWith("cannot run finalize: the data step failed; run data again or abort"),
        wait.logs()::toString);
    verify(harness.region, never()).startApp(new StartAppInput(dst(workflow), FORMATION));
  }

  @Test
  void theIdleGuardDoesNotAbortAMigrationWhoseStepIsScheduled() {
    harness.start();
    AppMigrationWorkflow workflow =
        harness.begin(
            APP,
            SOURCE,
            DESTINATION,
            new MigrationSettings(Duration.ofDays(7), Duration.ofDays(30), Duration.ofSeconds(2)));
    harness.awaitStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    workflow.prepare();
    Instant at = now().plus(Duration.ofDays(20));
    workflow.schedule(new ScheduledStep(Phase.FINALIZE, at));

    harness.env.sleep(Duration.ofDays(19));
    assertEquals(MigrationStatus.PREPARED, workflow.status().status());
    harness.env.sleep(Duration.ofHours(23).plusMinutes(59));

    Migration done = harness.awaitStatus(workflow, MigrationStatus.DONE);
    assertNull(done.abortReason());
    assertFalse(findStep(done, "Start app").startedAt().isBefore(at));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private AppMigrationWorkflow prepared() {
    AppMigrationWorkflow workflow = harness.created();
    assertEquals(MigrationStatus.PREPARED, workflow.prepare().status());
    return workflow;
  }

  private Instant now() {
    return Instant.ofEpochMilli(harness.env.currentTimeMillis());
  }

  private Migration awaitScheduled(AppMigrationWorkflow workflow, Instant at) {
    for (int i = 0; i < 100; i++) {
      Migration m = workflow.status();
      if (m.scheduled() != null && m.scheduled().at().equals(at)) {
        return m;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("never scheduled at " + at + ": " + workflow.status());
  }

  private List<HistoryEvent> events(String workflowId) {
    return harness.client().fetchHistory(workflowId).getHistory().getEventsList();
  }

  private boolean hasEvent(String workflowId, EventType type) {
    return events(workflowId).stream().anyMatch(e -> e.getEventType() == type);
  }

  private List<String> timerSummaries(String workflowId) {
    return events(workflowId).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .map(
            e ->
                DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                    e.getUserMetadata().getSummary(), String.class, String.class))
        .toList();
  }

  private static Step last(Migration m) {
    return m.steps().get(m.steps().size() - 1);
  }

  private static Step findStep(Migration m, String prefix) {
    return m.steps().stream()
        .filter(s -> s.name().startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step '" + prefix + "…': " + m.steps()));
  }

  private static String rejection(Runnable update) {
    WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class, update::run);
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    return cause.getOriginalMessage();
  }

  private static String id(AppMigrationWorkflow workflow) {
    return untyped(workflow).getExecution().getWorkflowId();
  }

  private static AppInput dst(AppMigrationWorkflow workflow) {
    return new AppInput(id(workflow), DESTINATION, APP);
  }
}
