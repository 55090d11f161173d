package io.regionmove.workflows;

import io.regionmove.model.DryRunRequest;
import io.regionmove.model.MigrationPlan;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A dry run of a migration (SPEC §10, {@code migration-create --dry-run}): every preflight check of
 * {@link AppMigrationWorkflow}, then the plan of what the migration would move, returned as the
 * result. It reads both regions and changes nothing: it takes no app lock, sets no migration search
 * attribute and is its own workflow type, so the migrations of an app never list it. It ends as
 * soon as the plan is made.
 */
@WorkflowInterface
public interface MigrationDryRunWorkflow {

  String WORKFLOW_TYPE = "MigrationDryRunWorkflow";

  /** Dry runs share the migrations' task queue; their ids never look like a migration id. */
  static String workflowId(String uuid) {
    return "dryrun-" + uuid;
  }

  @WorkflowMethod(name = WORKFLOW_TYPE)
  MigrationPlan run(DryRunRequest request);
}
