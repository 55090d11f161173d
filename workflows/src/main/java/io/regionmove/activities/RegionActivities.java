package io.regionmove.activities;

import io.regionmove.model.Formation;
import io.temporal.activity.ActivityInterface;

/**
 * What the migration does to apps through a region's Region API. Each call is scheduled on the
 * task queue of the region it acts on ({@code regionmove-region-<name>}). Every method is
 * idempotent (it looks at the current state and does only what is missing) and every undo
 * tolerates its action never having happened. Values of secrets (variables, TLS keys) are copied
 * region to region inside the activity and never returned.
 */
@ActivityInterface
public interface RegionActivities {

  /** Source region: the app exists, is running or stopped, is not migrating, certs valid. */
  SourceCheck checkSource(AppInput input);

  /** Destination region: known and different, the new name free, every addon offered. */
  CheckResult checkDestination(DestinationCheckInput input);

  StepResult freezeSource(AppInput input);

  StepResult unfreezeSource(AppInput input);

  StepResult createApp(MoveInput input);

  StepResult deleteApp(AppInput input);

  StepResult copyConfig(ConfigInput input);

  StepResult removeConfig(ConfigInput input);

  Formation readFormation(AppInput input);

  StepResult stopApp(AppInput input);

  StepResult startApp(StartAppInput input);

  StepResult provisionAddon(AddonInput input);

  StepResult deprovisionAddon(AddonInput input);

  RedirectResult redirectSource(RedirectInput input);

  StepResult removeRedirect(AppInput input);
}
