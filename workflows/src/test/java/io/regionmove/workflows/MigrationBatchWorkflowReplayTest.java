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
 * Replays recorded batch histories against the current batch code: a change that would break
 * batches already running fails here and must go behind {@code Workflow.getVersion}.
 *
 * <p>The histories are written to {@code workflows/target/histories/} by {@link
 * MigrationBatchWorkflowTest}; copy them here only when a change is meant to be incompatible.
 */
class MigrationBatchWorkflowReplayTest {

  @ParameterizedTest
  @ValueSource(strings = {"batch-through-finalize", "batch-abort"})
  void recordedHistoryReplays(String name) throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(read("/histories/" + name + ".json"));
    assertTrue(history.getEvents().size() > 10, "the recording holds a real batch");

    WorkflowReplayer.replayWorkflowExecution(history, MigrationBatchWorkflowImpl.class);
  }

  private static String read(String resource) throws IOException {
    try (InputStream in = MigrationBatchWorkflowReplayTest.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
