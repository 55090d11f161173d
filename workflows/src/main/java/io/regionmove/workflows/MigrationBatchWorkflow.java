package io.regionmove.workflows;

import io.regionmove.model.Batch;
import io.regionmove.model.BatchRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Many migrations from one source region to one destination (SPEC §10): one ordinary {@link
 * AppMigrationWorkflow} per app, at most {@link BatchRequest#concurrency()} at once, each driven
 * through the step asked. One app's failure never stops the others.
 *
 * <p>The workflow id is the batch id, {@code batch-<uuid>}, on {@link
 * AppMigrationWorkflow#TASK_QUEUE}. Each migration is a child workflow whose id is its migration
 * id, abandoned when the batch ends, so it stays followable and abortable on its own with the usual
 * commands. {@code abort} (an Update that returns once every migration has ended, and a Signal of
 * the same name) stops starting migrations and aborts every unfinished one. The {@code status}
 * query lists each app with its migration id.
 */
@WorkflowInterface
public interface MigrationBatchWorkflow {

  String WORKFLOW_TYPE = "MigrationBatchWorkflow";
  String ID_PREFIX = "batch-";

  static String workflowId(String batchId) {
    return batchId;
  }

  @WorkflowMethod(name = WORKFLOW_TYPE)
  Batch run(BatchRequest request);

  @QueryMethod(name = "status")
  Batch status();

  @UpdateMethod(name = "abort")
  Batch abort();

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort();

  @SignalMethod(name = "abort")
  void abortSignal();
}
