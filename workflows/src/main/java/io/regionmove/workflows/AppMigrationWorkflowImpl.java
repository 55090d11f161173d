package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.CnameChange;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.Formation;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The migration saga, read top-down: {@link #run} tells the story, then come the phases in the
 * order a migration goes through them (preflight, prepare, data, finalize, after done) and the one
 * abort path. User steps are queued by the update and signal handlers through the {@link StepGate}
 * and run one at a time by {@link #run}; each action registers its undo first; abort, whoever asks
 * for it (the user, the idle guard, a workflow cancel), runs every registered undo in reverse order
 * in a detached scope.
 */
public class AppMigrationWorkflowImpl implements AppMigrationWorkflow {

  /**
   * Change id: backup and restore of an addon run at the same time (version 1). Version markers are
   * written by the SDK without the payload codec, so change ids name code, never data.
   */
  public static final String RESTORE_WHILE_BACKING_UP = "restore-while-backing-up";

  private static final Logger log = Workflow.getLogger(AppMigrationWorkflowImpl.class);

  private final MigrationRequest request;
  private final StepGate gate = new StepGate();
  private final Progress progress = new Progress(gate);
  private final Compensations compensations = new Compensations();
  private final AppLock lock;
  private final List<String> checks = new ArrayList<>();
  private final List<CnameChange> cnames = new ArrayList<>();
  private final Instant startedAt;
  private Instant finishedAt;
  private String url;
  private String abortReason;
  private CancellationScope phaseScope;

  private SourceCheck source;
  private Formation sourceFormation;
  private boolean dataMigrated;

  /** Runs before any handler, so {@code status} and the validators answer from the first task. */
  @WorkflowInit
  public AppMigrationWorkflowImpl(MigrationRequest request) {
    this.request = request;
    this.lock = new AppLock(request);
    this.startedAt = Progress.now();
  }

  @Override
  public Migration run(MigrationRequest request) {
    publishStatus();
    CanceledFailure cancelled = null;
    try {
      if (lock.acquire()) {
        runUserSteps();
      } else {
        checks.add(
            "app '"
                + request.app()
                + "' in "
                + request.source()
                + " already has a migration in progress: finish or abort it first");
        end(MigrationStatus.PREFLIGHT_ERROR);
      }
    } catch (CanceledFailure e) {
      cancelled = e;
      requestAbort("the workflow was cancelled");
    }
    if (gate.abortRequested() && !gate.status().isTerminal()) {
      // The one abort path. Detached, so that a workflow cancel arriving while an undo runs or
      // retries does not cancel it: compensations run even when the workflow is cancelled (SPEC
      // §2).
      Workflow.newDetachedCancellationScope(this::abortEverything).run();
    }
    if (gate.status() == MigrationStatus.DONE) {
      closeRedirectWindow();
    }
    // Every update gets its answer before the workflow closes.
    Workflow.await(Workflow::isEveryHandlerFinished);
    if (cancelled != null) {
      throw cancelled;
    }
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the workflow was cancelled while aborting");
    }
    return status();
  }

  /** Preflight at once, then each step the user asks for, until the migration ends or aborts. */
  private void runUserSteps() {
    if (!gate.abortRequested()) {
      runPhase(Phase.PREFLIGHT);
    }
    while (!gate.status().isTerminal() && !gate.abortRequested()) {
      if (!gate.hasRequest() && !awaitNextStep()) {
        Duration limit = request.settings().idleLimit();
        requestAbort(
            "no step was run for "
                + describe(limit)
                + " (the idle limit), so the migration was aborted to unfreeze the source app");
        log.warn("Migration {} idle: {}", request.migrationId(), abortReason);
      } else if (!gate.abortRequested()) {
        runPhase(gate.takeRequest());
      }
    }
  }

  /**
   * The idle guard: waits for the next step or an abort; false when the idle limit passed first.
   * The timer is started as {@code Workflow.await(timeout, condition)} starts its own (once, never
   * cancelled), so the recorded histories replay; it only adds the summary Temporal Web shows.
   */
  private boolean awaitNextStep() {
    Duration limit = request.settings().idleLimit();
    Promise<Void> idle =
        Workflow.newTimer(
            limit,
            TimerOptions.newBuilder()
                .setSummary("idle guard: abort if no step is run within " + describe(limit))
                .build());
    Workflow.await(() -> idle.isCompleted() || gate.hasRequest() || gate.abortRequested());
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the workflow was cancelled while waiting for a step");
    }
    return !idle.isCompleted();
  }

  // ---- the user's steps: updates, signals and the status query --------------------------------

  @Override
  public Migration status() {
    return new Migration(
        request.migrationId(),
        request.app(),
        request.newName(),
        request.source(),
        request.destination(),
        gate.status(),
        gate.phase(),
        gate.failedPhase(),
        progress.steps(),
        progress.errors(),
        checks,
        url,
        cnames,
        abortReason,
        startedAt,
        finishedAt);
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
    return runRequested(Phase.DATA);
  }

  @Override
  public void validateData() {
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
  public void prepareSignal() {
    signal(Phase.PREPARE);
  }

  @Override
  public void dataSignal() {
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

  private void signal(Phase asked) {
    String refusal = gate.refusal(asked);
    if (refusal != null) {
      log.warn("Signal '{}' ignored: {}", asked, refusal);
    } else if (asked == Phase.ABORT) {
      requestAbort("asked by signal");
    } else {
      gate.accept(asked);
    }
  }

  /** A step interrupted by abort answers once the abort has ended, so its caller sees "aborted". */
  private Migration runRequested(Phase asked) {
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

  private void requestAbort(String why) {
    if (gate.requestAbort()) {
      abortReason = why;
    }
    if (phaseScope != null) {
      phaseScope.cancel("abort " + why);
    }
  }

  // ---- phases -------------------------------------------------------------------------------

  /** Runs one phase in a scope that abort cancels; a failure puts the migration in error. */
  private void runPhase(Phase next) {
    gate.start(next);
    progress.errors().clear();
    publishStatus();
    phaseScope =
        Workflow.newCancellationScope(
            () -> {
              switch (next) {
                case PREFLIGHT -> preflight();
                case PREPARE -> prepareDestination();
                case DATA -> migrateData();
                case FINALIZE -> finalizeMove();
                default -> throw new IllegalArgumentException("not a user step: " + next);
              }
            });
    try {
      phaseScope.run();
      switch (next) {
        case PREFLIGHT ->
            succeed(
                checks.isEmpty()
                    ? MigrationStatus.PREFLIGHT_SUCCESS
                    : MigrationStatus.PREFLIGHT_ERROR);
        case PREPARE -> succeed(MigrationStatus.PREPARED);
        case DATA -> succeed(MigrationStatus.DATA_MIGRATED);
        default -> succeed(MigrationStatus.DONE);
      }
    } catch (ActivityFailure | CanceledFailure e) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("the workflow was cancelled during " + next);
      }
      if (gate.abortRequested()) {
        log.info("Phase {} stopped for abort", next);
      } else if (next == Phase.PREFLIGHT) {
        checks.add("the preflight checks could not run: " + describe(e));
        end(MigrationStatus.PREFLIGHT_ERROR);
      } else {
        if (progress.errors().isEmpty()) {
          progress.errors().add(describe(e));
        }
        log.warn("Phase {} failed: {}", next, progress.errors());
        gate.fail(next);
        publishStatus();
      }
    } finally {
      phaseScope = null;
      gate.answerAll();
    }
  }

  private void preflight() {
    if (request.source().equals(request.destination())) {
      checks.add(
          "the destination region is the source region ("
              + request.source()
              + "): choose another destination");
      return;
    }
    source =
        progress.step(
            "Check app " + request.app() + " in " + request.source(),
            () -> preflight(request.source(), "check source app").checkSource(sourceApp()),
            r -> describe(r.checks()));
    source.checks().stream().filter(c -> !c.passed()).map(Check::message).forEach(checks::add);
    CheckResult destination =
        progress.step(
            "Check destination region " + request.destination(),
            () ->
                preflight(request.source(), "check destination region")
                    .checkDestination(new DestinationCheckInput(move(), source.addons())),
            r -> describe(r.checks()));
    destination.checks().stream().filter(c -> !c.passed()).map(Check::message).forEach(checks::add);
  }

  private void prepareDestination() {
    String src = request.source();
    String dst = request.destination();
    undoable(
        "unfreeze-source",
        "Unfreeze source app " + request.app(),
        () -> undo(src, "unfreeze source app").unfreezeSource(sourceApp()));
    progress.step(
        "Freeze source app " + request.app(),
        () -> region(src, "freeze source app").freezeSource(sourceApp()));

    undoable(
        "delete-destination-app",
        "Delete destination app " + request.newName() + " in " + dst,
        () -> undo(dst, "delete destination app").deleteApp(destinationApp()));
    progress.step(
        "Create app " + request.newName() + " in " + dst,
        () -> region(dst, "create destination app").createApp(move()));

    for (ConfigKind kind : ConfigKind.values()) {
      ConfigInput input = new ConfigInput(move(), kind);
      undoable(
          "remove-" + kind.name().toLowerCase(),
          "Remove copied " + kind.label(),
          () -> undo(dst, "remove copied " + kind.label()).removeConfig(input));
      progress.step(
          "Copy " + kind.label(), () -> region(dst, "copy " + kind.label()).copyConfig(input));
    }
  }

  private void migrateData() {
    stopSource();
    List<Promise<Void>> moves = new ArrayList<>();
    for (Addon addon : source.addons()) {
      moves.add(Async.procedure(this::migrateAddon, addon));
    }
    // Wait for every addon, not just the first failure, so nothing still runs when we report.
    RuntimeException first = null;
    for (Promise<Void> move : moves) {
      try {
        move.get();
      } catch (ActivityFailure | CanceledFailure e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    dataMigrated = true;
  }

  private void migrateAddon(Addon addon) {
    String dst = request.destination();
    String src = request.source();
    AddonInput input = new AddonInput(move(), addon);
    String label = addon.provider() + " addon " + addon.id();
    undoable(
        "deprovision-" + addon.id(),
        "Deprovision " + label + " in " + dst,
        () -> undo(dst, "deprovision " + label).deprovisionAddon(input));
    progress.step(
        "Provision %s %s (version %s) in %s"
            .formatted(addon.provider(), addon.plan(), addon.version(), dst),
        () -> region(dst, "provision " + label).provisionAddon(input));
    if (!addon.holdsData()) {
      return;
    }
    undoable(
        "delete-backup-" + addon.id(),
        "Delete backup of " + label,
        () -> dataUndo(src, "delete backup of " + label).deleteBackup(input));
    if (Workflow.getVersion(RESTORE_WHILE_BACKING_UP, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      BackupResult backup =
          progress.step(
              "Back up " + label,
              () -> data(src, "back up " + label).backupAddon(input),
              BackupResult::logs);
      progress.step(
          "Restore " + label + " in " + dst,
          () ->
              data(dst, "restore " + label)
                  .restoreAddon(new RestoreInput(input, backup.backupId())));
    } else {
      backUpAndRestoreTogether(input, label);
    }
    progress.step(
        "Verify " + label + " (row counts and checksums)",
        () -> data(dst, "verify " + label).verifyAddon(input),
        VerifyResult::logs);
  }

  /**
   * Backs the addon up and restores it at the same time: the restore follows the archive as pg_dump
   * writes it, so the source is down for about one restore rather than a dump plus a restore. The
   * backup is still the durable checkpoint: a restore retried once it is complete restores it like
   * any other. If the backup fails, the restore following it is stopped.
   */
  private void backUpAndRestoreTogether(AddonInput input, String label) {
    String src = request.source();
    String dst = request.destination();
    Promise<BackupResult> backup =
        Async.function(
            () ->
                progress.step(
                    "Back up " + label,
                    () -> data(src, "back up " + label).backupAddon(input),
                    BackupResult::logs));
    List<Promise<StepResult>> restore = new ArrayList<>(1);
    CancellationScope restoreScope =
        Workflow.newCancellationScope(
            () ->
                restore.add(
                    Async.function(
                        () ->
                            progress.step(
                                "Restore " + label + " in " + dst + " while it is backed up",
                                () ->
                                    data(dst, "restore " + label + " while backing up")
                                        .restoreAddon(RestoreInput.whileBackingUp(input))))));
    restoreScope.run();
    try {
      backup.get();
    } catch (ActivityFailure | CanceledFailure e) {
      restoreScope.cancel();
      try {
        restore.get(0).get();
      } catch (ActivityFailure | CanceledFailure stopped) {
        // stopped because the backup failed; the backup's failure is the one to report
      }
      throw e;
    }
    restore.get(0).get();
  }

  private void finalizeMove() {
    String src = request.source();
    String dst = request.destination();
    if (!dataMigrated) {
      stopSource();
    }
    Formation formation = sourceFormation;
    undoable(
        "stop-destination",
        "Stop destination app " + request.newName(),
        () -> undo(dst, "stop destination app").stopApp(destinationApp()));
    progress.step(
        "Start app " + request.newName() + " in " + dst + " (" + describe(formation) + ")",
        () ->
            region(dst, "start destination app")
                .startApp(new StartAppInput(destinationApp(), formation)));

    Instant until = Progress.now().plus(request.settings().redirectWindow());
    undoable(
        "remove-redirect",
        "Remove redirect of " + request.app(),
        () -> undo(src, "remove redirect").removeRedirect(sourceApp()));
    RedirectResult redirect =
        progress.step(
            "Redirect " + request.app() + " to the new app until " + until,
            () ->
                region(src, "redirect source app").redirectSource(new RedirectInput(move(), until)),
            RedirectResult::logs);
    url = redirect.url();
    String host = URI.create(redirect.url()).getHost();
    cnames.clear();
    for (String domain : source.customDomains()) {
      cnames.add(new CnameChange(domain, host));
    }
  }

  /** Remembers the source formation once, then stops the source; undo restarts it with it. */
  private void stopSource() {
    String src = request.source();
    if (sourceFormation == null) {
      sourceFormation =
          progress.step(
              "Read formation of " + request.app(),
              () -> region(src, "read source formation").readFormation(sourceApp()),
              f -> List.of(describe(f)));
    }
    Formation formation = sourceFormation;
    undoable(
        "restart-source",
        "Restart source app " + request.app() + " (" + describe(formation) + ")",
        () -> undo(src, "restart source app").startApp(new StartAppInput(sourceApp(), formation)));
    progress.step(
        "Stop source app " + request.app(),
        () -> region(src, "stop source app").stopApp(sourceApp()));
  }

  /** After done: keep the redirect for its window, then remove it and delete the old app. */
  private void closeRedirectWindow() {
    Workflow.newTimer(
            request.settings().redirectWindow(),
            TimerOptions.newBuilder()
                .setSummary("redirect window: then remove the redirect and delete the old app")
                .build())
        .get();
    gate.startCleanup();
    String src = request.source();
    try {
      progress.step(
          "Remove redirect of " + request.app(),
          () -> undo(src, "remove redirect").removeRedirect(sourceApp()));
      progress.step(
          "Delete old app " + request.app() + " in " + src,
          () -> undo(src, "delete old app").deleteSourceApp(move()));
    } catch (ActivityFailure e) {
      progress.errors().add("cleanup after the redirect window: " + describe(e));
      log.error("Cleanup failed: {}", describe(e));
    }
  }

  // ---- abort --------------------------------------------------------------------------------

  /**
   * Registers the undo of the action about to run. Once abort has cancelled the phase nothing new
   * is registered or started, so abort undoes only what was done.
   */
  private void undoable(String key, String name, Supplier<StepResult> undo) {
    if (CancellationScope.current().isCancelRequested()) {
      throw new CanceledFailure("the migration is aborting");
    }
    compensations.register(key, name, undo);
  }

  /**
   * Undoes every registered action, last first; a failed undo is shown and the others still run.
   */
  private void abortEverything() {
    // The failed step keeps its message in its own line; errors now reports the undo only.
    progress.errors().clear();
    gate.startAborting();
    publishStatus();
    log.info("Aborting migration {}: {}", request.migrationId(), abortReason);
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

  // ---- status -------------------------------------------------------------------------------

  /** A phase ended well; a terminal status releases the app's lock first. */
  private void succeed(MigrationStatus reached) {
    if (reached.isTerminal()) {
      lock.release();
      finishedAt = Progress.now();
    }
    gate.succeed(reached);
    publishStatus();
  }

  /** Releases the app's lock before the terminal status shows, so a new migration can start. */
  private void end(MigrationStatus terminal) {
    lock.release();
    finishedAt = Progress.now();
    gate.end(terminal);
    publishStatus();
  }

  private void publishStatus() {
    MigrationStatus status = gate.status();
    Workflow.upsertTypedSearchAttributes(
        MigrationSearchAttributes.APP.valueSet(request.app()),
        MigrationSearchAttributes.SOURCE.valueSet(request.source()),
        MigrationSearchAttributes.DESTINATION.valueSet(request.destination()),
        MigrationSearchAttributes.STATUS.valueSet(status.wireName()));
    Workflow.setCurrentDetails(
        "**%s** — %s: %s → %s"
            .formatted(status.wireName(), request.app(), request.source(), request.destination()));
  }

  // ---- activity stubs and inputs ------------------------------------------------------------

  private RegionActivities preflight(String regionName, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class,
        MigrationActivityOptions.preflight(regionName, "preflight: " + summary));
  }

  private RegionActivities region(String regionName, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class, MigrationActivityOptions.forward(regionName, summary));
  }

  private RegionActivities undo(String regionName, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class, MigrationActivityOptions.compensation(regionName, summary));
  }

  private DataActivities data(String regionName, String summary) {
    return Workflow.newActivityStub(
        DataActivities.class,
        MigrationActivityOptions.longRunning(
            regionName, summary, request.settings().heartbeatTimeout()));
  }

  private DataActivities dataUndo(String regionName, String summary) {
    return Workflow.newActivityStub(
        DataActivities.class, MigrationActivityOptions.compensation(regionName, summary));
  }

  private AppInput sourceApp() {
    return new AppInput(request.migrationId(), request.source(), request.app());
  }

  private AppInput destinationApp() {
    return new AppInput(request.migrationId(), request.destination(), request.newName());
  }

  private MoveInput move() {
    return new MoveInput(
        request.migrationId(),
        request.source(),
        request.app(),
        request.destination(),
        request.newName());
  }
}
