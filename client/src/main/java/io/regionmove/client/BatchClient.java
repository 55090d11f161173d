package io.regionmove.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.model.Batch;
import io.regionmove.model.BatchRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.Phase;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.MigrationBatchWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Java API over {@link WorkflowClient} for batches of migrations: start one, read it with
 * the {@code status} query, wait for its end, abort it.
 */
public final class BatchClient {

  private static final Logger log = LoggerFactory.getLogger(BatchClient.class);
  private static final Duration FIRST_QUERY_POLL = Duration.ofMillis(300);

  private final WorkflowClient client;
  private final MigrationIndex index;

  public BatchClient(WorkflowClient client, MigrationIndex index) {
    this.client = client;
    this.index = index;
  }

  /** Starts a batch and returns its id, {@code batch-<uuid>}. */
  public String start(
      List<String> apps,
      String source,
      String destination,
      int concurrency,
      Phase through,
      boolean live,
      MigrationSettings settings) {
    String id = MigrationBatchWorkflow.ID_PREFIX + UUID.randomUUID();
    BatchRequest request =
        new BatchRequest(id, apps, source, destination, concurrency, through, live, settings);
    MigrationBatchWorkflow batch =
        client.newWorkflowStub(
            MigrationBatchWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(MigrationBatchWorkflow.workflowId(id))
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .setStaticSummary(
                    "Migrate "
                        + apps.size()
                        + " apps: "
                        + source
                        + " → "
                        + destination
                        + ", "
                        + concurrency
                        + " at once, through "
                        + request.through())
                .build());
    WorkflowClient.start(batch::run, request);
    log.info(
        "Started batch {} of {} apps from {} to {} ({} at once, through {})",
        id,
        apps.size(),
        source,
        destination,
        concurrency,
        request.through());
    return id;
  }

  /** The batch now. */
  public Batch status(String id) {
    return call(id, () -> stub(id).status());
  }

  /**
   * The batch once its workflow has run its first task (the migration ids are decided there), at
   * most {@code timeout} from now; its migrations are added to the local index.
   */
  public Batch awaitFirstStatus(String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        Batch batch = status(id);
        if (batch != null) {
          remember(batch);
          return batch;
        }
      } catch (WorkflowQueryException e) {
        log.debug("Batch {} not queryable yet: {}", id, e.getMessage());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Batch "
                + id
                + " did not start within "
                + timeout.toSeconds()
                + " s; is a worker running (regionmove worker or regionmove dev)?");
      }
      sleep(FIRST_QUERY_POLL);
    }
  }

  /** The batch's result: completes when the batch has ended. */
  public CompletableFuture<Batch> result(String id) {
    return untyped(id).getResultAsync(Batch.class);
  }

  /**
   * Asks a running batch to stop starting migrations and abort its unfinished ones; the future
   * completes with the batch once every migration has ended. Empty when the batch has already
   * ended: its migrations are then aborted one by one by the caller.
   */
  public Optional<CompletableFuture<Batch>> startAbort(String id) {
    if (!isRunning(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          call(
              id,
              () ->
                  untyped(id)
                      .startUpdate(
                          UpdateOptions.newBuilder(Batch.class)
                              .setUpdateName("abort")
                              .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
                              .build())
                      .getResultAsync()));
    } catch (WorkflowUpdateException | BatchNotFoundException e) {
      // It ended between the two calls: the validator refused, or the closed workflow is not found.
      if (isRunning(id)) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /** The result of a batch that has ended. */
  public Batch ended(String id) {
    return call(id, () -> untyped(id).getResult(Batch.class));
  }

  /** Whether the batch's workflow is still open. */
  public boolean isRunning(String id) {
    return call(id, () -> untyped(id).describe().getStatus())
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  private void remember(Batch batch) {
    try {
      index.addAll(
          batch.entries().stream()
              .map(
                  e ->
                      new MigrationIndex.Entry(
                          e.migrationId(), e.app(), batch.source(), batch.destination()))
              .toList());
    } catch (UncheckedIOException e) {
      // The index only serves servers without visibility; the batch runs without it.
      log.warn("Batch {} not added to the local index: {}", batch.id(), e.getMessage());
    }
  }

  private MigrationBatchWorkflow stub(String id) {
    return client.newWorkflowStub(
        MigrationBatchWorkflow.class, MigrationBatchWorkflow.workflowId(id));
  }

  private WorkflowStub untyped(String id) {
    return client.newUntypedWorkflowStub(MigrationBatchWorkflow.workflowId(id));
  }

  private static <T> T call(String id, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw new BatchNotFoundException(id, e);
    } catch (WorkflowServiceException | WorkflowQueryException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new BatchNotFoundException(id, e);
      }
      throw e;
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the batch.", e);
    }
  }
}
