package io.regionmove.workflows;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Holds the "one running migration per app" lock. A migration starts it as a child whose id is
 * {@link #lockId}: Temporal refuses a second running workflow with the same id, so of two
 * migrations of one app only one gets it, however close together they start. Its parent is the
 * migration that holds it; it ends on {@link #release} or with its parent.
 */
@WorkflowInterface
public interface AppMigrationLockWorkflow {

  String WORKFLOW_TYPE = "AppMigrationLock";

  static String lockId(String sourceRegion, String app) {
    return "regionmove-lock-" + sourceRegion + "-" + app;
  }

  /** Waits until released; returns the id of the migration that held the lock. */
  @WorkflowMethod(name = WORKFLOW_TYPE)
  String hold(String migrationId);

  @SignalMethod(name = "release")
  void release();
}
