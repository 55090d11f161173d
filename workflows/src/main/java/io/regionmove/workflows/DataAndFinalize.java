package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.model.CnameChange;
import io.regionmove.model.Formation;
import io.regionmove.model.MigrationRequest;
import io.temporal.workflow.Workflow;
import java.net.URI;
import java.time.Instant;

/**
 * The data step (stop and copy, or live replication) and finalize (the live cutover, then the
 * destination started and the source redirected), with what finalize must know of the data step.
 */
final class DataAndFinalize {

  private final MigrationRequest request;
  private final StepGate gate;
  private final MigrationCalls calls;
  private final Progress progress;
  private final Compensations compensations;
  private final AddonMoves addons;
  private final LiveDataMoves live;
  private final SourceApplication sourceApplication;
  private final AppInput sourceApp;
  private final AppInput destinationApp;
  private final MoveInput move;

  /** The data is in the destination: copied, or cut over from live replication. */
  private boolean dataMigrated;

  /** Live mode reached {@code data-replicating}: finalize is the cutover. */
  private boolean replicating;

  DataAndFinalize(
      MigrationRequest request,
      StepGate gate,
      MigrationCalls calls,
      Progress progress,
      Compensations compensations,
      AddonMoves addons,
      LiveDataMoves live,
      SourceApplication sourceApplication) {
    this.request = request;
    this.gate = gate;
    this.calls = calls;
    this.progress = progress;
    this.compensations = compensations;
    this.addons = addons;
    this.live = live;
    this.sourceApplication = sourceApplication;
    this.sourceApp = calls.sourceApp();
    this.destinationApp = calls.destinationApp();
    this.move = calls.move();
  }

  /** Live mode reached {@code data-replicating}: the lag is watched until the cutover. */
  void replicating() {
    replicating = true;
    live.watch();
  }

  /**
   * Stops the source, then moves every addon at the same time (see {@link AddonMoves}); in live
   * mode, replicates them while the source keeps running (see {@link LiveDataMoves}).
   */
  void data(SourceCheck source, boolean liveRequested) {
    if (liveRequested) {
      live.start(source.addons());
      return;
    }
    if (live.replicating()) {
      // A live attempt failed and stop and copy runs instead: its replication goes first.
      live.abandon();
    }
    sourceApplication.stop();
    addons.moveAll(source.addons());
    dataMigrated = true;
  }

  /** Finalize: the cutover in live mode, then the destination started and the source redirected. */
  void finalizeMove(SourceCheck source) {
    String src = request.source();
    String dst = request.destination();
    boolean replicateBack =
        replicating
            && Workflow.getVersion(
                    AppMigrationWorkflowImpl.REPLICATE_BACK, Workflow.DEFAULT_VERSION, 1)
                == 1;
    if (replicating && !dataMigrated) {
      live.stopWatching();
      live.cutOver(sourceApplication::rememberFormation, sourceApplication::stop, replicateBack);
      dataMigrated = true;
    }
    if (!dataMigrated) {
      sourceApplication.stop();
    }
    if (replicateBack) {
      // Before the destination accepts writes: from then on its slot keeps each of them. Made
      // during the cutover; again here when a finalize that failed runs again.
      live.prepareReverse();
    }
    Formation formation = sourceApplication.formation();
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
}
