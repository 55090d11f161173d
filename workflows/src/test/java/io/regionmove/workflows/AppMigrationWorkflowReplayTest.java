package io.regionmove.workflows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays recorded histories against the current workflow code: a change that would break
 * migrations already running fails here and must go behind {@code Workflow.getVersion}.
 *
 * <p>The histories are written to {@code workflows/target/histories/} by {@link
 * AppMigrationWorkflowTest}, {@link AddonDataHandlingTest}, {@link LiveMigrationWorkflowTest} and
 * {@link RollbackWorkflowTest}; copy them here only when a change is meant to be incompatible, or
 * when a new path is recorded. The older ones hold addons without {@code dataHandling} (the legacy
 * rule of {@link io.regionmove.model.Addon#handling()}) and requests without {@code manualData}.
 */
class AppMigrationWorkflowReplayTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "happy-path",
        "abort-after-prepare",
        "abort-after-data",
        "error-then-abort",
        // recorded after backup and restore were made to run together (version 1)
        "happy-path-restore-while-backing-up",
        "abort-after-data-restore-while-backing-up",
        // recorded after abort and cancel were made one detached path: the workflow is cancelled
        // while an undo retries, the undo ends, the others run, the abort update is answered
        "cancel-while-undo-retries",
        // recorded when live data mode came (data-live, data-replicating, the cutover): by
        // LiveMigrationWorkflowTest
        "live-happy-path",
        "live-abort-while-replicating",
        // recorded after steps could be scheduled (the schedule update and its durable timer),
        // webhooks notified and backups deleted after the redirect window (SPEC §10): a finalize
        // scheduled, replaced, then run when due, every change delivered after retries
        "scheduled-finalize-with-notifications",
        "abort-during-scheduled-wait",
        // recorded after a done migration could be rolled back (SPEC §10): the redirect window's
        // timer cancelled, the data copied back; and a rollback that failed, then ran again
        "rollback-after-data",
        "rollback-failed-then-rerun",
        // recorded after the workers decided each addon's data handling: a postgresql addon an
        // engine moves, one holding no data, and a mongodb addon moved by hand (--manual-data)
        "manual-data",
        // recorded after a live cutover set up the replication back (version 1 of
        // replicate-back): the rollback brings the destination's writes back through it; by
        // RollbackWorkflowTest
        "live-rollback"
      })
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(read("/histories/" + name + ".json"));
    assertTrue(history.getEvents().size() > 10, "the recording holds a real migration");

    WorkflowReplayer.replayWorkflowExecution(history, AppMigrationWorkflowImpl.class);
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = AppMigrationWorkflowReplayTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
