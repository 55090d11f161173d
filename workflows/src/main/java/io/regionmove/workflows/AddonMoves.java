package io.regionmove.workflows;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.VerifyResult;
import io.regionmove.model.Addon;
import io.regionmove.model.DataHandling;
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
 * The addons' part of the data step (SPEC §2, §8): every addon at the same time is provisioned in
 * the destination; one whose data an engine moves is then backed up, restored and verified. One
 * that holds no data, or whose data the user moves by hand ({@code --manual-data}), stays empty.
 * Each action registers its undo first, like every other action of the saga.
 */
final class AddonMoves {

  private static final Logger log = Workflow.getLogger(AddonMoves.class);

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;
  private final Compensations compensations;

  /** The addons provisioned in the destination, by addon id. */
  private final Map<String, AddonInput> provisioned = new LinkedHashMap<>();

  /** The addons backed up by this migration, by addon id: their backups are deleted at its end. */
  private final Map<String, AddonInput> backedUp = new LinkedHashMap<>();

  AddonMoves(
      MigrationRequest request,
      MigrationCalls calls,
      Progress progress,
      Compensations compensations) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
    this.compensations = compensations;
  }

  /** Moves every addon at the same time and waits for all of them; throws the first failure. */
  void moveAll(List<Addon> addons) {
    List<Promise<Void>> moves = new ArrayList<>();
    for (Addon addon : addons) {
      moves.add(Async.procedure(this::move, addon));
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
  }

  private void move(Addon addon) {
    String dst = request.destination();
    String src = request.source();
    AddonInput input = new AddonInput(calls.move(), addon);
    String label = addon.provider() + " addon " + addon.id();
    provisioned.put(addon.id(), input);
    compensations.register(
        "deprovision-" + addon.id(),
        "Deprovision " + label + " in " + dst,
        () -> calls.undo(dst, "deprovision " + label).deprovisionAddon(input));
    progress.step(
        "Provision %s %s (version %s) in %s"
            .formatted(addon.provider(), addon.plan(), addon.version(), dst),
        () -> calls.region(dst, "provision " + label).provisionAddon(input));
    if (addon.handlingWith(request.manualData()) != DataHandling.ENGINE) {
      return;
    }
    backedUp.put(addon.id(), input);
    compensations.register(
        "delete-backup-" + addon.id(),
        "Delete backup of " + label,
        () -> calls.dataUndo(src, "delete backup of " + label).deleteBackup(input));
    if (Workflow.getVersion(
            AppMigrationWorkflowImpl.RESTORE_WHILE_BACKING_UP, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      BackupResult backup =
          progress.step(
              "Back up " + label,
              () -> calls.data(src, "back up " + label).backupAddon(input),
              BackupResult::logs);
      progress.step(
          "Restore " + label + " in " + dst,
          () ->
              calls
                  .data(dst, "restore " + label)
                  .restoreAddon(new RestoreInput(input, backup.backupId())));
    } else {
      backUpAndRestoreTogether(input, label);
    }
    progress.step(
        "Verify " + label + " (row counts and checksums)",
        () -> calls.data(dst, "verify " + label).verifyAddon(input),
        VerifyResult::logs);
  }

  /** The inputs of the addons provisioned in the destination, in the order they were. */
  List<AddonInput> provisioned() {
    return List.copyOf(provisioned.values());
  }

  /** The inputs of the addons whose data an engine moved (backed up and restored). */
  List<AddonInput> movedByEngine() {
    return List.copyOf(backedUp.values());
  }

  /** Whether this migration made backups, which {@link #deleteBackups} deletes. */
  boolean hasBackups() {
    return !backedUp.isEmpty();
  }

  /**
   * Deletes every backup this migration made, once it has ended for good (SPEC §10: done and its
   * redirect window over, or rolled back; abort deletes them as undo actions). A backup that cannot
   * be deleted is shown in the errors; the others are still deleted.
   */
  void deleteBackups() {
    String src = request.source();
    for (AddonInput input : backedUp.values()) {
      String label = input.addon().provider() + " addon " + input.addon().id();
      try {
        progress.step(
            "Delete backup of " + label,
            () -> calls.dataUndo(src, "delete backup of " + label).deleteBackup(input));
      } catch (ActivityFailure e) {
        progress.errors().add("delete backup of " + label + ": " + Wording.describe(e));
        log.error("Backup of {} not deleted: {}", label, Wording.describe(e));
      }
    }
  }

  private void backUpAndRestoreTogether(AddonInput input, String label) {
    BackupAndRestore.together(
        calls,
        progress,
        input,
        new BackupAndRestore.Call(request.source(), "Back up " + label, "back up " + label),
        new BackupAndRestore.Call(
            request.destination(),
            "Restore " + label + " in " + request.destination() + " while it is backed up",
            "restore " + label + " while backing up"));
  }
}
