package io.regionmove.workflows;

import io.regionmove.activities.BatchActivities;
import io.regionmove.activities.DriveInput;
import io.regionmove.activities.DriveResult;
import io.regionmove.activities.MigrationRef;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchEntry;
import io.regionmove.model.BatchEntryState;
import io.regionmove.model.BatchRequest;
import io.regionmove.model.BatchState;
import io.regionmove.model.FailureType;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowCancellationType;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The batch: a workflow-side semaphore ({@link #inFlight}, awaited with {@link Workflow#await})
 * lets at most {@code concurrency} migrations be worked on at once, in the order of the app list.
 *
 * <p>Each migration is started as a child workflow rather than by an activity: its id is fixed by
 * the batch ({@link Workflow#randomUUID()}, so a replay starts the same ids), the start is exactly
 * once without an idempotency check, and Temporal Web links the batch and its migrations. The
 * children are abandoned on close and on cancellation ({@link
 * ParentClosePolicy#PARENT_CLOSE_POLICY_ABANDON}, {@link ChildWorkflowCancellationType#ABANDON}): a
 * batch ending or cancelled never stops a migration, which goes on through its redirect window on
 * its own; only {@code abort} aborts them.
 *
 * <p>Driving and aborting go through {@link BatchActivities}, which uses the migration's public
 * Updates: a workflow cannot send an Update, and a Signal would not say when the step (or the
 * abort) has ended nor be refused when it cannot run.
 *
 * <p>The history stays bounded without {@code continueAsNew}: no polling and no timers, only the
 * child start, one driver activity and a few workflow tasks per app, about a dozen events per app;
 * {@link BatchRequest#MAX_APPS} keeps a batch under Temporal's limits.
 */
public class MigrationBatchWorkflowImpl implements MigrationBatchWorkflow {

  private static final Logger log = Workflow.getLogger(MigrationBatchWorkflowImpl.class);

  private BatchRequest request;
  private final List<BatchEntry> entries = new ArrayList<>();

  /** The start of each migration started, by entry index: an abort waits for it first. */
  private final Map<Integer, Promise<WorkflowExecution>> starts = new LinkedHashMap<>();

  /** The work on each migration started (starting and driving it), by entry index. */
  private final Map<Integer, Promise<Void>> work = new LinkedHashMap<>();

  /** Migrations being worked on: the semaphore's count. */
  private int inFlight;

  private BatchState state = BatchState.RUNNING;
  private boolean abortRequested;
  private Instant startedAt;
  private Instant finishedAt;

  @Override
  public Batch run(BatchRequest request) {
    this.request = request;
    this.startedAt = now();
    String refusal = request.refusal();
    if (refusal != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Cannot run batch " + request.batchId() + ": " + refusal + ".",
          FailureType.INVALID_REQUEST.name());
    }
    for (String app : request.apps()) {
      entries.add(BatchEntry.waiting(app, Workflow.randomUUID().toString()));
    }
    log.info(
        "Batch {}: {} apps from {} to {}, {} at once, through {}",
        request.batchId(),
        entries.size(),
        request.source(),
        request.destination(),
        request.concurrency(),
        request.through());
    for (int i = 0; i < entries.size(); i++) {
      Workflow.await(() -> inFlight < request.concurrency() || abortRequested);
      if (abortRequested) {
        break;
      }
      int index = i;
      inFlight++;
      // Marked here, not in migrate: an abort arriving before migrate runs must not skip it.
      entries.set(index, entries.get(index).running(now()));
      work.put(index, Async.procedure(this::migrate, index));
    }
    Promise<Void> everything = Promise.allOf(new ArrayList<>(work.values()));
    Workflow.await(() -> everything.isCompleted() || abortRequested);
    if (abortRequested) {
      abortUnfinished();
    }
    everything.get();
    state = BatchState.ENDED;
    finishedAt = now();
    log.info("Batch {} ended: {}", request.batchId(), status().summary());
    // The abort update answers with the ended batch: let it do so before the workflow closes.
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  @Override
  public Batch status() {
    if (request == null) {
      return null;
    }
    return new Batch(
        request.batchId(),
        request.source(),
        request.destination(),
        request.through(),
        request.concurrency(),
        state,
        entries,
        startedAt,
        finishedAt);
  }

  @Override
  public Batch abort() {
    requestAbort();
    Workflow.await(() -> state == BatchState.ENDED);
    return status();
  }

  @Override
  public void validateAbort() {
    if (state == BatchState.ENDED) {
      throw new IllegalStateException("cannot abort: the batch has ended");
    }
  }

  @Override
  public void abortSignal() {
    if (state == BatchState.ENDED) {
      log.warn("Signal 'abort' ignored: the batch has ended");
      return;
    }
    requestAbort();
  }

  private void requestAbort() {
    if (!abortRequested) {
      log.info("Batch {} aborted", request.batchId());
    }
    abortRequested = true;
    state = BatchState.ABORTING;
  }

  // ---- one migration ------------------------------------------------------------------------

  /** Starts the migration of entry {@code index} and drives it; frees its slot when done. */
  private void migrate(int index) {
    try {
      BatchEntry entry = entries.get(index);
      AppMigrationWorkflow child =
          Workflow.newChildWorkflowStub(AppMigrationWorkflow.class, childOptions(entry));
      Async.function(
          child::run,
          new MigrationRequest(
              entry.migrationId(),
              entry.app(),
              null,
              request.source(),
              request.destination(),
              request.settings()));
      Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(child);
      starts.put(index, started);
      try {
        started.get();
      } catch (ChildWorkflowFailure e) {
        finish(index, null, "its migration could not be started: " + describe(e));
        return;
      }
      try {
        DriveResult result =
            activities("drive " + entry.app() + " through " + request.through())
                .driveMigration(
                    new DriveInput(entry.migrationId(), request.through(), request.live()));
        finish(index, result.status(), result.error());
      } catch (ActivityFailure e) {
        finish(index, null, describe(e));
      }
    } finally {
      inFlight--;
    }
  }

  private ChildWorkflowOptions childOptions(BatchEntry entry) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(AppMigrationWorkflow.workflowId(entry.migrationId()))
        .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
        .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
        .setCancellationType(ChildWorkflowCancellationType.ABANDON)
        // Set at start, as migration-create does, so the migration is listed at once.
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(MigrationSearchAttributes.APP, entry.app())
                .set(MigrationSearchAttributes.SOURCE, request.source())
                .set(MigrationSearchAttributes.DESTINATION, request.destination())
                .set(MigrationSearchAttributes.STATUS, MigrationStatus.CREATED.wireName())
                .build())
        .setStaticSummary(
            "Migrate "
                + entry.app()
                + ": "
                + request.source()
                + " → "
                + request.destination()
                + " (batch "
                + request.batchId()
                + ")")
        .build();
  }

  private void finish(int index, MigrationStatus status, String error) {
    entries.set(index, entries.get(index).finished(status, error, now()));
  }

  // ---- abort --------------------------------------------------------------------------------

  /**
   * Aborts every migration that is not finished: those being driven at once (they already hold a
   * slot), then those the batch was done with but that wait in the middle (prepared, in error),
   * each taking a slot as new work would. Apps not started yet are skipped.
   */
  private void abortUnfinished() {
    List<Integer> running = new ArrayList<>();
    List<Integer> waitingInTheMiddle = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      BatchEntry entry = entries.get(i);
      if (entry.state() == BatchEntryState.WAITING) {
        entries.set(i, entry.skipped());
      } else if (entry.state() == BatchEntryState.RUNNING) {
        running.add(i);
      } else if (entry.state() == BatchEntryState.FINISHED
          && startedOk(i)
          && (entry.status() == null || !entry.status().isTerminal())) {
        waitingInTheMiddle.add(i);
      }
    }
    List<Promise<Void>> aborts = new ArrayList<>();
    for (int index : running) {
      aborts.add(Async.procedure(this::abortOne, index));
    }
    for (int index : waitingInTheMiddle) {
      Workflow.await(() -> inFlight < request.concurrency());
      inFlight++;
      aborts.add(
          Async.procedure(
              () -> {
                try {
                  abortOne(index);
                } finally {
                  inFlight--;
                }
              }));
    }
    Promise.allOf(aborts).get();
  }

  private void abortOne(int index) {
    Promise<WorkflowExecution> started = starts.get(index);
    if (started == null) {
      // Its work was scheduled but has not run yet: wait for the start it is about to make.
      Workflow.await(() -> starts.containsKey(index));
      started = starts.get(index);
    }
    try {
      started.get();
    } catch (ChildWorkflowFailure e) {
      return; // never started: nothing to abort
    }
    BatchEntry entry = entries.get(index);
    DriveResult result;
    try {
      result =
          activities("abort " + entry.app()).abortMigration(new MigrationRef(entry.migrationId()));
    } catch (ActivityFailure e) {
      work.get(index).get();
      BatchEntry now = entries.get(index);
      finish(index, now.status(), "the abort failed: " + describe(e));
      return;
    }
    // The driver ends too once the abort has ended; the abort's answer is the later one.
    Promise<Void> driving = work.get(index);
    if (driving != null) {
      driving.get();
    }
    finish(index, result.status(), result.error());
  }

  private boolean startedOk(int index) {
    Promise<WorkflowExecution> started = starts.get(index);
    return started != null && started.isCompleted() && started.getFailure() == null;
  }

  // ---- helpers ------------------------------------------------------------------------------

  private BatchActivities activities(String summary) {
    return Workflow.newActivityStub(BatchActivities.class, MigrationActivityOptions.batch(summary));
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  /** The sentence a person reads for a failed call: the innermost message. */
  private static String describe(TemporalFailure e) {
    Throwable cause = e;
    while ((cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure) {
      return "timed out";
    }
    return cause instanceof TemporalFailure t ? t.getOriginalMessage() : cause.getMessage();
  }
}
