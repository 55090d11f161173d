package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.PlanInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.DryRunRequest;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationPlan;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.MovePlan;
import io.regionmove.model.Phase;
import io.temporal.failure.ActivityFailure;
import java.util.List;

/**
 * Runs the {@link Preflight} of a migration, the live readiness checks when asked, then asks the
 * source region for the plan. The step lines and failed checks are those migration-create shows.
 */
public class MigrationDryRunWorkflowImpl implements MigrationDryRunWorkflow {

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
        checkLiveReadiness(progress, source);
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
   * The hook of live data mode's readiness checks (SPEC §9: per database, wal_level, free
   * replication slots and WAL senders, tables without a primary key or replica identity, unlogged
   * tables, large objects), whose failed checks join the others. This version has no live mode, so
   * a live dry run cannot vouch for it and says so.
   */
  private static void checkLiveReadiness(Progress progress, SourceCheck source) {
    progress
        .checks()
        .add(
            "Live data mode is not available in this version of regionmove; run the dry run"
                + " without --live.");
  }
}
