package io.regionmove.client;

import io.regionmove.client.MigrationClient.Step;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;

/**
 * The sentences the client writes itself: Temporal Web's details, a closed migration's refusal, a
 * validator's refusal without Temporal's decoration.
 */
final class MigrationTexts {

  private MigrationTexts() {}

  /**
   * The workflow's Details in Temporal Web (Markdown): what moves where, and how to drive it from
   * there (the signals) or from a terminal.
   */
  static String staticDetails(
      String id, String app, String source, String destination, String newName) {
    String base = "regionmove --region " + source + " --app " + app;
    return "**"
        + app
        + "** moves from region **"
        + source
        + "** to **"
        + destination
        + "**"
        + (newName == null || newName.equals(app) ? "" : " as **" + newName + "**")
        + ".\n\n"
        + "- App: `"
        + app
        + "`\n"
        + "- Source region: `"
        + source
        + "`\n"
        + "- Destination region: `"
        + destination
        + "`\n"
        + "- Name in the destination: `"
        + (newName == null ? app : newName)
        + "`\n\n"
        + "Steps: `prepare`, then `data` or `data-live` (optional), then `finalize`; `abort` at"
        + " any time before the end; `rollback` once done, within the redirect window. Send them"
        + " as signals from here, or run `"
        + base
        + " migration-run --prepare "
        + id
        + "` (and `--data`, `--data --live`, `--finalize`, `migration-abort`,"
        + " `migration-rollback`).";
  }

  /** Why a migration whose workflow has closed refuses {@code step}: one sentence. */
  static String closedRefusal(Step step, Migration closed) {
    if (step != Step.ROLLBACK) {
      return (step == Step.ABORT ? "Cannot abort" : "Cannot run " + step.wireName())
          + ": the migration is "
          + closed.status()
          + ".";
    }
    if (closed.status() == MigrationStatus.DONE) {
      return "Cannot roll back: the redirect window of the migration is over and the old app "
          + closed.app()
          + " in "
          + closed.source()
          + " has been deleted.";
    }
    if (closed.status() == MigrationStatus.ROLLED_BACK) {
      return "Cannot roll back: the migration is already rolled back.";
    }
    return "Cannot roll back: the migration is "
        + closed.status()
        + "; only a done migration can be rolled back, within its redirect window.";
  }

  /** The validator's own sentence, without Temporal's decoration. */
  static String sentence(WorkflowUpdateException e) {
    Throwable cause = e.getCause();
    String message =
        cause instanceof ApplicationFailure failure ? failure.getOriginalMessage() : e.getMessage();
    if (message == null || message.isBlank()) {
      return "The workflow refused the step.";
    }
    message = Character.toUpperCase(message.charAt(0)) + message.substring(1);
    return message.endsWith(".") ? message : message + ".";
  }
}
