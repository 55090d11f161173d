package io.regionmove.workflows;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.BackupResult;
import io.regionmove.activities.RestoreInput;
import io.regionmove.activities.StepResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Backs an addon up and restores it at the same time, for the data step and for a rollback's copy
 * back: the restore follows the archive as the backup writes it, so the app is down for about one
 * restore rather than a backup plus a restore. The backup is still the durable checkpoint: a
 * restore retried once it is complete restores it like any other. If the backup fails, the restore
 * following it is stopped.
 */
final class BackupAndRestore {

  /** One of the two calls: the region it runs in, its progress line, its Temporal Web summary. */
  record Call(String region, String line, String summary) {}

  private BackupAndRestore() {}

  static void together(
      MigrationCalls calls, Progress progress, AddonInput input, Call backup, Call restore) {
    Promise<BackupResult> backingUp =
        Async.function(
            () ->
                progress.step(
                    backup.line(),
                    () -> calls.data(backup.region(), backup.summary()).backupAddon(input),
                    BackupResult::logs));
    List<Promise<StepResult>> restoring = new ArrayList<>(1);
    CancellationScope restoreScope =
        Workflow.newCancellationScope(
            () ->
                restoring.add(
                    Async.function(
                        () ->
                            progress.step(
                                restore.line(),
                                () ->
                                    calls
                                        .data(restore.region(), restore.summary())
                                        .restoreAddon(RestoreInput.whileBackingUp(input))))));
    restoreScope.run();
    try {
      backingUp.get();
    } catch (ActivityFailure | CanceledFailure e) {
      restoreScope.cancel();
      try {
        restoring.get(0).get();
      } catch (ActivityFailure | CanceledFailure stopped) {
        // stopped because the backup failed; the backup's failure is the one to report
      }
      throw e;
    }
    restoring.get(0).get();
  }
}
