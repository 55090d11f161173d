package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.SourceCheck;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.model.StepStatus;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import org.slf4j.Logger;

/**
 * The migration saga, read top-down: {@link #run} tells the story, then come the phases in the
 * order a migration goes through them (preflight, prepare, data, finalize, after done: the redirect
 * window, then its cleanup or a rollback), the one abort path, and the handlers. The update and
 * signal handlers queue user steps through the {@link StepGate}; {@link #run} runs them one at a
 * time. Each action registers its undo first; abort, whoever asks for it (the user, the idle guard,
 * a workflow cancel), runs every registered undo in reverse order in a detached scope.
 */
public class AppMigrationWorkflowImpl implements AppMigrationWorkflow {

  /**
   * Change id: backup and restore of an addon run at the same time (version 1). Version markers are
   * written by the SDK without the payload codec, so change ids name code, never data.
   */
  public static final String RESTORE_WHILE_BACKING_UP = "restore-while-backing-up";

  /** Change id: the backups are deleted after the redirect window (version 1; SPEC §10). */
  public static final String DELETE_BACKUPS_WHEN_DONE = "delete-backups-when-done";

  /**
   * Change id: a live cutover sets up the replication back, from the destination to the source,
   * before the destination app starts, so that a rollback brings its writes back (version 1; SPEC
   * §10); the redirect window's end drops it.
   */
  public static final String REPLICATE_BACK = "replicate-back";

  private static final Logger log = Workflow.getLogger(AppMigrationWorkflowImpl.class);

  private final MigrationRequest request;
  private final StepGate gate = new StepGate();
  private final Compensations compensations = new Compensations();
  private final Notifier notifier;
  private final Progress progress;
  private final StepSchedule schedule;
  private final MigrationCalls calls;
  private final AddonMoves addons;
  private final LiveDataMoves live;
  private final Rollback rollback;
  private final Preflight preflight;
  private final AppLock lock;
  private final PrepareStep prepare;
  private final SourceApplication sourceApplication;
  private final RedirectWindow redirectWindow;
  private final DataAndFinalize moves;
  private final IdleGuard idleGuard;
  private CancellationScope phaseScope;

  private SourceCheck source;

  /** The data step asked last is live mode's ({@code data-live}) rather than stop and copy. */
  private boolean liveRequested;

  /** Runs before any handler, so {@code status} and the validators answer from the first task. */
  @WorkflowInit
  public AppMigrationWorkflowImpl(MigrationRequest request) {
    this.request = request;
    this.notifier = new Notifier(request);
    this.progress = new Progress(request, gate, notifier);
    this.schedule = new StepSchedule(progress);
    this.calls = new MigrationCalls(request);
    this.addons = new AddonMoves(request, calls, progress, compensations);
    this.live = new LiveDataMoves(request, calls, progress, compensations);
    this.rollback = new Rollback(request, calls, progress, addons, live);
    this.preflight = new Preflight(request, calls, progress);
    this.lock = new AppLock(request);
    this.idleGuard = new IdleGuard(request.settings().idleLimit());
    this.prepare = new PrepareStep(request, calls, progress, compensations);
    this.sourceApplication = new SourceApplication(request, calls, progress, compensations);
    this.redirectWindow = new RedirectWindow(request, gate, calls, progress, addons, live);
    this.moves =
        new DataAndFinalize(
            request, gate, calls, progress, compensations, addons, live, sourceApplication);
  }

  @Override
  public Migration run(MigrationRequest request) {
    progress.publishStatus();
    try {
      if (lock.acquire()) {
        runUserSteps();
      } else {
        progress.checks().add(lock.refusal());
        end(MigrationStatus.PREFLIGHT_ERROR);
      }
    } catch (CanceledFailure e) {
      requestAbort("the workflow was cancelled");
    }
    schedule.cancel(StepStatus.DONE, "cancelled: the migration is " + gate.status());
    if (gate.abortRequested() && !gate.status().isTerminal()) {
      // The one abort path. Detached, so that a cancel arriving while an undo runs or retries does
      // not cancel it: compensations run even when the workflow is cancelled (SPEC §2).
      Workflow.newDetachedCancellationScope(this::abortEverything).run();
    }
    if (gate.status() == MigrationStatus.DONE) {
      redirectWindow.run(this::runPhase);
    }
    // No update is left without its answer; detached, as Workflow.await throws once cancelled.
    Workflow.newDetachedCancellationScope(() -> Workflow.await(Workflow::isEveryHandlerFinished))
        .run();
    notifier.awaitDeliveries();
    if (CancellationScope.current().isCancelRequested()) {
      // Cancelled, even if by then the abort had been asked another way: it ends cancelled.
      throw new CanceledFailure("the workflow was cancelled; its undo actions have run");
    }
    return status();
  }

