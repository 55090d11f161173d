package io.regionmove.cli;

import io.grpc.StatusRuntimeException;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.UnknownRegionException;
import io.regionmove.worker.RegionmoveWorker;
import io.regionmove.worker.TemporalClients;
import io.temporal.client.WorkflowClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Runs a worker: the migrations task queue and the activity queues of the regions named.")
final class WorkerCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--regions",
      split = ",",
      paramLabel = "REGION",
      description =
          "The regions whose activity queues to poll (default: every region of the regions file).")
  List<String> regions;

  @Option(
      names = "--migrations-only",
      description =
          "Poll only the migrations task queue (the workflows), no region's activity queue; needs"
              + " no regions file.")
  boolean migrationsOnly;

  @Override
  public Integer call() throws InterruptedException {
    if (migrationsOnly && regions != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "--migrations-only and --regions exclude each other: a migrations-only worker polls no"
              + " region's queue.");
    }
    Session session = root.session();
    Regions configured = migrationsOnly ? Regions.of() : session.requireRegions();
    WorkflowClient client = TemporalClients.fromEnvironment();
    try {
      TemporalClients.registerSearchAttributes(client);
    } catch (StatusRuntimeException e) {
      LoggerFactory.getLogger(WorkerCommand.class)
          .warn("Could not register the search attributes: {}", e.getStatus());
    }
    RegionmoveWorker worker;
    try {
      worker =
          RegionmoveWorker.start(
              client,
              configured,
              migrationsOnly
                  ? RegionmoveWorker.Options.migrationsQueueOnly()
                  : new RegionmoveWorker.Options(
                      regions == null ? null : new LinkedHashSet<>(regions), null));
    } catch (UnknownRegionException e) {
      client.getWorkflowServiceStubs().shutdownNow();
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  client.getWorkflowServiceStubs().shutdown();
                  stopped.countDown();
                },
                "regionmove-worker-stop"));
    root.console()
        .println(
            worker.regions().isEmpty()
                ? "Worker running: task queue regionmove-migrations only (no region's activity"
                    + " queue)."
                : "Worker running: task queue regionmove-migrations and the activity queues of "
                    + String.join(", ", worker.regions())
                    + " (backups in "
                    + worker.backupDir()
                    + ").");
    root.console().println("Press Ctrl-C to stop.");
    stopped.await();
    return ExitCodes.OK;
  }
}
