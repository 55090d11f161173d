package io.regionmove.activities.data.live;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.CutoverInput;
import io.regionmove.activities.CutoverResult;
import io.regionmove.activities.LiveCheckResult;
import io.regionmove.activities.LiveCopyResult;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.AddonDatabases;
import io.regionmove.activities.data.Heartbeat;
import io.regionmove.activities.data.postgres.PostgresTools;
import io.regionmove.activities.region.RegionClientFactory;
import io.regionmove.model.Addon;
import io.regionmove.model.FailureType;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Live data mode over the regions' Region APIs (the privileged parts) and the addons' databases
 * (with their own credentials): a facade over {@link LivePreflight}, {@link ReplicationSetup},
 * {@link LagWatch}, {@link ConsistentCheck} and {@link Cutover}. Database URLs and passwords never
 * appear in results, logs or failure messages.
 */
public final class LiveDataActivitiesImpl implements LiveDataActivities {

  private final LiveOptions options;
  private final LivePreflight preflight;
  private final ReplicationSetup setup;
  private final LagWatch watch;
  private final ConsistentCheck check;
  private final Cutover cutover;
  private final ReverseReplication back;

  /**
   * @param pgBinDir directory of pg_dump and pg_restore; null to find them
   */
  public LiveDataActivitiesImpl(
      Regions regions,
      RegionClientFactory clients,
      AddonDatabases databases,
      Path pgBinDir,
      LiveOptions options) {
    this.options = options == null ? LiveOptions.defaults() : options;
    LiveRegions live = new LiveRegions(regions, clients, databases);
    PostgresTools tools =
        pgBinDir == null ? PostgresTools.locate().orElse(null) : PostgresTools.in(pgBinDir);
    // Both sides of a comparison and the pipe between pg_dump and pg_restore run beside the
    // thread that heartbeats.
    ExecutorService executor =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "regionmove-live");
              thread.setDaemon(true);
              return thread;
            });
    this.preflight = new LivePreflight(live, this.options);
    this.setup = new ReplicationSetup(live, new InitialCopy(tools, executor), this.options);
    this.watch = new LagWatch(live, this.options);
    this.check = new ConsistentCheck(live, this.options, executor);
    this.cutover = new Cutover(live, this.options, executor);
    this.back = new ReverseReplication(live, this.options);
  }

  @Override
  public CheckResult checkLiveSource(AddonInput input) {
    return preflight.run(postgresql(input));
  }

  @Override
  public StepResult allowReplication(AddonInput input) {
    return setup.allow(postgresql(input));
  }

  @Override
  public StepResult stopReplicationSource(AddonInput input) {
    return setup.stopSource(postgresql(input));
  }

  @Override
  public LiveCopyResult startReplication(AddonInput input) {
    return setup.start(postgresql(input), heartbeat());
  }

  @Override
  public StepResult stopReplication(AddonInput input) {
    return setup.stop(postgresql(input));
  }

  @Override
  public StepResult watchReplication(AddonInput input) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    return watch.run(postgresql(input), context::heartbeat);
  }

  @Override
  public LiveCheckResult verifyBeforeCutover(AddonInput input) {
    return check.run(postgresql(input), heartbeat());
  }

  @Override
  public StepResult unfreezeSourceDatabase(AddonInput input) {
    return cutover.unfreeze(postgresql(input));
  }

  @Override
  public CutoverResult catchUp(CutoverInput input) {
    if (input == null || input.verificationSlot() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "A cutover needs the verification slot of the check before it",
          FailureType.INVALID_REQUEST.name());
    }
    postgresql(input.addon());
    return cutover.catchUp(input, heartbeat());
  }

  @Override
  public StepResult prepareReverseReplication(AddonInput input) {
    return back.prepare(postgresql(input));
  }

  @Override
  public StepResult startReverseReplication(AddonInput input) {
    return back.start(postgresql(input), heartbeat());
  }

  @Override
  public CutoverResult catchUpBack(AddonInput input) {
    return back.catchUp(postgresql(input), heartbeat());
  }

  @Override
  public StepResult stopReverseReplication(AddonInput input) {
    return back.stop(postgresql(input));
  }

  @Override
  public StepResult stopReverseReplicationSource(AddonInput input) {
    return back.stopSource(postgresql(input));
  }

  /** Live mode moves PostgreSQL addons only. */
  private static AddonInput postgresql(AddonInput input) {
    if (input == null || input.move() == null || input.addon() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "A live data activity needs the move and the addon it concerns",
          FailureType.INVALID_REQUEST.name());
    }
    if (!Addon.POSTGRESQL.equals(input.addon().provider())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Live mode moves postgresql addons only, not the "
              + input.addon().provider()
              + " addon "
              + input.addon().id(),
          FailureType.INVALID_REQUEST.name());
    }
    return input;
  }

  private Heartbeat heartbeat() {
    return Heartbeat.of(Activity.getExecutionContext(), options.heartbeatInterval());
  }
}
