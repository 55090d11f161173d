package io.regionmove.workflows;

import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.ScheduledStep;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One migration of one app from a source region to a destination region (SPEC §2 and §4).
 *
 * <p>The workflow id is the migration id and it runs on {@link #TASK_QUEUE}. It runs the preflight
 * checks at once, then waits for the user to drive it. Each user step is an Update (validated: a
 * step asked in the wrong state is rejected before it reaches history) that returns once the step
 * has ended, and a Signal of the same name for Temporal Web and {@code temporal workflow signal} (a
 * signal in the wrong state is logged and ignored). {@code abort} undoes exactly what was done, in
 * reverse order, even while a step runs.
 *
 * <p>{@code schedule} (an Update and a Signal) sets {@code data} or {@code finalize} to run at a
 * time within 30 days (SPEC §10): it returns at once; the step waits on a durable timer, replaces
 * the step scheduled before, is cancelled by abort or by running that step now, and is dropped,
 * shown in its line, if it is not allowed when its time comes.
 *
 * <p>{@code rollback} (an Update and a Signal) brings a {@code done} migration back to its source
 * within the redirect window (SPEC §10): it stops the window's timer and ends {@code rolled-back}.
 * It is refused in any other state and once the window's cleanup has started; a rollback that fails
 * leaves the migration in {@code error} and is run again the same way, never aborted.
 */
@WorkflowInterface
public interface AppMigrationWorkflow {

  String TASK_QUEUE = "regionmove-migrations";
  String WORKFLOW_TYPE = "AppMigrationWorkflow";

  /** The task queue of the workers that act on one region, next to its control plane. */
  static String regionTaskQueue(String region) {
    return "regionmove-region-" + region;
  }

  static String workflowId(String migrationId) {
    return migrationId;
  }

  @WorkflowMethod(name = WORKFLOW_TYPE)
  Migration run(MigrationRequest request);

  @QueryMethod(name = "status")
  Migration status();

  @UpdateMethod(name = "prepare")
  Migration prepare();

  @UpdateValidatorMethod(updateName = "prepare")
  void validatePrepare();

  @UpdateMethod(name = "data")
  Migration data();

  @UpdateValidatorMethod(updateName = "data")
  void validateData();

  /**
   * The data step in live mode (SPEC §9): PostgreSQL addons are replicated while the source app
   * keeps running; answers once every table's initial copy is done, with the status {@code
   * data-replicating}. {@code finalize} is then the cutover.
   */
  @UpdateMethod(name = "data-live")
  Migration dataLive();

  @UpdateValidatorMethod(updateName = "data-live")
  void validateDataLive();

  @UpdateMethod(name = "finalize")
  Migration finalizeMigration();

  @UpdateValidatorMethod(updateName = "finalize")
  void validateFinalize();

  @UpdateMethod(name = "abort")
  Migration abort();

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort();

  @UpdateMethod(name = "rollback")
  Migration rollback();

  @UpdateValidatorMethod(updateName = "rollback")
  void validateRollback();

  @UpdateMethod(name = "schedule")
  Migration schedule(ScheduledStep step);

  @UpdateValidatorMethod(updateName = "schedule")
  void validateSchedule(ScheduledStep step);

  @SignalMethod(name = "prepare")
  void prepareSignal();

  @SignalMethod(name = "data")
  void dataSignal();

  @SignalMethod(name = "data-live")
  void dataLiveSignal();

  @SignalMethod(name = "finalize")
  void finalizeSignal();

  @SignalMethod(name = "abort")
  void abortSignal();

  @SignalMethod(name = "rollback")
  void rollbackSignal();

  @SignalMethod(name = "schedule")
  void scheduleSignal(ScheduledStep step);
}
