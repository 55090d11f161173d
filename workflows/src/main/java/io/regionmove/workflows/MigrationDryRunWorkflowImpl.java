package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.PlanInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.Addon;
import io.regionmove.model.DryRunRequest;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationPlan;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.MovePlan;
import io.regionmove.model.Phase;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the {@link Preflight} of a migration, the live readiness checks when asked, then asks the
 * source region for the plan. The step lines and failed checks are those migration-create shows.
 */
public class MigrationDryRunWorkflowImpl implements MigrationDryRunWorkflow {

  /** The change that runs the live readiness checks in a dry run with {@code --live}. */
  static final String LIVE_READINESS_CHANGE = "dry-run-live-readiness";

  static final int LIVE_READINESS = 1;

  @Override
  public MigrationPlan run(DryRunRequest dryRun) {
    MigrationRequest request = dryRun.migration();
    StepGate gate = new StepGate();
    // A dry run publishes no status: no search attribute, no webhook (its request has none).
    Progress progress = new Progress(request, gate, new Notifier(request));
    MigrationCalls calls = new MigrationCalls(request);
    gate.start(Phase.PREFLIGHT);
    SourceCheck source = null;
    try {
      source = new Preflight(request, calls, progress).run();
      if (source != null && dryRun.live()) {
        checkLiveReadiness(request, calls, progress, source);
      }
    } catch (ActivityFailure e) {
      progress.checks().add("the preflight checks could not run: " + describe(e));
    }
    MovePlan plan = null;
    if (source != null && source.appFound()) {
      plan = plan(request, calls, progress, source);
    }
    gate.succeed(
        progress.checks().isEmpty()
            ? MigrationStatus.PREFLIGHT_SUCCESS
            : MigrationStatus.PREFLIGHT_ERROR);
    progress.finished();
    Migration preflight = progress.snapshot();
    return new MigrationPlan(preflight, dryRun.live(), progress.checks().isEmpty(), plan);
  }

  /** The plan; null when it cannot be made (a failed check already says why, or this one will). */
  private static MovePlan plan(
      MigrationRequest request, MigrationCalls calls, Progress progress, SourceCheck source) {
    boolean checksFailed = !progress.checks().isEmpty();
    try {
      return progress.step(
          "Plan the move of " + request.app(),
          () ->
              calls
                  .preflight(request.source(), "plan the move")
                  .planMove(new PlanInput(calls.move(), source.addons(), request.manualData())),
          p ->
              List.of(
                  "%d addons; estimated data step %s"
                      .formatted(p.addons().size(), describe(p.estimatedDataStep()))));
    } catch (ActivityFailure e) {
      if (!checksFailed) {
        progress.checks().add("the plan could not be made: " + describe(e));
      }
      return null;
    }
  }

  /**
   * Live data mode's readiness (SPEC §9), as the live data step checks it before it acts: every
   * addon whose data an engine moves must be PostgreSQL, and each database passes the checks of
   * {@link LiveReadiness} (wal_level, free replication slots and WAL senders, tables without a
   * primary key or replica identity, unlogged tables, large objects). The failed checks join the
   * others with the sentences the data step would refuse with. Read-only: no publication, no slot.
   */
  private static void checkLiveReadiness(
      MigrationRequest request, MigrationCalls calls, Progress progress, SourceCheck source) {
    // Dry runs started before live mode was checked here said it was not available.
    int version =
        Workflow.getVersion(LIVE_READINESS_CHANGE, Workflow.DEFAULT_VERSION, LIVE_READINESS);
    if (version == Workflow.DEFAULT_VERSION) {
      progress
          .checks()
          .add(
              "Live data mode is not available in this version of regionmove; run the dry run"
                  + " without --live.");
      return;
    }
    List<Addon> moved = LiveReadiness.moved(source.addons(), request.manualData());
    progress.checks().addAll(LiveReadiness.refusals(moved));
    List<Promise<List<String>>> checks = new ArrayList<>();
    for (Addon addon : moved) {
      if (LiveReadiness.replicable(addon)) {
        checks.add(Async.function(() -> checkLive(request, calls, progress, addon)));
      }
    }
    // In the order of the addons, whichever answers first.
    for (Promise<List<String>> failed : checks) {
      progress.checks().addAll(failed.get());
    }
  }

  private static List<String> checkLive(
      MigrationRequest request, MigrationCalls calls, Progress progress, Addon addon) {
    String label = LiveReadiness.label(addon);
    try {
      return LiveReadiness.check(
          progress,
          calls.livePreflight(request.source(), "check live replication of " + label),
          new AddonInput(calls.move(), addon),
          label);
    } catch (ActivityFailure e) {
      return List.of("the live readiness of " + label + " could not be checked: " + describe(e));
    }
  }
}
