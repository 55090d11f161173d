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
 * Replays recorded dry runs against the current dry-run code. A dry run lasts seconds, but one that
 * is running while workers are redeployed must still end: {@code dry-run-live-before-readiness} was
 * recorded before a live dry run ran the live readiness checks (it said live mode was not
 * available), and replays through {@code Workflow.getVersion}.
 *
 * <p>{@code dry-run-live} is written to {@code workflows/target/histories/} by {@link
 * MigrationDryRunWorkflowTest}; copy it here only when a change is meant to be incompatible.
 */
class MigrationDryRunWorkflowReplayTest {

  @ParameterizedTest
  @ValueSource(strings = {"dry-run-live-before-readiness", "dry-run-live"})
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(read("/histories/" + name + ".json"));
    assertTrue(history.getEvents().size() > 10, "the recording holds a real dry run");

    WorkflowReplayer.replayWorkflowExecution(history, MigrationDryRunWorkflowImpl.class);
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = MigrationDryRunWorkflowReplayTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
