package io.regionmove.activities.region;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.AppUrl;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.PlanInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.CopyRate;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Formation;
import io.regionmove.model.MovePlan;
import java.time.Clock;

/**
 * {@link RegionActivities} over the Region API of each configured region: the registered activity
 * implementation, handing each method to the class of its job ({@link PreflightChecks}, {@link
 * MovePlanner}, {@link AppActions}, {@link ConfigActions} with one {@link ConfigCopier} per kind,
 * {@link AddonActions}, {@link RedirectActions}). The data engines of the worker ({@link Engines})
 * decide, in the source check, which addons' data it moves.
 *
 * <p>Idempotency keys: the destination app is created with reference = migration id, and each
 * destination addon with reference = migration id + ":" + source addon id. Everything written to
 * the destination is written only to an app carrying this migration's reference, and every undo
 * leaves alone an app that does not carry it, so a destination name that was already taken is never
 * touched. A forward action done twice returns what it returned the first time (except {@code
 * stopApp}, which on the second call can only say the app is already stopped); an undo says what it
 * found. Secret values (variables, TLS keys, notifier URLs, addon URLs) are copied inside the
 * activity; results and logs name them only. A region's 4xx answer is a non-retryable failure; a
 * 5xx answer or a time-out is retried ({@link RegionFailures}).
 */
public class RegionActivitiesImpl implements RegionActivities {

  private final PreflightChecks preflight;
  private final MovePlanner planner;
  private final AppActions apps;
  private final ConfigActions config;
  private final AddonActions addons;
  private final RedirectActions redirects;

  /** Without data engines: the data of every addon that holds some is one no engine moves. */
  public RegionActivitiesImpl(Regions regions, RegionClientFactory clientFactory) {
    this(regions, clientFactory, Clock.systemUTC());
  }

  /** With the clock that decides whether a TLS certificate has expired; without data engines. */
  public RegionActivitiesImpl(Regions regions, RegionClientFactory clientFactory, Clock clock) {
    this(regions, clientFactory, clock, Engines.of(), CopyRate.MEASURED);
  }

  /**
   * With the data engines of this worker, which decide whose data it moves, and the data step's
   * rate on its machines for the dry run's estimate.
   */
  public RegionActivitiesImpl(
      Regions regions, RegionClientFactory clientFactory, Engines engines, CopyRate rate) {
    this(regions, clientFactory, Clock.systemUTC(), engines, rate);
  }

  /** With the clock that decides whether a TLS certificate has expired. */
  public RegionActivitiesImpl(
      Regions regions,
      RegionClientFactory clientFactory,
      Clock clock,
      Engines engines,
      CopyRate rate) {
    RegionClients clients = new RegionClients(regions, clientFactory);
    this.preflight = new PreflightChecks(clients, clock, engines);
    this.planner = new MovePlanner(clients, engines, rate);
    this.apps = new AppActions(clients);
    this.config = new ConfigActions(clients);
    this.addons = new AddonActions(clients);
    this.redirects = new RedirectActions(clients);
  }

  @Override
  public SourceCheck checkSource(AppInput input) {
    return preflight.checkSource(input);
  }

  @Override
  public MovePlan planMove(PlanInput input) {
    return planner.planMove(input);
  }

  @Override
  public CheckResult checkDestination(DestinationCheckInput input) {
    return preflight.checkDestination(input);
  }

  @Override
  public StepResult freezeSource(AppInput input) {
    return apps.freezeSource(input);
  }

  @Override
  public StepResult unfreezeSource(AppInput input) {
    return apps.unfreezeSource(input);
  }

  @Override
  public StepResult createApp(MoveInput input) {
    return apps.createApp(input);
  }

  @Override
  public StepResult deleteApp(AppInput input) {
    return apps.deleteApp(input);
  }

  @Override
  public StepResult deleteSourceApp(MoveInput input) {
    return apps.deleteSourceApp(input);
  }

  @Override
  public StepResult copyConfig(ConfigInput input) {
    return config.copyConfig(input);
  }

  @Override
  public StepResult removeConfig(ConfigInput input) {
    return config.removeConfig(input);
  }

  @Override
  public Formation readFormation(AppInput input) {
    return apps.readFormation(input);
  }

  @Override
  public AppUrl readUrl(AppInput input) {
    return apps.readUrl(input);
  }

  @Override
  public StepResult stopApp(AppInput input) {
    return apps.stopApp(input);
  }

  @Override
  public StepResult startApp(StartAppInput input) {
    return apps.startApp(input);
  }

  @Override
  public StepResult provisionAddon(AddonInput input) {
    return addons.provisionAddon(input);
  }

  @Override
  public StepResult deprovisionAddon(AddonInput input) {
    return addons.deprovisionAddon(input);
  }

  @Override
  public RedirectResult redirectSource(RedirectInput input) {
    return redirects.redirectSource(input);
  }

  @Override
  public StepResult removeRedirect(AppInput input) {
    return redirects.removeRedirect(input);
  }
}