  /** Preflight at once, then each step the user asks for, until the migration ends or aborts. */
  private void runUserSteps() {
    if (!gate.abortRequested()) {
      runPhase(Phase.PREFLIGHT);
    }
    while (!gate.status().isTerminal() && !gate.abortRequested()) {
      if (gate.hasRequest()) {
        runPhase(gate.takeRequest());
      } else if (schedule.isPending()) {
        awaitScheduledStep();
      } else if (!idleGuard.awaitWithinLimit(
          () -> gate.hasRequest() || gate.abortRequested() || schedule.isPending())) {
        requestAbort(idleGuard.reason());
        log.warn("Migration {} idle: {}", request.migrationId(), progress.abortReason());
      }
    }
  }

  /**
   * Waits for the scheduled step's time, then queues it if the gate allows it now, else drops it. A
   * step run or aborted meanwhile goes first. The idle guard rests while a step is scheduled: a
   * schedule (at most 30 days ahead) is the user's activity, and the guard starts again once the
   * scheduled step has run or been dropped.
   */
  private void awaitScheduledStep() {
    Workflow.await(
        () ->
            schedule.isDue()
                || !schedule.isPending()
                || gate.hasRequest()
                || gate.abortRequested()
                || CancellationScope.current().isCancelRequested());
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the workflow was cancelled while a step was scheduled");
    }
    if (gate.hasRequest() || gate.abortRequested() || !schedule.isDue()) {
      return;
    }
    Phase due = schedule.pending().step();
    String refusal = gate.refusal(due);
    if (refusal == null) {
      log.info("Scheduled {} starts", due);
      if (due == Phase.DATA) {
        // A scheduled data step is stop and copy (live mode is run by hand).
        liveRequested = false;
      }
      gate.accept(schedule.start());
    } else {
      log.warn("Scheduled {} dropped: {}", due, refusal);
      schedule.drop(refusal);
    }
  }

  /** Runs one phase in a scope that abort cancels; a failure puts the migration in error. */
  private void runPhase(Phase next) {
    gate.start(next);
    progress.errors().clear();
    progress.publishStatus();
    phaseScope =
        Workflow.newCancellationScope(
            () -> {
              switch (next) {
                case PREFLIGHT -> source = preflight.run();
                case PREPARE -> prepare.run();
                case DATA -> moves.data(source, liveRequested);
                case FINALIZE -> moves.finalizeMove(source);
                case ROLLBACK -> rollback.run(sourceApplication.formation());
                default -> throw new IllegalArgumentException("not a user step: " + next);
              }
            });
    try {
      phaseScope.run();
      succeed(
          switch (next) {
            case PREFLIGHT ->
                progress.checks().isEmpty()
                    ? MigrationStatus.PREFLIGHT_SUCCESS
                    : MigrationStatus.PREFLIGHT_ERROR;
            case PREPARE -> MigrationStatus.PREPARED;
            case DATA ->
                liveRequested ? MigrationStatus.DATA_REPLICATING : MigrationStatus.DATA_MIGRATED;
            case ROLLBACK -> MigrationStatus.ROLLED_BACK;
            default -> MigrationStatus.DONE;
          });
      if (gate.status() == MigrationStatus.DATA_REPLICATING) {
        moves.replicating();
      }
    } catch (TemporalFailure e) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("the workflow was cancelled during " + next);
      }
      if (gate.abortRequested()) {
        log.info("Phase {} stopped for abort", next);
      } else if (next == Phase.PREFLIGHT) {
        progress.checks().add("the preflight checks could not run: " + describe(e));
        end(MigrationStatus.PREFLIGHT_ERROR);
      } else {
        if (progress.errors().isEmpty()) {
          progress.errors().add(describe(e));
        }
        log.warn("Phase {} failed: {}", next, progress.errors());
        gate.fail(next);
        progress.publishStatus();
      }
    } finally {
      phaseScope = null;
      gate.answerAll();
    }
  }

  // ---- the phases, in the order a migration goes through them ---------------------------------

  // ---- abort --------------------------------------------------------------------------------

  /** Stops the running phase; {@link #run} then undoes what was done. The first reason stays. */
  private void requestAbort(String why) {
    if (gate.requestAbort()) {
      progress.abortReason(why);
    }
    schedule.cancel(StepStatus.ERROR, "cancelled by abort");
    if (phaseScope != null) {
      phaseScope.cancel("abort " + why);
    }
    live.cancelWatching();
  }

  /**
   * Undoes every registered action, last first; a failed undo is shown and the others still run.
   */
  private void abortEverything() {
    // The failed step keeps its message in its own line; errors now reports the undo only.
    progress.errors().clear();
    gate.startAborting();
    progress.publishStatus();
    live.stopWatching();
    log.info("Aborting migration {}: {}", request.migrationId(), progress.abortReason());
    for (Compensations.Compensation compensation : compensations.inReverse()) {
      try {
        progress.step(compensation.name(), compensation.undo());
      } catch (ActivityFailure e) {
        progress.errors().add(compensation.name() + ": " + describe(e));
        log.error("Undo '{}' failed for good: {}", compensation.name(), describe(e));
      }
    }
    end(MigrationStatus.ABORTED);
    gate.answerAll();
  }

  /** A phase ended well; a terminal status releases the app's lock first. */
  private void succeed(MigrationStatus reached) {
    if (reached.isTerminal()) {
      lock.release();
      progress.finished();
    }
    gate.succeed(reached);
    progress.publishStatus();
  }

  /** Releases the app's lock before the terminal status shows, so a new migration can start. */
  private void end(MigrationStatus terminal) {
    lock.release();
    progress.finished();
    gate.end(terminal);
    progress.publishStatus();
  }

  // ---- handlers: the status query, the updates and the signals of the same names ------------

  @Override
  public Migration status() {
    return progress.snapshot();
  }

  @Override
  public Migration prepare() {
    return runRequested(Phase.PREPARE);
  }

  @Override
  public void validatePrepare() {
    rejectUnlessAllowed(Phase.PREPARE);
  }

  @Override
  public Migration data() {
    liveRequested = false;
    return runRequested(Phase.DATA);
  }

  @Override
  public void validateData() {
    rejectUnlessAllowed(Phase.DATA);
  }

  @Override
  public Migration dataLive() {
    liveRequested = true;
    return runRequested(Phase.DATA);
  }

  @Override
  public void validateDataLive() {
    rejectUnlessAllowed(Phase.DATA);
  }

  @Override
  public Migration finalizeMigration() {
    return runRequested(Phase.FINALIZE);
  }

  @Override
  public void validateFinalize() {
    rejectUnlessAllowed(Phase.FINALIZE);
  }

  @Override
  public Migration abort() {
    requestAbort("asked by the user");
    Workflow.await(() -> gate.status().isTerminal());
    return status();
  }

  @Override
  public void validateAbort() {
    rejectUnlessAllowed(Phase.ABORT);
  }

  @Override
  public Migration rollback() {
    return runRequested(Phase.ROLLBACK);
  }

  @Override
  public void validateRollback() {
    rejectUnlessAllowed(Phase.ROLLBACK);
  }

  @Override
  public Migration schedule(ScheduledStep asked) {
    schedule.schedule(asked);
    return status();
  }

  @Override
  public void validateSchedule(ScheduledStep asked) {
    String refusal = scheduleRefusal(asked);
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }

  @Override
  public void scheduleSignal(ScheduledStep asked) {
    String refusal = scheduleRefusal(asked);
    if (refusal != null) {
      log.warn("Signal 'schedule' ignored: {}", refusal);
    } else {
      schedule.schedule(asked);
    }
  }

  /** A step may be scheduled when it could run now, for a time in the next 30 days. */
  private String scheduleRefusal(ScheduledStep asked) {
    String refusal = StepSchedule.timeRefusal(asked);
    return refusal != null ? refusal : gate.refusal(asked.step());
  }

  @Override
  public void prepareSignal() {
    signal(Phase.PREPARE);
  }

  @Override
  public void dataSignal() {
    if (gate.refusal(Phase.DATA) == null) {
      liveRequested = false;
    }
    signal(Phase.DATA);
  }

  @Override
  public void dataLiveSignal() {
    if (gate.refusal(Phase.DATA) == null) {
      liveRequested = true;
    }
    signal(Phase.DATA);
  }

  @Override
  public void finalizeSignal() {
    signal(Phase.FINALIZE);
  }

  @Override
  public void abortSignal() {
    signal(Phase.ABORT);
  }

  @Override
  public void rollbackSignal() {
    signal(Phase.ROLLBACK);
  }

  private void signal(Phase asked) {
    String refusal = gate.refusal(asked);
    if (refusal != null) {
      log.warn("Signal '{}' ignored: {}", asked, refusal);
    } else if (asked == Phase.ABORT) {
      requestAbort("asked by signal");
    } else {
      schedule.runningNow(asked);
      gate.accept(asked);
    }
  }

  /** A step interrupted by abort answers once the abort has ended, so its caller sees "aborted". */
  private Migration runRequested(Phase asked) {
    schedule.runningNow(asked);
    int ticket = gate.accept(asked);
    Workflow.await(() -> gate.isAnswered(ticket));
    return status();
  }

  private void rejectUnlessAllowed(Phase asked) {
    String refusal = gate.refusal(asked);
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }
}
