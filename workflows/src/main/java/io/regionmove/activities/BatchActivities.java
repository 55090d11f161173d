package io.regionmove.activities;

import io.temporal.activity.ActivityInterface;

/**
 * What a batch asks of its migrations, through their public contract only (the {@code prepare},
 * {@code data} or {@code data-live}, {@code finalize} and {@code abort} updates and the {@code
 * status} query): a workflow cannot send an Update, and an Update returns when the step has ended,
 * so an activity sends them and waits. Runs on the migrations task queue, with the worker's
 * Temporal client.
 *
 * <p>Both methods are idempotent: they read the migration's status first and only ask for what is
 * still missing; a step refused because it already ran is not an error. Both heartbeat while they
 * wait.
 */
@ActivityInterface
public interface BatchActivities {

  /**
   * Waits for the migration's preflight, then runs {@code prepare}, {@code data}, {@code finalize}
   * in order up to {@code input.through()}, each once its previous step has ended; with {@code
   * input.live()}, the data step is live mode's ({@code data-replicating}) and finalize its
   * cutover. Returns when the migration has gone through that step, or stopped short of it
   * (preflight error, a step in error, aborted).
   */
  DriveResult driveMigration(DriveInput input);

  /**
   * Aborts the migration and returns once the abort has ended; a migration already finished (done,
   * aborted, preflight error) is left as it is and its status returned.
   */
  DriveResult abortMigration(MigrationRef input);
}
