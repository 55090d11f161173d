package io.regionmove.activities.batch;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.activities.BatchActivities;
import io.regionmove.activities.DriveInput;
import io.regionmove.activities.DriveResult;
import io.regionmove.activities.MigrationRef;
import io.regionmove.model.FailureType;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives migrations for a batch with the worker's {@link WorkflowClient}, as a person would with
 * the CLI: the {@code status} query says where the migration stands, an Update runs the next step
 * and returns when it has ended. Waiting heartbeats every poll interval, so a cancelled call or a
 * dead worker is noticed within the heartbeat timeout; the status is only polled while no Update of
 * this call is waiting (the preflight, a step another caller started, an abort under way).
 */
public final class BatchActivitiesImpl implements BatchActivities {

  static final Duration POLL = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(BatchActivitiesImpl.class);

  private final WorkflowClient client;
  private final Duration poll;

  public BatchActivitiesImpl(WorkflowClient client) {
    this(client, POLL);
  }

  BatchActivitiesImpl(WorkflowClient client, Duration poll) {
    this.client = client;
    this.poll = poll;
  }

  @Override
  public DriveResult driveMigration(DriveInput input) {
    String id = input.migrationId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    while (true) {
      Migration migration = settled(id, context);
      Phase next = nextStep(migration.status(), input.through());
      if (next == null) {
        return result(migration);
      }
      runStep(id, next, input.live(), context);
    }
  }

  @Override
  public DriveResult abortMigration(MigrationRef input) {
    String id = input.migrationId();
    ActivityExecutionContext context = Activity.getExecutionContext();
    if (!status(id).status().isTerminal()) {
      runStep(id, Phase.ABORT, false, context);
    }
    return result(settled(id, context));
  }

  /**
   * The step that comes next on the way through {@code through}, or null when there is none: the
   * migration went through it, or stopped (preflight error, a step in error, aborted, done). In
   * live data mode the data step ends {@code data-replicating}, and finalize is the cutover.
   */
  static Phase nextStep(MigrationStatus status, Phase through) {
    return switch (status) {
      case PREFLIGHT_SUCCESS -> Phase.PREPARE;
      case PREPARED -> through == Phase.PREPARE ? null : Phase.DATA;
      case DATA_MIGRATED, DATA_REPLICATING -> through == Phase.FINALIZE ? Phase.FINALIZE : null;
      default -> null;
    };
  }

  /** The sentence that says why a migration stopped short, or null. */
  static String why(Migration m) {
    return switch (m.status()) {
      case PREFLIGHT_ERROR ->
          m.checks().isEmpty()
              ? "the preflight checks failed"
              : m.checks().get(0)
                  + (m.checks().size() > 1
                      ? " (and " + (m.checks().size() - 1) + " more failed check(s))"
                      : "");
      case ERROR ->
          m.errors().isEmpty()
              ? "the " + (m.failedPhase() == null ? "last" : m.failedPhase()) + " step failed"
              : m.errors().get(0);
      case ABORTED -> m.errors().isEmpty() ? null : "some undo steps failed: " + m.errors().get(0);
      default -> null;
    };
  }

  private static DriveResult result(Migration m) {
    return new DriveResult(m.id(), m.status(), why(m));
  }

  /**
   * Sends the step's Update (the data step's live one when {@code live}) and waits for it to end. A
   * refusal (the step already ran, another caller is running it, the migration ended) is not an
   * error: the caller reads the status again.
   */
  private void runStep(String id, Phase step, boolean live, ActivityExecutionContext context) {
    AppMigrationWorkflow migration = client.newWorkflowStub(AppMigrationWorkflow.class, id);
    UpdateOptions<Migration> accepted =
        UpdateOptions.<Migration>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build();
    WorkflowUpdateHandle<Migration> handle;
    try {
      handle =
          call(
              id,
              () ->
                  switch (step) {
                    case PREPARE -> WorkflowClient.startUpdate(migration::prepare, accepted);
                    case DATA ->
                        live
                            ? WorkflowClient.startUpdate(migration::dataLive, accepted)
                            : WorkflowClient.startUpdate(migration::data, accepted);
                    case FINALIZE ->
                        WorkflowClient.startUpdate(migration::finalizeMigration, accepted);
                    case ABORT -> WorkflowClient.startUpdate(migration::abort, accepted);
                    default -> throw new IllegalArgumentException("not a user step: " + step);
                  });
    } catch (WorkflowUpdateException e) {
      log.info("Migration {}: {} refused ({}); reading its status again", id, step, reason(e));
      return;
    }
    log.info("Migration {}: {} started", id, step);
    CompletableFuture<Migration> ended = handle.getResultAsync();
    try {
      while (true) {
        try {
          ended.get(poll.toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException e) {
          context.heartbeat(step.wireName());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof WorkflowUpdateException refused) {
            log.info("Migration {}: {} ended without a result ({})", id, step, reason(refused));
            return;
          }
          // The server or the connection failed: this attempt ends and a retry reads the status.
          throw new IllegalStateException(
              "waiting for the " + step + " step of migration " + id + " failed: " + e.getCause(),
              e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while migration " + id + " runs " + step, e);
    } finally {
      ended.cancel(true);
    }
  }

  /**
   * The migration once no step is running: polls its status while it is created, running or
   * aborting, heartbeating. A migration whose workflow closed in the middle (terminated, say) never
   * settles, so that is a permanent failure.
   */
  private Migration settled(String id, ActivityExecutionContext context) {
    while (true) {
      Migration migration = null;
      try {
        migration = status(id);
      } catch (WorkflowQueryException e) {
        // Its first workflow task has not run yet: ask again.
        log.debug("Migration {} not queryable yet: {}", id, e.getMessage());
      }
      if (migration != null && !isMoving(migration.status())) {
        return migration;
      }
      requireOpen(id, migration);
      context.heartbeat(migration == null ? "starting" : migration.status().wireName());
      sleep(poll);
    }
  }

  private static boolean isMoving(MigrationStatus status) {
    return status == MigrationStatus.CREATED
        || status == MigrationStatus.RUNNING
        || status == MigrationStatus.ABORTING;
  }

  private void requireOpen(String id, Migration migration) {
    WorkflowExecutionStatus execution =
        call(id, () -> client.newUntypedWorkflowStub(id).describe().getStatus());
    if (execution != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the workflow of migration "
              + id
              + " closed ("
              + execution.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase()
              + ") while the migration was "
              + (migration == null ? "starting" : migration.status()),
          FailureType.INVALID_REQUEST.name());
    }
  }

  private Migration status(String id) {
    return call(id, () -> client.newWorkflowStub(AppMigrationWorkflow.class, id).status());
  }

  /** Runs a client call; an unknown migration is a permanent failure, anything else is retried. */
  private static <T> T call(String id, Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowNotFoundException e) {
      throw unknown(id, e);
    } catch (WorkflowServiceException | WorkflowQueryException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw unknown(id, e);
      }
      throw e;
    }
  }

  private static ApplicationFailure unknown(String id, Exception cause) {
    return ApplicationFailure.newNonRetryableFailureWithCause(
        "no migration has the id " + id, FailureType.INVALID_REQUEST.name(), cause);
  }

  private static String reason(WorkflowUpdateException e) {
    return e.getCause() instanceof ApplicationFailure failure
        ? failure.getOriginalMessage()
        : e.getMessage();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a migration", e);
    }
  }
}
