package io.regionmove.workflows;

import io.regionmove.model.MigrationRequest;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

/**
 * The "one running migration per app" lock, as seen from the migration that takes it: a child
 * {@link AppMigrationLockWorkflow} whose id names the app, so Temporal itself refuses a second one.
 */
final class AppLock {

  private static final Logger log = Workflow.getLogger(AppLock.class);

  private final MigrationRequest request;
  private AppMigrationLockWorkflow holder;
  private Promise<String> held;

  AppLock(MigrationRequest request) {
    this.request = request;
  }

  /** Takes the lock; false when another migration of the app holds it. */
  boolean acquire() {
    holder =
        Workflow.newChildWorkflowStub(
            AppMigrationLockWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(AppMigrationLockWorkflow.lockId(request.source(), request.app()))
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
    // Detached: cancelling the migration must not drop its lock before its undo actions have run.
    AppMigrationLockWorkflow child = holder;
    Workflow.newDetachedCancellationScope(
            () -> held = Async.function(child::hold, request.migrationId()))
        .run();
    try {
      Workflow.getWorkflowExecution(child).get();
      return true;
    } catch (ChildWorkflowFailure e) {
      if (e.getCause() instanceof WorkflowExecutionAlreadyStarted) {
        holder = null;
        return false;
      }
      throw e;
    }
  }

  /** The failed check of a migration that did not get the lock. */
  String refusal() {
    return "app '%s' in %s already has a migration in progress: finish or abort it first"
        .formatted(request.app(), request.source());
  }

  /** Releases the lock if this migration holds it, and waits until it is free. */
  void release() {
    if (holder == null) {
      return;
    }
    AppMigrationLockWorkflow child = holder;
    holder = null;
    try {
      child.release();
      held.get();
    } catch (ApplicationFailure | ChildWorkflowFailure e) {
      // The lock already ended (terminated by hand, say): there is nothing left to release.
      log.warn("Could not release the app lock: {}", e.getMessage());
    }
  }
}
