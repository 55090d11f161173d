package io.regionmove.testkit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.workflows.AppMigrationLockWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.ResetStickyTaskQueueRequest;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the crash tests do after SIGKILLing a worker, standing in for timers that only measure
 * Temporal, not regionmove.
 */
public final class KilledWorker {

  private KilledWorker() {}

  /** What a worker shutting down cleanly does; a killed one leaves it to a 5 s time-out. */
  public static void resetStickyQueues(
      RegionmoveTestStack stack, WorkflowExecution migration, String app) {
    for (String workflowId :
        List.of(
            migration.getWorkflowId(),
            AppMigrationLockWorkflow.lockId(RegionmoveTestStack.SOURCE, app))) {
      try {
        stack
            .client()
            .getWorkflowServiceStubs()
            .blockingStub()
            .resetStickyTaskQueue(
                ResetStickyTaskQueueRequest.newBuilder()
                    .setNamespace(RegionmoveTestStack.NAMESPACE)
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
  }

  /**
   * Fails the attempt a killed worker held of each short activity (not one of {@code heartbeating},
   * which are left to their heartbeat time-out), as its start-to-close time-out would: Temporal
   * retries it on the next worker.
   */
  public static void failDeadAttempts(
      RegionmoveTestStack stack, WorkflowExecution migration, Set<String> heartbeating) {
    WorkflowStub workflow = stack.client().newUntypedWorkflowStub(migration.getWorkflowId());
    for (PendingActivityInfo activity :
        workflow.describe().getRawDescription().getPendingActivitiesList()) {
      if (activity.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
          && !heartbeating.contains(activity.getActivityType().getName())) {
        stack
            .client()
            .newActivityCompletionClient()
            .completeExceptionally(
                migration.getWorkflowId(),
                Optional.empty(),
                activity.getActivityId(),
                ApplicationFailure.newFailure(
                    "the worker running this attempt was SIGKILLed", "WorkerKilled"));
      }
    }
  }
}
