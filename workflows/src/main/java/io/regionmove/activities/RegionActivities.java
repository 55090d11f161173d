package io.regionmove.activities;

import io.regionmove.model.Formation;
import io.regionmove.model.MovePlan;
import io.temporal.activity.ActivityInterface;

/**
 * What the migration does to apps through a region's Region API. Each call is scheduled on the task
 * queue of the region it acts on ({@code regionmove-region-<name>}). Every method is idempotent (it
 * looks at the current state and does only what is missing) and every undo tolerates its action
 * never having happened. Values of secrets (variables, TLS keys) are copied region to region inside
 * the activity and never returned.
 */
@ActivityInterface
public interface RegionActivities {

  /**
   * Source region: the app exists, is running or stopped, is not migrating, certs valid; each addon
   * with how its data moves (holds none, moved by an engine of this worker, or no engine moves it),
   * and the checks of the engine of each addon it moves.
   */
  SourceCheck checkSource(AppInput input);

  /**
   * Source region, for a dry run: what prepare would copy and, per addon, its size and the
   * estimated time to copy it. Only reads.
   */
  MovePlan planMove(PlanInput input);

  /** Destination region: known and different, the new name free, every addon offered. */
  CheckResult checkDestination(DestinationCheckInput input);

  StepResult freezeSource(AppInput input);

  StepResult unfreezeSource(AppInput input);

  StepResult createApp(MoveInput input);

  /**
   * Deletes an app this migration created (its reference is the migration id): the destination app,
   * when prepare is undone. Any other app of that name is left untouched, so a destination name
   * that was already taken is never deleted; an app already gone is fine.
   */
  StepResult deleteApp(AppInput input);

  /**
   * Source region, after the redirect window: deletes the old source app, but only once the
   * destination app this migration made ({@code move.destinationApp()}, reference = migration id)
   * exists; otherwise a non-retryable {@code INVALID_REQUEST} failure. An app already gone is fine.
   */
  StepResult deleteSourceApp(MoveInput input);

  StepResult copyConfig(ConfigInput input);

  StepResult removeConfig(ConfigInput input);

  Formation readFormation(AppInput input);

  /** The URL the app answers at: after a rollback, the source app's again. */
  AppUrl readUrl(AppInput input);

  StepResult stopApp(AppInput input);

  StepResult startApp(StartAppInput input);

  StepResult provisionAddon(AddonInput input);

  StepResult deprovisionAddon(AddonInput input);

  RedirectResult redirectSource(RedirectInput input);

  StepResult removeRedirect(AppInput input);
}
