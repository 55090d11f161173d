package io.regionmove.workflows;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.LiveDataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RegionActivities;
import io.regionmove.model.MigrationRequest;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The activity stubs and inputs of one migration. Each stub carries the one-line summary Temporal
 * Web shows for its call (SPEC §4) and the options of its kind from {@link
 * MigrationActivityOptions}; each input carries the migration id as its idempotency key.
 */
final class MigrationCalls {

  /** The lag watch's heartbeat time-out, at most, so the lag shown is at most 8 s old. */
  private static final Duration WATCH_HEARTBEAT = Duration.ofSeconds(10);

  private final MigrationRequest request;

  MigrationCalls(MigrationRequest request) {
    this.request = request;
  }

  RegionActivities preflight(String region, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class,
        MigrationActivityOptions.preflight(region, "preflight: " + summary));
  }

  RegionActivities region(String region, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class, MigrationActivityOptions.forward(region, summary));
  }

  RegionActivities undo(String region, String summary) {
    return Workflow.newActivityStub(
        RegionActivities.class, MigrationActivityOptions.compensation(region, summary));
  }

  DataActivities data(String region, String summary) {
    return Workflow.newActivityStub(
        DataActivities.class,
        MigrationActivityOptions.longRunning(
            region, summary, request.settings().heartbeatTimeout()));
  }

  DataActivities dataUndo(String region, String summary) {
    return Workflow.newActivityStub(
        DataActivities.class, MigrationActivityOptions.compensation(region, summary));
  }

  /** A live readiness check made by a dry run: as short-lived as the other preflight checks. */
  LiveDataActivities livePreflight(String region, String summary) {
    return Workflow.newActivityStub(
        LiveDataActivities.class,
        MigrationActivityOptions.preflight(region, "preflight: " + summary));
  }

  LiveDataActivities liveForward(String region, String summary) {
    return Workflow.newActivityStub(
        LiveDataActivities.class, MigrationActivityOptions.forward(region, summary));
  }

  LiveDataActivities live(String region, String summary) {
    return Workflow.newActivityStub(
        LiveDataActivities.class,
        MigrationActivityOptions.longRunning(
            region, summary, request.settings().heartbeatTimeout()));
  }

  LiveDataActivities liveWatch(String region, String summary) {
    Duration timeout = request.settings().heartbeatTimeout();
    // Temporal Web and the CLI show the heartbeat the SDK last sent, at most every 0.8 × timeout.
    Duration shown = timeout.compareTo(WATCH_HEARTBEAT) < 0 ? timeout : WATCH_HEARTBEAT;
    return Workflow.newActivityStub(
        LiveDataActivities.class, MigrationActivityOptions.watch(region, summary, shown));
  }

  LiveDataActivities liveUndo(String region, String summary) {
    return Workflow.newActivityStub(
        LiveDataActivities.class, MigrationActivityOptions.compensation(region, summary));
  }

  /** Undoes what must be undone whatever it takes: a replication slot on the source. */
  LiveDataActivities liveUntilDone(String region, String summary) {
    return Workflow.newActivityStub(
        LiveDataActivities.class, MigrationActivityOptions.untilDone(region, summary));
  }

  AppInput sourceApp() {
    return new AppInput(request.migrationId(), request.source(), request.app());
  }

  AppInput destinationApp() {
    return new AppInput(request.migrationId(), request.destination(), request.newName());
  }

  MoveInput move() {
    return new MoveInput(
        request.migrationId(),
        request.source(),
        request.app(),
        request.destination(),
        request.newName());
  }
}
