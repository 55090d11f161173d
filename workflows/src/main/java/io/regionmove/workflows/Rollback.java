package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.AppUrl;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Formation;
import io.regionmove.model.MigrationRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The rollback of a done migration within its redirect window (SPEC §10): the destination app
 * stops; the data comes back: after a live cutover, through the replication back its cutover set up
 * (the destination's databases refuse writes, the source applies every write they committed, its
 * sequences are set at or above theirs, it is verified, the replication back is dropped and the
 * source's databases accept writes again); otherwise every addon whose data an engine moved is
 * copied back, the destination addon backed up and restored into the source addon (which has been
 * stopped since the cutover, so nothing written there is lost) and verified. Then the redirect
 * goes; the source app is unfrozen and started with its remembered formation; the destination
 * addons and app are deleted; then every backup the migration made.
 *
 * <p>Every call is idempotent, so a rollback that failed runs again from its first step (the
 * catch-up back once it has succeeded excepted: the destination refuses writes since). A rollback
 * has no undo and cannot be aborted: it is itself the way back.
 */
final class Rollback {

  private static final Logger log = Workflow.getLogger(Rollback.class);

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;
  private final AddonMoves addons;
  private final LiveDataMoves live;

  /** The writes of the destination are back in the source and verified (live cutover). */
  private boolean broughtBack;

  Rollback(
      MigrationRequest request,
      MigrationCalls calls,
      Progress progress,
      AddonMoves addons,
      LiveDataMoves live) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
    this.addons = addons;
    this.live = live;
  }

  /**
   * Runs every step of the rollback; throws the first failure once nothing runs any more.
   *
   * @param sourceFormation the source app's formation, read before it was stopped
   */
  void run(Formation sourceFormation) {
    String src = request.source();
    String dst = request.destination();
    AppInput sourceApp = calls.sourceApp();
    AppInput destinationApp = calls.destinationApp();
    progress.step(
        "Stop app " + request.newName() + " in " + dst,
        () -> calls.region(dst, "stop destination app").stopApp(destinationApp));
    if (live.replicating()) {
      bringBackReplicated();
    }
    copyBackAll(addons.movedByEngine());
    progress.step(
        "Remove redirect of " + request.app(),
        () -> calls.region(src, "remove redirect").removeRedirect(sourceApp));
    progress.step(
        "Unfreeze source app " + request.app(),
        () -> calls.region(src, "unfreeze source app").unfreezeSource(sourceApp));
    progress.step(
        "Start app " + request.app() + " in " + src + " (" + describe(sourceFormation) + ")",
        () ->
            calls
                .region(src, "start source app")
                .startApp(new StartAppInput(sourceApp, sourceFormation)));
    AppUrl url =
        progress.step(
            "Read URL of app " + request.app() + " in " + src,
            () -> calls.region(src, "read source app URL").readUrl(sourceApp),
            u -> List.of(request.app() + " answers at " + u.url()));
    progress.url(url.url());
    progress.cnames().clear();
    for (AddonInput input : provisioned()) {
      String label = label(input);
      progress.step(
          "Deprovision " + label + " in " + dst,
          () -> calls.region(dst, "deprovision " + label).deprovisionAddon(input));
    }
    progress.step(
        "Delete app " + request.newName() + " in " + dst,
        () -> calls.region(dst, "delete destination app").deleteApp(destinationApp));
    addons.deleteBackups();
    deleteCopyBackBackups();
  }

  /**
   * After a live cutover: the writes the destination accepted come back through the replication
   * back, which is then dropped, and the source's databases accept writes again.
   */
  private void bringBackReplicated() {
    if (live.reversing() && !broughtBack) {
      live.catchUpBack();
      broughtBack = true;
    }
    if (live.reversing()) {
      live.dropReverse(false);
    }
    for (AddonInput input : live.replicatedInputs()) {
      String label = label(input);
      progress.step(
          "Let the database of " + label + " in " + request.source() + " accept writes again",
          () ->
              calls
                  .liveForward(request.source(), "unfreeze database of " + label)
                  .unfreezeSourceDatabase(input));
    }
  }

  /** Every addon provisioned in the destination, by the live or the stop-and-copy data step. */
  private List<AddonInput> provisioned() {
    Map<String, AddonInput> all = new LinkedHashMap<>();
    for (AddonInput input : live.provisioned()) {
      all.putIfAbsent(input.addon().id(), input);
    }
    for (AddonInput input : addons.provisioned()) {
      all.putIfAbsent(input.addon().id(), input);
    }
    return List.copyOf(all.values());
  }

  /** Copies every addon back at the same time and waits for all; throws the first failure. */
  private void copyBackAll(List<AddonInput> moved) {
    List<Promise<Void>> copies = new ArrayList<>();
    for (AddonInput input : moved) {
      copies.add(Async.procedure(this::copyBack, input.back()));
    }
    RuntimeException first = null;
    for (Promise<Void> copy : copies) {
      try {
        copy.get();
      } catch (ActivityFailure | CanceledFailure e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void copyBack(AddonInput back) {
    String src = request.source();
    String dst = request.destination();
    String label = label(back);
    BackupAndRestore.together(
        calls,
        progress,
        back,
        new BackupAndRestore.Call(
            dst, "Back up the " + dst + " copy of " + label, "back up the copy of " + label),
        new BackupAndRestore.Call(
            src,
            "Restore " + label + " in " + src + " from its " + dst + " copy while it is backed up",
            "restore " + label + " from its copy while backing up"));
    progress.step(
        "Verify "
            + label
            + " in "
            + src
            + " against its "
            + dst
            + " copy"
            + " (row counts and checksums)",
        () -> calls.data(src, "verify copy back of " + label).verifyAddon(back),
        VerifyResult::logs);
  }

  /** Deletes the backups the copy back made; one that cannot be deleted is shown, not fatal. */
  private void deleteCopyBackBackups() {
    String src = request.source();
    for (AddonInput input : addons.movedByEngine()) {
      AddonInput back = input.back();
      String label = label(back);
      try {
        progress.step(
            "Delete backup of the " + request.destination() + " copy of " + label,
            () -> calls.dataUndo(src, "delete backup of the copy of " + label).deleteBackup(back));
      } catch (ActivityFailure e) {
        progress.errors().add("delete backup of the copy of " + label + ": " + describe(e));
        log.error("Backup of the copy of {} not deleted: {}", label, describe(e));
      }
    }
  }

  private static String label(AddonInput input) {
    return input.addon().provider() + " addon " + input.addon().id();
  }
}
