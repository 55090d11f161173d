package io.regionmove.workflows;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.DataActivities;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RegionActivities;
import io.regionmove.model.MigrationRequest;
import io.temporal.workflow.Workflow;

/**
 * The activity stubs and inputs of one migration. Each stub carries the one-line summary Temporal
 * Web shows for its call (SPEC §4) and the options of its kind from {@link
 * MigrationActivityOptions}; each input carries the migration id as its idempotency key.
 */
final class MigrationCalls {

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
