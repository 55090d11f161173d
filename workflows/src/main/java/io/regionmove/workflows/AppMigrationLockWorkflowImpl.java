package io.regionmove.workflows;

import io.temporal.workflow.Workflow;

public class AppMigrationLockWorkflowImpl implements AppMigrationLockWorkflow {

  private boolean released;

  @Override
  public String hold(String migrationId) {
    Workflow.await(() -> released);
    return migrationId;
  }

  @Override
  public void release() {
    released = true;
  }
}
