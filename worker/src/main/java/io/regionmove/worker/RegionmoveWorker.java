package io.regionmove.worker;

import io.regionmove.activities.batch.BatchActivitiesImpl;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.CopyRate;
import io.regionmove.activities.data.DataActivitiesImpl;
import io.regionmove.activities.data.DataOptions;
import io.regionmove.activities.data.DirectoryBackupStore;
import io.regionmove.activities.data.Engines;
import io.regionmove.activities.data.live.LiveDataActivitiesImpl;
import io.regionmove.activities.data.live.LiveOptions;
import io.regionmove.activities.notify.WebhookNotifications;
import io.regionmove.activities.region.RegionActivitiesImpl;
import io.regionmove.activities.region.RegionAddonDatabases;
import io.regionmove.regionapi.RegionClient;
import io.regionmove.workflows.AppMigrationLockWorkflowImpl;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.AppMigrationWorkflowImpl;
import io.regionmove.workflows.MigrationBatchWorkflowImpl;
import io.regionmove.workflows.MigrationDryRunWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running regionmove worker: one {@link WorkerFactory} polling the migrations task queue (the
 * migration, lock, batch and dry-run workflows, the batch's driver activities and the webhook
 * notifications) and, for each region it serves, that region's activity task queue (region, data
 * and live data activities). Both kinds of activities share the worker's data {@link Engines}: the
 * source check says an addon's data is moved by an engine only when this worker has one for it.
 *
 * <p>The activities of a region's queue may reach every configured region (a preflight on the
 * source checks the destination), so they are built over all of {@link Regions}; {@link
 * Options#regions()} only chooses which queues this worker polls.
 */
public final class RegionmoveWorker implements AutoCloseable {

  /** How long {@link #close} lets running tasks end before interrupting them. */
  static final Duration GRACEFUL_SHUTDOWN = Duration.ofSeconds(20);

  private static final Duration FORCED_SHUTDOWN = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(RegionmoveWorker.class);

  /**
   * @param regions the regions whose activity queues this worker polls; empty for all in {@link
   *     Regions}
   * @param backupDir where backups are kept; null for {@code REGIONMOVE_BACKUP_DIR}, else {@code
   *     .regionmove/backups}
   * @param interceptors worker interceptors, outermost first (tests use one to crash the worker at
   *     chosen points); empty for none
   * @param migrationsOnly poll the migrations task queue only (the workflows, the batch's and the
   *     webhooks' activities), no region's activity queue; {@code regions} must then be empty
   */
  public record Options(
      Set<String> regions,
      Path backupDir,
      List<WorkerInterceptor> interceptors,
      boolean migrationsOnly) {

    public Options {
      regions =
          regions == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(regions));
      interceptors = interceptors == null ? List.of() : List.copyOf(interceptors);
      if (migrationsOnly && !regions.isEmpty()) {
        throw new IllegalArgumentException(
            "A migrations-only worker polls no region's queue; it cannot also serve "
                + String.join(", ", regions)
                + ".");
      }
    }

    /** Region queues as asked, with these interceptors. */
    public Options(Set<String> regions, Path backupDir, List<WorkerInterceptor> interceptors) {
      this(regions, backupDir, interceptors, false);
    }

    /** No interceptors. */
    public Options(Set<String> regions, Path backupDir) {
      this(regions, backupDir, List.of());
    }

    /** Every configured region, backups where the environment says. */
    public static Options defaults() {
      return new Options(Set.of(), null);
    }

    /** The migrations task queue only: the workflows, no region's activity. */
    public static Options migrationsQueueOnly() {
      return new Options(Set.of(), null, List.of(), true);
    }
  }

  private final WorkerFactory factory;
  private final Set<String> regions;
  private final Path backupDir;
  private boolean closed;

  private RegionmoveWorker(WorkerFactory factory, Set<String> regions, Path backupDir) {
    this.factory = factory;
    this.regions = regions;
    this.backupDir = backupDir;
  }

  /**
   * Registers the workflows and activities and starts polling.
   *
   * @throws io.regionmove.activities.config.UnknownRegionException when a region asked for is not
   *     in {@code regions}
   * @throws IllegalArgumentException when {@value CopyRate#VARIABLE} is not a number of seconds
   */
  public static RegionmoveWorker start(WorkflowClient client, Regions regions, Options options) {
    Options opts = options == null ? Options.defaults() : options;
    Set<String> served = new LinkedHashSet<>();
    if (!opts.migrationsOnly() && opts.regions().isEmpty()) {
      served.addAll(regions.names());
    }
    for (String name : opts.regions()) {
      served.add(regions.get(name).name());
    }

    WorkerFactory factory =
        WorkerFactory.newInstance(
            client,
            WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(opts.interceptors().toArray(new WorkerInterceptor[0]))
                .build());
    Worker migrations = factory.newWorker(AppMigrationWorkflow.TASK_QUEUE);
    migrations.registerWorkflowImplementationTypes(
        AppMigrationWorkflowImpl.class,
        AppMigrationLockWorkflowImpl.class,
        MigrationBatchWorkflowImpl.class,
        MigrationDryRunWorkflowImpl.class);
    // A batch drives its migrations through their Updates, with this worker's client.
    migrations.registerActivitiesImplementations(new BatchActivitiesImpl(client));
    WebhookNotifications notifications = WebhookNotifications.fromEnvironment();
    migrations.registerActivitiesImplementations(notifications);
    if (!notifications.hasSecret()) {
      log.warn(
          "{} is not set: webhooks of migrations created with --notify are not sent (they are only"
              + " sent signed) until a worker has it",
          WebhookNotifications.SECRET_ENV);
    }
    Path backupRoot = null;
    if (!served.isEmpty()) {
      DirectoryBackupStore store =
          opts.backupDir() == null
              ? DirectoryBackupStore.fromEnvironment()
              : new DirectoryBackupStore(opts.backupDir());
      backupRoot = store.root();
      DataOptions dataOptions = DataOptions.defaults();
      Engines engines =
          Engines.standard(
              new RegionAddonDatabases(regions, RegionClient::new), store, null, dataOptions);
      RegionActivitiesImpl regionActivities =
          new RegionActivitiesImpl(regions, RegionClient::new, engines, CopyRate.fromEnvironment());
      DataActivitiesImpl dataActivities =
          new DataActivitiesImpl(engines, dataOptions.heartbeatInterval());
      LiveDataActivitiesImpl liveActivities =
          new LiveDataActivitiesImpl(
              regions,
              RegionClient::new,
              new RegionAddonDatabases(regions, RegionClient::new),
              null,
              LiveOptions.defaults());
      for (String region : served) {
        Worker worker = factory.newWorker(AppMigrationWorkflow.regionTaskQueue(region));
        worker.registerActivitiesImplementations(regionActivities, dataActivities, liveActivities);
      }
    }
    factory.start();
    if (served.isEmpty()) {
      log.info("Worker started: task queue {} only", AppMigrationWorkflow.TASK_QUEUE);
    } else {
      log.info(
          "Worker started: task queue {} and the activity queues of {} (backups in {})",
          AppMigrationWorkflow.TASK_QUEUE,
          String.join(", ", served),
          backupRoot);
    }
    return new RegionmoveWorker(factory, Collections.unmodifiableSet(served), backupRoot);
  }

  /** The regions whose activity queues this worker polls; empty for a migrations-only worker. */
  public Set<String> regions() {
    return regions;
  }

  /** The directory backups are kept in; null for a migrations-only worker. */
  public Path backupDir() {
    return backupDir;
  }

  /**
   * Stops polling, lets running tasks end for up to {@link #GRACEFUL_SHUTDOWN}, then interrupts
   * what still runs (a heartbeating data activity then kills its tool). Safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Worker stopping");
    factory.shutdown();
    factory.awaitTermination(GRACEFUL_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    if (!factory.isTerminated()) {
      log.warn("Tasks still running after {} s; interrupting them", GRACEFUL_SHUTDOWN.toSeconds());
      factory.shutdownNow();
      factory.awaitTermination(FORCED_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("Worker stopped");
  }
}
