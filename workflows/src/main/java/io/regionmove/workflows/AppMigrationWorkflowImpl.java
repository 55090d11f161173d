package io.regionmove.workflows;

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
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * The migration saga. User steps are queued by the update and signal handlers and run one at a time
 * by {@link #run}; each action registers its undo first; abort cancels the running step and runs
 * every registered undo in reverse order in a detached scope.
 */
public class AppMigrationWorkflowImpl implements AppMigrationWorkflow {

  private static final Logger log = Workflow.getLogger(AppMigrationWorkflowImpl.class);

  private MigrationRequest request;
  private MigrationStatus status = MigrationStatus.CREATED;
  private Phase phase = Phase.PREFLIGHT;
  private Phase failedPhase;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> checks = new ArrayList<>();
  private String url;
  private final List<CnameChange> cnames = new ArrayList<>();
  private String abortReason;
  private Instant startedAt;
  private Instant finishedAt;

  /** A step the user asked for and that has not started yet. */
  private Phase requested;

  /** Counts requests accepted and phases ended, so an update knows when its phase is over. */
  private int accepted;

  private int ended;
  private boolean abortRequested;
  private CancellationScope phaseScope;

  /**
   * Change id: backup and restore of an addon run at the same time (version 1). Version markers are
   * written by the SDK without the payload codec, so change ids name code, never data.
   */
  public static final String RESTORE_WHILE_BACKING_UP = "restore-while-backing-up";

  private SourceCheck source;
  private Formation sourceFormation;
  private boolean dataMigrated;
  private final Compensations compensations = new Compensations();
  private AppMigrationLockWorkflow lock;
  private Promise<String> lockHeld;

  @Override
  public Migration run(MigrationRequest request) {
    this.request = request;
    this.startedAt = now();
    setStatus(MigrationStatus.CREATED);
    try {
      if (!acquireLock()) {
        checks.add(
            "app '"
                + request.app()
                + "' in "
                + request.source()
                + " already has a migration in progress: finish or abort it first");
        finish(MigrationStatus.PREFLIGHT_ERROR);
        return status();
      }
      if (!abortRequested) {
        runPhase(Phase.PREFLIGHT);
      }
      while (!status.isTerminal()) {
        if (!abortRequested && requested == null) {
          boolean asked =
              Workflow.await(
                  request.settings().idleLimit(), () -> requested != null || abortRequested);
          if (!asked) {
            abortReason =
                "no step was run for "
                    + describe(request.settings().idleLimit())
                    + " (the idle limit), so the migration was aborted to unfreeze the source app";
            log.warn("Migration {} idle: {}", request.migrationId(), abortReason);
            abortRequested = true;
          }
        }
        if (abortRequested) {
          abortEverything();
        } else {
          Phase next = requested;
          requested = null;
          runPhase(next);
        }
      }
    } catch (CanceledFailure e) {
      if (abortReason == null) {
        abortReason = "the workflow was cancelled";
      }
      Workflow.newDetachedCancellationScope(this::abortEverything).run();
      throw e;
    }
    if (status == MigrationStatus.DONE) {
      closeRedirectWindow();
    }
    return status();
  }

  // ---- the user's steps ---------------------------------------------------------------------

  @Override
  public Migration status() {
    return new Migration(
        request.migrationId(),
        request.app(),
        request.newName(),
        request.source(),
        request.destination(),
        status,
        phase,
        failedPhase,
        steps,
        errors,
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
    Workflow.await(() -> status == MigrationStatus.ABORTED);
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
    String refusal = refusal(asked);
    if (refusal != null) {
      log.warn("Signal '{}' ignored: {}", asked, refusal);
      return;
    }
    if (asked == Phase.ABORT) {
      requestAbort("asked by signal");
    } else {
      requested = asked;
      accepted++;
    }
  }

  private Migration runRequested(Phase asked) {
    requested = asked;
    int ticket = ++accepted;
    // A step interrupted by abort answers once the abort has ended, so its caller sees "aborted".
    Workflow.await(() -> ended >= ticket && (!abortRequested || status == MigrationStatus.ABORTED));
    return status();
  }

  private void requestAbort(String why) {
    abortRequested = true;
    if (abortReason == null) {
      abortReason = why;
    }
    if (phaseScope != null) {
      phaseScope.cancel("abort " + why);
    }
  }

  private void rejectUnlessAllowed(Phase asked) {
    String refusal = refusal(asked);
    if (refusal != null) {
      throw new IllegalStateException(refusal);
    }
  }

  /** Why {@code asked} cannot run now, or null when it can. */
  private String refusal(Phase asked) {
    String cannot = "cannot run " + asked + ": ";
    if (asked == Phase.ABORT) {
      if (status.isTerminal()) {
        return "cannot abort: the migration is " + status;
      }
      // Asked again while aborting (a client retrying, two operators): the same abort, and the
      // answer is the same once it is done.
      return null;
    }
    if (status.isTerminal()) {
      return cannot + "the migration is " + status;
    }
    if (abortRequested) {
      return cannot + "the migration is aborting";
    }
    if (requested != null
        || status == MigrationStatus.RUNNING
        || status == MigrationStatus.CREATED) {
      Phase busy = requested != null ? requested : phase;
      return cannot + "the " + busy + " step is still running; wait for it to end";
    }
    if (status == MigrationStatus.ERROR) {
      return asked == failedPhase
          ? null
          : cannot + "the " + failedPhase + " step failed; run " + failedPhase + " again or abort";
    }
    boolean allowed =
        switch (asked) {
          case PREPARE -> status == MigrationStatus.PREFLIGHT_SUCCESS;
          case DATA -> status == MigrationStatus.PREPARED;
          case FINALIZE ->
              status == MigrationStatus.PREPARED || status == MigrationStatus.DATA_MIGRATED;
          default -> false;
        };
    if (allowed) {
      return null;
    }
    String hint =
        switch (status) {
          case PREFLIGHT_SUCCESS -> "; run prepare first";
          case DATA_MIGRATED -> "; run finalize next";
          default -> "";
        };
    return cannot + "the migration is " + status + hint;
  }

  // ---- phases -------------------------------------------------------------------------------

  /** Runs one phase in a scope that abort cancels; a failure puts the migration in error. */
  private void runPhase(Phase next) {
    phase = next;
    errors.clear();
    setStatus(MigrationStatus.RUNNING);
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
      failedPhase = null;
      switch (next) {
        case PREFLIGHT -> {
          if (checks.isEmpty()) {
            setStatus(MigrationStatus.PREFLIGHT_SUCCESS);
          } else {
            finish(MigrationStatus.PREFLIGHT_ERROR);
          }
        }
        case PREPARE -> setStatus(MigrationStatus.PREPARED);
        case DATA -> setStatus(MigrationStatus.DATA_MIGRATED);
        case FINALIZE -> finish(MigrationStatus.DONE);
        default -> {}
      }
    } catch (ActivityFailure | CanceledFailure e) {
      if (CancellationScope.current().isCancelRequested()) {
        throw new CanceledFailure("the workflow was cancelled during " + next);
      }
      if (abortRequested) {
        log.info("Phase {} stopped for abort", next);
      } else if (next == Phase.PREFLIGHT) {
        checks.add("the preflight checks could not run: " + describe(e));
        finish(MigrationStatus.PREFLIGHT_ERROR);
      } else {
        failedPhase = next;
        if (errors.isEmpty()) {
          errors.add(describe(e));
        }
        log.warn("Phase {} failed: {}", next, errors);
        setStatus(MigrationStatus.ERROR);
      }
    } finally {
      phaseScope = null;
      ended = accepted;
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
        step(
            "Check app " + request.app() + " in " + request.source(),
            () ->
                region(request.source(), "preflight: check source app", true)
                    .checkSource(sourceApp()),
            r -> passedChecks(r.checks()));
    source.checks().stream().filter(c -> !c.passed()).map(Check::message).forEach(checks::add);
    CheckResult destination =
        step(
            "Check destination region " + request.destination(),
            () ->
                region(request.source(), "preflight: check destination region", true)
                    .checkDestination(new DestinationCheckInput(move(), source.addons())),
            r -> passedChecks(r.checks()));
    destination.checks().stream().filter(c -> !c.passed()).map(Check::message).forEach(checks::add);
  }

  private void prepareDestination() {
    String src = request.source();
    String dst = request.destination();
    undoable(
        "unfreeze-source",
        "Unfreeze source app " + request.app(),
        () -> undo(src, "unfreeze source app").unfreezeSource(sourceApp()));
    step(
        "Freeze source app " + request.app(),
        () -> region(src, "freeze source app").freezeSource(sourceApp()));

    undoable(
        "delete-destination-app",
        "Delete destination app " + request.newName() + " in " + dst,
        () -> undo(dst, "delete destination app").deleteApp(destinationApp()));
    step(
        "Create app " + request.newName() + " in " + dst,
        () -> region(dst, "create destination app").createApp(move()));

    for (ConfigKind kind : ConfigKind.values()) {
      ConfigInput input = new ConfigInput(move(), kind);
      undoable(
          "remove-" + kind.name().toLowerCase(),
          "Remove copied " + kind.label(),
          () -> undo(dst, "remove copied " + kind.label()).removeConfig(input));
      step("Copy " + kind.label(), () -> region(dst, "copy " + kind.label()).copyConfig(input));
    }
  }

  private void migrateData() {
    stopSource();
    List<Addon> addons = source.addons();
    List<Promise<Void>> moves = new ArrayList<>();
    for (Addon addon : addons) {
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
    step(
        "Provision "
            + addon.provider()
            + " "
            + addon.plan()
            + " (version "
            + addon.version()
            + ") in "
            + dst,
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
          step(
              "Back up " + label,
              () -> data(src, "back up " + label).backupAddon(input),
              BackupResult::logs);
      step(
          "Restore " + label + " in " + dst,
          () ->
              data(dst, "restore " + label)
                  .restoreAddon(new RestoreInput(input, backup.backupId())));
    } else {
      backUpAndRestoreTogether(input, label);
    }
    step(
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
    Promise<BackupResult> backup =
        Async.function(
            () ->
                step(
                    "Back up " + label,
                    () -> data(request.source(), "back up " + label).backupAddon(input),
                    BackupResult::logs));
    List<Promise<StepResult>> restore = new ArrayList<>(1);
    CancellationScope restoreScope =
        Workflow.newCancellationScope(
            () ->
                restore.add(
                    Async.function(
                        () ->
                            step(
                                "Restore "
                                    + label
                                    + " in "
                                    + request.destination()
                                    + " while it is backed up",
                                () ->
                                    data(
                                            request.destination(),
                                            "restore " + label + " while backing up")
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
    step(
        "Start app " + request.newName() + " in " + dst + " (" + describe(formation) + ")",
        () ->
            region(dst, "start destination app")
                .startApp(new StartAppInput(destinationApp(), formation)));

    Instant until = now().plus(request.settings().redirectWindow());
    undoable(
        "remove-redirect",
        "Remove redirect of " + request.app(),
        () -> undo(src, "remove redirect").removeRedirect(sourceApp()));
    RedirectResult redirect =
        step(
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

  /**
   * Remembers the source formation once, then stops the source; undo restarts it with that
   * formation.
   */
  private void stopSource() {
    String src = request.source();
    if (sourceFormation == null) {
      sourceFormation =
          step(
              "Read formation of " + request.app(),
              () -> region(src, "read source formation").readFormation(sourceApp()),
              f -> List.of(describe(f)));
    }
    Formation formation = sourceFormation;
    undoable(
        "restart-source",
        "Restart source app " + request.app() + " (" + describe(formation) + ")",
        () -> undo(src, "restart source app").startApp(new StartAppInput(sourceApp(), formation)));
    step(
        "Stop source app " + request.app(),
        () -> region(src, "stop source app").stopApp(sourceApp()));
  }

  /**
   * Undoes every registered action, last first; a failed undo is shown and the others still run.
   */
  private void abortEverything() {
    // The failed step keeps its message in its own line; errors now reports the undo only.
    errors.clear();
    phase = Phase.ABORT;
    setStatus(MigrationStatus.ABORTING);
    log.info("Aborting migration {}: {}", request.migrationId(), abortReason);
    for (Compensations.Compensation compensation : compensations.inReverse()) {
      try {
        step(compensation.name(), compensation.undo());
      } catch (ActivityFailure e) {
        errors.add(compensation.name() + ": " + describe(e));
        log.error("Undo '{}' failed for good: {}", compensation.name(), describe(e));
      }
    }
    finish(MigrationStatus.ABORTED);
    ended = accepted;
  }

  /** After done: keep the redirect for its window, then remove it and delete the old app. */
  private void closeRedirectWindow() {
    Workflow.newTimer(
            request.settings().redirectWindow(),
            TimerOptions.newBuilder()
                .setSummary("redirect window: then remove the redirect and delete the old app")
                .build())
        .get();
    phase = Phase.CLEANUP;
    String src = request.source();
    try {
      step(
          "Remove redirect of " + request.app(),
          () -> undo(src, "remove redirect").removeRedirect(sourceApp()));
      step(
          "Delete old app " + request.app() + " in " + src,
          () -> undo(src, "delete old app").deleteSourceApp(move()));
    } catch (ActivityFailure e) {
      errors.add("cleanup after the redirect window: " + describe(e));
      log.error("Cleanup failed: {}", describe(e));
    }
  }

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

  // ---- the lock -----------------------------------------------------------------------------

  private boolean acquireLock() {
    lock =
        Workflow.newChildWorkflowStub(
            AppMigrationLockWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(AppMigrationLockWorkflow.lockId(request.source(), request.app()))
                .setTaskQueue(TASK_QUEUE)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    // Detached: cancelling the migration must not drop its lock before its undo actions have run.
    AppMigrationLockWorkflow holder = lock;
    Workflow.newDetachedCancellationScope(
            () -> lockHeld = Async.function(holder::hold, request.migrationId()))
        .run();
    try {
      Workflow.getWorkflowExecution(lock).get();
      return true;
    } catch (ChildWorkflowFailure e) {
      if (e.getCause() instanceof WorkflowExecutionAlreadyStarted) {
        lock = null;
        return false;
      }
      throw e;
    }
  }

  private void releaseLock() {
    if (lock == null) {
      return;
    }
    AppMigrationLockWorkflow holder = lock;
    lock = null;
    try {
      holder.release();
      lockHeld.get();
    } catch (ApplicationFailure | ChildWorkflowFailure e) {
      // The lock already ended (terminated by hand, say): there is nothing left to release.
      log.warn("Could not release the app lock: {}", e.getMessage());
    }
  }

  // ---- steps and state ----------------------------------------------------------------------

  private StepResult step(String name, Supplier<StepResult> action) {
    return step(name, action, StepResult::logs);
  }

  /** Runs one activity call as one progress line of the migration. */
  private <R> R step(String name, Supplier<R> action, Function<R, List<String>> logsOf) {
    int index = steps.size();
    Instant started = now();
    steps.add(new Step(index + 1, phase, name, StepStatus.RUNNING, List.of(), started, null));
    try {
      R result = action.get();
      steps.set(
          index,
          new Step(
              index + 1,
              phase,
              name,
              StepStatus.DONE,
              result == null ? List.of() : logsOf.apply(result),
              started,
              now()));
      return result;
    } catch (ActivityFailure e) {
      // A step cancelled without an abort was stopped because another one failed (a restore
      // following a failed backup): that other failure is the error to report.
      boolean cancelled = isCancellation(e);
      String message = cancelled ? (abortRequested ? "stopped by abort" : "stopped") : describe(e);
      steps.set(
          index,
          new Step(index + 1, phase, name, StepStatus.ERROR, List.of(message), started, now()));
      if (!abortRequested && !cancelled) {
        errors.add(name + ": " + message);
      }
      throw e;
    } catch (CanceledFailure e) {
      steps.set(
          index,
          new Step(
              index + 1,
              phase,
              name,
              StepStatus.ERROR,
              List.of("stopped by abort"),
              started,
              now()));
      throw e;
    }
  }

  private void setStatus(MigrationStatus next) {
    status = next;
    Workflow.upsertTypedSearchAttributes(
        MigrationSearchAttributes.APP.valueSet(request.app()),
        MigrationSearchAttributes.SOURCE.valueSet(request.source()),
        MigrationSearchAttributes.DESTINATION.valueSet(request.destination()),
        MigrationSearchAttributes.STATUS.valueSet(next.wireName()));
    Workflow.setCurrentDetails(
        "**"
            + next.wireName()
            + "** — "
            + request.app()
            + ": "
            + request.source()
            + " → "
            + request.destination());
  }

  /**
   * Releases the app's lock before the terminal status shows, so a new migration can start at once.
   */
  private void finish(MigrationStatus terminal) {
    releaseLock();
    finishedAt = now();
    setStatus(terminal);
  }

  private RegionActivities region(String regionName, String summary) {
    return region(regionName, summary, false);
  }

  private RegionActivities region(String regionName, String summary, boolean preflight) {
    ActivityOptions options =
        preflight
            ? MigrationActivityOptions.preflight(regionName, summary)
            : MigrationActivityOptions.forward(regionName, summary);
    return Workflow.newActivityStub(RegionActivities.class, options);
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

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }

  private static List<String> passedChecks(List<Check> checks) {
    return checks.stream()
        .map(c -> (c.passed() ? "ok: " : "failed: ") + (c.passed() ? c.name() : c.message()))
        .toList();
  }

  private static boolean isCancellation(ActivityFailure e) {
    return e.getCause() instanceof CanceledFailure;
  }

  /** The sentence a person reads for a failed activity: the activity's own message first. */
  static String describe(TemporalFailure e) {
    Throwable cause = e;
    while (cause instanceof ActivityFailure || cause instanceof ChildWorkflowFailure) {
      if (cause.getCause() == null) {
        break;
      }
      cause = cause.getCause();
    }
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    if (cause instanceof TimeoutFailure timeout) {
      String last =
          timeout.getCause() instanceof ApplicationFailure app
              ? ": last error: " + app.getOriginalMessage()
              : "";
      return "timed out ("
          + timeout
              .getTimeoutType()
              .name()
              .toLowerCase()
              .replace("timeout_type_", "")
              .replace('_', '-')
          + ")"
          + last;
    }
    if (cause instanceof CanceledFailure) {
      return "cancelled";
    }
    return cause.getMessage();
  }

  private static String describe(Formation formation) {
    if (formation == null || formation.processes().isEmpty()) {
      return "no processes";
    }
    return String.join(
        ", ",
        formation.processes().stream()
            .map(p -> p.name() + ":" + p.amount() + ":" + p.size())
            .toList());
  }

  private static String describe(Duration duration) {
    if (duration.toDays() > 0 && duration.toHours() % 24 == 0) {
      return duration.toDays() + " days";
    }
    if (duration.toMinutes() > 0 && duration.getSeconds() % 60 == 0) {
      return duration.toMinutes() + " minutes";
    }
    return duration.getSeconds() + " seconds";
  }
}
