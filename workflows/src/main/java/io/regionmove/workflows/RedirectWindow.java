package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * After done: the redirect window (SPEC §10), then its cleanup, or the rollbacks asked during it.
 */
final class RedirectWindow {

  private static final Logger log = Workflow.getLogger(RedirectWindow.class);

  private final MigrationRequest request;
  private final StepGate gate;
  private final MigrationCalls calls;
  private final Progress progress;
  private final AddonMoves addons;
  private final LiveDataMoves live;
  private final AppInput sourceApp;
  private final MoveInput move;

  RedirectWindow(
      MigrationRequest request,
      StepGate gate,
      MigrationCalls calls,
      Progress progress,
      AddonMoves addons,
      LiveDataMoves live) {
    this.request = request;
    this.gate = gate;
    this.calls = calls;
    this.progress = progress;
    this.addons = addons;
    this.live = live;
    this.sourceApp = calls.sourceApp();
    this.move = calls.move();
  }

  /**
   * After done: the redirect window, a durable timer. When it ends, its cleanup; a rollback asked
   * before that stops the timer and runs instead, again after a failure, until it has rolled back.
   * A rollback is not cancelled with the workflow: like the undo actions, it is the way back.
   */
  void run(Consumer<Phase> runPhase) {
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
          Workflow.newDetachedCancellationScope(() -> runPhase.accept(next)).run();
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
      close();
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
  private void close() {
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
        && Workflow.getVersion(
                AppMigrationWorkflowImpl.DELETE_BACKUPS_WHEN_DONE, Workflow.DEFAULT_VERSION, 1)
            == 1) {
      addons.deleteBackups();
    }
  }
}
