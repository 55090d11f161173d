package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.model.CnameChange;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.Formation;
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
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
  private final IdleGuard idleGuard;
  private final AppInput sourceApp;
  private final AppInput destinationApp;
  private final MoveInput move;
  private CancellationScope phaseScope;

  private SourceCheck source;
  private Formation sourceFormation;
  private boolean dataMigrated;

  /** The data step asked last is live mode's ({@code data-live}) rather than stop and copy. */
  private boolean liveRequested;

  /** Live mode reached {@code data-replicating}: finalize is the cutover. */
  private boolean replicating;

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
    this.sourceApp = calls.sourceApp();
    this.destinationApp = calls.destinationApp();
    this.move = calls.move();
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
      afterDone();
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
                case PREPARE -> prepareDestination();
                case DATA -> migrateData();
                case FINALIZE -> finalizeMove();
                case ROLLBACK -> rollback.run(sourceFormation);
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
        replicating = true;
        live.watch();
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

  private void prepareDestination() {
    String src = request.source();
    String dst = request.destination();
    compensations.register(
        "unfreeze-source",
        "Unfreeze source app " + request.app(),
        () -> calls.undo(src, "unfreeze source app").unfreezeSource(sourceApp));
    progress.step(
        "Freeze source app " + request.app(),
        () -> calls.region(src, "freeze source app").freezeSource(sourceApp));

    compensations.register(
        "delete-destination-app",
        "Delete destination app " + request.newName() + " in " + dst,
        () -> calls.undo(dst, "delete destination app").deleteApp(destinationApp));
    progress.step(
        "Create app " + request.newName() + " in " + dst,
        () -> calls.region(dst, "create destination app").createApp(move));

    for (ConfigKind kind : ConfigKind.values()) {
      ConfigInput input = new ConfigInput(move, kind);
      compensations.register(
          "remove-" + kind.name().toLowerCase(),
          "Remove copied " + kind.label(),
          () -> calls.undo(dst, "remove copied " + kind.label()).removeConfig(input));
      progress.step(
          "Copy " + kind.label(),
          () -> calls.region(dst, "copy " + kind.label()).copyConfig(input));
    }
  }

  /**
   * Stops the source, then moves every addon at the same time (see {@link AddonMoves}); in live
   * mode, replicates them while the source keeps running (see {@link LiveDataMoves}).
   */
  private void migrateData() {
    if (liveRequested) {
      live.start(source.addons());
      return;
    }
    if (live.replicating()) {
      // A live attempt failed and stop and copy runs instead: its replication goes first.
      live.abandon();
    }
    stopSource();
    addons.moveAll(source.addons());
    dataMigrated = true;
  }

  private void finalizeMove() {
    String src = request.source();
    String dst = request.destination();
    boolean replicateBack =
        replicating && Workflow.getVersion(REPLICATE_BACK, Workflow.DEFAULT_VERSION, 1) == 1;
    if (replicating && !dataMigrated) {
      live.stopWatching();
      live.cutOver(this::rememberFormation, this::stopSource, replicateBack);
      dataMigrated = true;
    }
    if (!dataMigrated) {
      stopSource();
    }
    if (replicateBack) {
      // Before the destination accepts writes: from then on its slot keeps each of them. Made
      // during the cutover; again here when a finalize that failed runs again.
      live.prepareReverse();
    }
    Formation formation = sourceFormation;
    compensations.register(
        "stop-destination",
        "Stop destination app " + request.newName(),
        () -> calls.undo(dst, "stop destination app").stopApp(destinationApp));
    progress.step(
        "Start app " + request.newName() + " in " + dst + " (" + describe(formation) + ")",
        () ->
            calls
                .region(dst, "start destination app")
                .startApp(new StartAppInput(destinationApp, formation)));

    Instant until = Progress.now().plus(request.settings().redirectWindow());
    compensations.register(
        "remove-redirect",
        "Remove redirect of " + request.app(),
        () -> calls.undo(src, "remove redirect").removeRedirect(sourceApp));
    RedirectResult redirect =
        progress.step(
            "Redirect " + request.app() + " to the new app until " + until,
            () ->
                calls
                    .region(src, "redirect source app")
                    .redirectSource(new RedirectInput(move, until)),
            RedirectResult::logs);
    progress.url(redirect.url());
    String host = URI.create(redirect.url()).getHost();
    progress.cnames().clear();
    source.customDomains().forEach(domain -> progress.cnames().add(new CnameChange(domain, host)));
    if (replicating) {
      live.finish();
    }
    if (replicateBack) {
      // Only once the forward replication is gone: each direction would send the other's
      // changes back.
      live.startReverse();
      gate.dataCanComeBack();
    }
  }

  /** Remembers the source formation once, then stops the source; undo restarts it with it. */
  private void stopSource() {
    String src = request.source();
    rememberFormation();
    Formation formation = sourceFormation;
    compensations.register(
        "restart-source",
        "Restart source app " + request.app() + " (" + describe(formation) + ")",
        () ->
            calls
                .undo(src, "restart source app")
                .startApp(new StartAppInput(sourceApp, formation)));
    progress.step(
        "Stop source app " + request.app(),
        () -> calls.region(src, "stop source app").stopApp(sourceApp));
  }

  /** Reads the source's formation the first time, for the undo that restarts it. */
  private void rememberFormation() {
    if (sourceFormation == null) {
      sourceFormation =
          progress.step(
              "Read formation of " + request.app(),
              () ->
                  calls.region(request.source(), "read source formation").readFormation(sourceApp),
              f -> List.of(describe(f)));
    }
  }

  /**
   * After done: the redirect window, a durable timer. When it ends, its cleanup; a rollback asked
   * before that stops the timer and runs instead, again after a failure, until it has rolled back.
   * A rollback is not cancelled with the workflow: like the undo actions, it is the way back.
   */
  private void afterDone() {
    List<Promise<Void>> window = new ArrayList<>(1);
    CancellationScope windowScope =
        Workflow.newCancellationScope(
            () ->
                window.add(
                    Workflow.newTimer(
                        request.settings().redirectWindow(),
                        TimerOptions.newBuilder()
                            .setSummary(
                                "redirect window: then remove the redirect and delete the old app")
                            .build())));
    windowScope.run();
    boolean windowOver;
    try {
      Workflow.await(() -> window.get(0).isCompleted() || gate.hasRequest());
      throwIfCancelled("during the redirect window");
      windowOver = !gate.hasRequest();
      if (!windowOver) {
        windowScope.cancel("the migration is rolled back");
        while (gate.status() != MigrationStatus.ROLLED_BACK) {
          Workflow.await(gate::hasRequest);
          throwIfCancelled("while its rollback waited to be run again");
          Phase next = gate.takeRequest();
          Workflow.newDetachedCancellationScope(() -> runPhase(next)).run();
        }
      }
    } catch (CanceledFailure e) {
      if (live.reversing()) {
        // Cancelled: nothing will roll back any more, and the slot back would fill the
        // destination's disk.
        Workflow.newDetachedCancellationScope(this::dropReplicationBack).run();
      }
      throw e;
    }
    if (windowOver) {
      closeRedirectWindow();
    }
  }

  /** Drops the replication back, retried until the regions answer; a failure for good is shown. */
  private void dropReplicationBack() {
    try {
      live.dropReverse(true);
    } catch (ActivityFailure e) {
      progress.errors().add("drop the replication back: " + describe(e));
      log.error("Replication back not dropped: {}", describe(e));
    }
  }

  private static void throwIfCancelled(String when) {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the workflow was cancelled " + when);
    }
  }

  /**
   * The redirect window is over: drop the replication back, remove the redirect, delete the old app
   * and the backups.
   */
  private void closeRedirectWindow() {
    gate.startCleanup();
    String src = request.source();
    if (live.reversing()) {
      dropReplicationBack();
    }
    try {
      progress.step(
          "Remove redirect of " + request.app(),
          () -> calls.undo(src, "remove redirect").removeRedirect(sourceApp));
      progress.step(
          "Delete old app " + request.app() + " in " + src,
          () -> calls.undo(src, "delete old app").deleteSourceApp(move));
    } catch (ActivityFailure e) {
      progress.errors().add("cleanup after the redirect window: " + describe(e));
      log.error("Cleanup failed: {}", describe(e));
    }
    if (addons.hasBackups()
        && Workflow.getVersion(DELETE_BACKUPS_WHEN_DONE, Workflow.DEFAULT_VERSION, 1) == 1) {
      addons.deleteBackups();
    }
  }

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
