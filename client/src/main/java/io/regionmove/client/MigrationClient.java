package io.regionmove.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.regionmove.model.DryRunRequest;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationPlan;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.ScheduledStep;
import io.regionmove.workflows.AppMigrationLockWorkflow;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.MigrationDryRunWorkflow;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.SearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.failure.TimeoutFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Java API over {@link WorkflowClient} for migrations: start one, drive its steps with
 * Updates, read it with the {@code status} query, list the migrations of an app.
 *
 * <p>Steps are split in two calls so a caller can show progress while a step runs: {@link
 * #startStep} returns once the workflow has accepted (validated) the step, {@link StepHandle#await}
 * once it has ended. {@link #prepare} and the others do both.
 */
public final class MigrationClient {

  /** A step the workflow accepted and that is running. */
  public interface StepHandle {
    Migration await();
  }

  /** The user steps, named as the Updates and the CLI flags are. */
  public enum Step {
    PREPARE("prepare"),
    DATA("data"),
    /** The data step in live mode: {@code migration-run --data --live}. */
    DATA_LIVE("data-live"),
    FINALIZE("finalize"),
    ABORT("abort"),
    ROLLBACK("rollback");

    private final String wireName;

    Step(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }
  }

  private static final Logger log = LoggerFactory.getLogger(MigrationClient.class);
  private static final Duration PREFLIGHT_POLL = Duration.ofMillis(300);
  private static final int MAX_PARALLEL_QUERIES = 8;

  /** A dry run left without a worker ends by itself after this long: nothing is left running. */
  static final Duration DRY_RUN_TIMEOUT = Duration.ofMinutes(10);

  private final WorkflowClient client;
  private final MigrationIndex index;

  public MigrationClient(WorkflowClient client, MigrationIndex index) {
    this.client = client;
    this.index = index;
  }

  public WorkflowClient workflowClient() {
    return client;
  }

  /**
   * Starts a migration (its preflight checks run at once) and returns its id. Search attributes are
   * set at start, so the migration is listed before its first workflow task runs.
   */
  public String create(
      String app, String source, String destination, String newName, MigrationSettings settings) {
    return create(app, source, destination, newName, settings, List.of());
  }

  /**
   * Starts a migration whose status changes are POSTed to {@code notifyUrls} (SPEC §10), and
   * returns its id.
   */
  public String create(
      String app,
      String source,
      String destination,
      String newName,
      MigrationSettings settings,
      List<String> notifyUrls) {
    return create(app, source, destination, newName, settings, notifyUrls, List.of());
  }

  /**
   * Starts a migration whose addons named in {@code manualData} are provisioned empty: the user
   * moves their data by hand (SPEC §8).
   */
  public String create(
      String app,
      String source,
      String destination,
      String newName,
      MigrationSettings settings,
      List<String> notifyUrls,
      List<String> manualData) {
    String id = UUID.randomUUID().toString();
    MigrationRequest request =
        new MigrationRequest(
            id, app, newName, source, destination, settings, notifyUrls, manualData);
    WorkflowOptions options =
        WorkflowOptions.newBuilder()
            .setWorkflowId(AppMigrationWorkflow.workflowId(id))
            .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
            .setTypedSearchAttributes(
                SearchAttributes.newBuilder()
                    .set(MigrationSearchAttributes.APP, app)
                    .set(MigrationSearchAttributes.SOURCE, source)
                    .set(MigrationSearchAttributes.DESTINATION, destination)
                    .set(MigrationSearchAttributes.STATUS, MigrationStatus.CREATED.wireName())
                    .build())
            .setStaticSummary("Migrate " + app + ": " + source + " → " + destination)
            .setStaticDetails(MigrationTexts.staticDetails(id, app, source, destination, newName))
            .build();
    AppMigrationWorkflow workflow = client.newWorkflowStub(AppMigrationWorkflow.class, options);
    WorkflowClient.start(workflow::run, request);
    try {
      index.add(new MigrationIndex.Entry(id, app, source, destination));
    } catch (java.io.UncheckedIOException e) {
      // The index only serves servers without visibility; the migration runs without it.
      log.warn("Migration {} not added to the local index: {}", id, e.getMessage());
    }
    log.info("Started migration {} of {} from {} to {}", id, app, source, destination);
    return id;
  }

  /**
   * Runs a dry run of a migration (SPEC §10) and returns its plan once it has ended: every
   * preflight check, and what the migration would move. It is its own short workflow ({@link
   * MigrationDryRunWorkflow}, id {@code dryrun-<uuid>}): it takes no lock, is not in the local
   * index nor listed with the app's migrations, and has ended when this returns.
   */
  public MigrationPlan dryRun(
      String app,
      String source,
      String destination,
      String newName,
      List<String> manualData,
      boolean live,
      MigrationSettings settings) {
    String id = MigrationDryRunWorkflow.workflowId(UUID.randomUUID().toString());
    MigrationRequest request =
        new MigrationRequest(
            id, app, newName, source, destination, settings, List.of(), manualData);
    MigrationDryRunWorkflow workflow =
        client.newWorkflowStub(
            MigrationDryRunWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                .setWorkflowExecutionTimeout(DRY_RUN_TIMEOUT)
                .setStaticSummary("Dry run: migrate " + app + ": " + source + " → " + destination)
                .build());
    log.info("Dry run {} of {} from {} to {}", id, app, source, destination);
    try {
      return workflow.run(new DryRunRequest(request, live));
    } catch (WorkflowFailedException e) {
      if (e.getCause() instanceof TimeoutFailure) {
        throw new IllegalStateException(
            "The dry run "
                + id
                + " did not end within "
                + DRY_RUN_TIMEOUT.toMinutes()
                + " minutes; is a worker running (regionmove worker or regionmove dev)?",
            e);
      }
      throw e;
    }
  }

  /**
   * Starts a step: returns once the workflow accepted it; a refusal is a {@link
   * MigrationRejectedException}.
   */
  public StepHandle startStep(String id, Step step) {
    AppMigrationWorkflow workflow = stub(id);
    UpdateOptions<Migration> options =
        UpdateOptions.<Migration>newBuilder().setWaitForStage(WorkflowUpdateStage.ACCEPTED).build();
    WorkflowUpdateHandle<Migration> handle;
    try {
      handle =
          call(
              id,
              () ->
                  switch (step) {
                    case PREPARE -> WorkflowClient.startUpdate(workflow::prepare, options);
                    case DATA -> WorkflowClient.startUpdate(workflow::data, options);
                    case DATA_LIVE -> WorkflowClient.startUpdate(workflow::dataLive, options);
                    case FINALIZE ->
                        WorkflowClient.startUpdate(workflow::finalizeMigration, options);
                    case ABORT -> WorkflowClient.startUpdate(workflow::abort, options);
                    case ROLLBACK -> WorkflowClient.startUpdate(workflow::rollback, options);
                  });
    } catch (MigrationNotFoundException e) {
      // A closed workflow takes no update; say why in the validator's words when it exists.
      throw new MigrationRejectedException(MigrationTexts.closedRefusal(step, status(id)), e);
    }
    return () -> call(id, handle::getResult);
  }

  /**
   * Schedules {@code step} ({@link Step#DATA} or {@link Step#FINALIZE}) to run at {@code at},
   * replacing the step scheduled before; returns at once. A step that may not run now is refused
   * with a {@link MigrationRejectedException}, as when it is run at once.
   */
  public Migration schedule(String id, Step step, Instant at) {
    ScheduledStep asked = new ScheduledStep(Phase.fromWireName(step.wireName()), at);
    try {
      return call(id, () -> stub(id).schedule(asked));
    } catch (MigrationNotFoundException e) {
      Migration closed = status(id);
      throw new MigrationRejectedException(
          "Cannot schedule " + step.wireName() + ": the migration is " + closed.status() + ".", e);
    }
  }

  public Migration prepare(String id) {
    return startStep(id, Step.PREPARE).await();
  }

  public Migration data(String id) {
    return startStep(id, Step.DATA).await();
  }

  /** The data step in live mode; returns at {@code data-replicating} (or an error). */
  public Migration dataLive(String id) {
    return startStep(id, Step.DATA_LIVE).await();
  }

  public Migration finalize(String id) {
    return startStep(id, Step.FINALIZE).await();
  }

  public Migration abort(String id) {
    return startStep(id, Step.ABORT).await();
  }

  /**
   * Rolls a done migration back within its redirect window (SPEC §10); refused with a {@link
   * MigrationRejectedException} in any other state and once the old app is deleted.
   */
  public Migration rollback(String id) {
    return startStep(id, Step.ROLLBACK).await();
  }

  /** The migration as the workflow sees it now. */
  public Migration status(String id) {
    return call(id, () -> stub(id).status());
  }

  /**
   * The migration once its preflight has ended. The workflow may not have run its first task yet,
   * so a query that finds no state is retried until {@code timeout}.
   */
  public Migration awaitPreflight(
      String id, java.util.function.Consumer<Migration> progress, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Migration migration = null;
      try {
        migration = status(id);
        progress.accept(migration);
      } catch (WorkflowQueryException e) {
        log.debug("Migration {} not queryable yet: {}", id, e.getMessage());
      }
      if (migration != null
          && migration.status() != MigrationStatus.CREATED
          && migration.status() != MigrationStatus.RUNNING) {
        return migration;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The preflight checks of migration "
                + id
                + " did not end within "
                + timeout.toSeconds()
                + " s; is a worker running (regionmove worker or regionmove dev)?");
      }
      sleep(PREFLIGHT_POLL);
    }
  }

  /**
   * The migration's running activities in the order they were scheduled, with their progress
   * (heartbeat details decoded by the client's data converter, so also when payloads are encrypted)
   * and, when retried, why the previous attempt failed.
   */
  public List<PendingActivity> pendingActivities(String id) {
    List<PendingActivityInfo> infos =
        call(
            id,
            () ->
                client
                    .newUntypedWorkflowStub(AppMigrationWorkflow.workflowId(id))
                    .describe()
                    .getRawDescription()
                    .getPendingActivitiesList());
    return PendingActivities.of(infos, client.getOptions().getDataConverter());
  }

  public WorkflowExecutionHistory fetchHistory(String id) {
    return call(id, () -> client.fetchHistory(AppMigrationWorkflow.workflowId(id)));
  }

  /** The migrations of {@code app} in {@code source}, oldest first. */
  public List<Migration> list(String app, String source) {
    List<String> ids;
    try {
      String query =
          "WorkflowType=\""
              + AppMigrationWorkflow.WORKFLOW_TYPE
              + "\" AND "
              + MigrationSearchAttributes.APP.getName()
              + "=\""
              + quote(app)
              + "\" AND "
              + MigrationSearchAttributes.SOURCE.getName()
              + "=\""
              + quote(source)
              + "\"";
      ids =
          client
              .listExecutions(query)
              .map(WorkflowExecutionMetadata::getExecution)
              .map(e -> e.getWorkflowId())
              .distinct()
              .toList();
    } catch (RuntimeException e) {
      if (!isUnimplemented(e)) {
        throw e;
      }
      log.debug("The server has no visibility queries; reading the local index {}", index.file());
      ids = index.find(app, source).stream().map(MigrationIndex.Entry::id).toList();
    }
    List<Migration> migrations = statuses(ids);
    migrations.sort(
        Comparator.comparing(
            Migration::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
    return migrations;
  }

  /**
   * The status of each migration, queried all at once: an app's list costs one round trip, not one
   * per migration. Migrations gone from the server are left out.
   */
  private List<Migration> statuses(List<String> ids) {
    if (ids.size() <= 1) {
      return ids.stream()
          .map(this::statusIfFound)
          .flatMap(Optional::stream)
          .collect(Collectors.toCollection(ArrayList::new));
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(ids.size(), MAX_PARALLEL_QUERIES));
    try {
      List<CompletableFuture<Optional<Migration>>> queries =
          ids.stream()
              .map(id -> CompletableFuture.supplyAsync(() -> statusIfFound(id), pool))
              .toList();
      List<Migration> migrations = new ArrayList<>();
      for (CompletableFuture<Optional<Migration>> query : queries) {
        try {
          query.join().ifPresent(migrations::add);
        } catch (CompletionException e) {
          throw e.getCause() instanceof RuntimeException r ? r : e;
        }
      }
      return migrations;
    } finally {
      pool.shutdownNow();
    }
  }

  private Optional<Migration> statusIfFound(String id) {
    try {
      return Optional.of(status(id));
    } catch (MigrationNotFoundException e) {
      log.debug("Migration {} from the index is gone from the server", id);
      return Optional.empty();
    }
  }

  /** The id of the migration holding the per-app lock of {@code app} in {@code source}, if any. */
  public Optional<String> runningMigrationOf(String app, String source) {
    try {
      WorkflowExecutionDescription description =
          client.newUntypedWorkflowStub(AppMigrationLockWorkflow.lockId(source, app)).describe();
      if (description.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || description.getParentExecution() == null) {
        return Optional.empty();
      }
      return Optional.of(description.getParentExecution().getWorkflowId());
    } catch (WorkflowNotFoundException e) {
      return Optional.empty();
    }
  }

  private AppMigrationWorkflow stub(String id) {
    return client.newWorkflowStub(AppMigrationWorkflow.class, AppMigrationWorkflow.workflowId(id));
  }

  /** Runs a client call, turning Temporal's failures into this API's exceptions. */
  private <T> T call(String id, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (WorkflowUpdateException e) {
      throw new MigrationRejectedException(MigrationTexts.sentence(e), e);
    } catch (WorkflowNotFoundException e) {
      throw new MigrationNotFoundException(id, e);
    } catch (WorkflowServiceException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new MigrationNotFoundException(id, e);
      }
      throw e;
    } catch (WorkflowQueryException e) {
      if (e.getCause() instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw new MigrationNotFoundException(id, e);
      }
      throw e;
    }
  }

  static boolean isUnimplemented(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s
          && s.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return true;
      }
    }
    return false;
  }

  private static String quote(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the migration.", e);
    }
  }
}
