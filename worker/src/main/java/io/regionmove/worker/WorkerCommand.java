package io.regionmove.worker;

import io.grpc.StatusRuntimeException;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.RegionsConfigException;
import io.regionmove.activities.config.UnknownRegionException;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code worker [--regions a,b | --migrations-only]}: runs a worker until the process is stopped
 * (SIGTERM or Ctrl-C shut it down gracefully), then returns 0. Temporal is reached through the
 * SDK's environment configuration, backups go to {@code REGIONMOVE_BACKUP_DIR}. A configuration
 * error is one sentence on stderr and exit code {@value #EXIT_USAGE}; a Temporal server that does
 * not answer, {@value #EXIT_UNREACHABLE}.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Runs a worker: the migrations task queue and the activity queues of the regions named.")
public final class WorkerCommand implements Callable<Integer> {

  public static final int EXIT_USAGE = 2;
  public static final int EXIT_UNREACHABLE = 3;

  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  @Spec CommandSpec spec;

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

  private final Supplier<Regions> regionsFile;

  /** Reads the regions from the file named by {@value Regions#ENV}. */
  public WorkerCommand() {
    this(Regions::fromEnvironment);
  }

  /**
   * @param regionsFile the configured regions; may throw {@link RegionsConfigException}
   */
  public WorkerCommand(Supplier<Regions> regionsFile) {
    this.regionsFile = regionsFile;
  }

  /** The regions named by {@code --regions}, trimmed, in order; empty for all. */
  Set<String> regionNames() {
    Set<String> names = new LinkedHashSet<>();
    if (regions != null) {
      regions.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(names::add);
    }
    return names;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    if (migrationsOnly && regions != null) {
      err.println(
          "--migrations-only and --regions exclude each other: a migrations-only worker polls no"
              + " region's queue.");
      return EXIT_USAGE;
    }
    Regions configured;
    try {
      configured = migrationsOnly ? Regions.of() : regionsFile.get();
    } catch (RegionsConfigException e) {
      err.println(e.getMessage());
      return EXIT_USAGE;
    }
    WorkflowClient client;
    try {
      client = TemporalClients.fromEnvironment();
    } catch (TemporalUnreachableException e) {
      err.println(e.getMessage());
      return EXIT_UNREACHABLE;
    } catch (UncheckedIOException | IllegalArgumentException e) {
      // An unreadable TEMPORAL_CONFIG_FILE, a TEMPORAL_PROFILE it does not define, a bad TLS file,
      // a bad encryption key.
      err.println(e.getMessage());
      return EXIT_USAGE;
    }
    try {
      TemporalClients.registerSearchAttributes(client);
    } catch (StatusRuntimeException e) {
      log.warn(
          "Could not register the search attributes ({}); register them with"
              + " `temporal operator search-attribute create` if migrations fail to start",
          e.getStatus());
    }
    RegionmoveWorker worker;
    try {
      worker =
          RegionmoveWorker.start(
              client,
              configured,
              migrationsOnly
                  ? RegionmoveWorker.Options.migrationsQueueOnly()
                  : new RegionmoveWorker.Options(regionNames(), null));
    } catch (UnknownRegionException | IllegalArgumentException e) {
      // A region not in the file; a bad REGIONMOVE_DATA_SECONDS_PER_GB.
      client.getWorkflowServiceStubs().shutdownNow();
      err.println(e.getMessage());
      return EXIT_USAGE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  worker.close();
                  client.getWorkflowServiceStubs().shutdown();
                  client.getWorkflowServiceStubs().awaitTermination(2, TimeUnit.SECONDS);
                  stopped.countDown();
                },
                "regionmove-worker-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        worker.regions().isEmpty()
            ? "Worker running: task queue regionmove-migrations only (no region's activity queue)."
            : "Worker running: task queue regionmove-migrations and the activity queues of "
                + String.join(", ", worker.regions())
                + " (backups in "
                + worker.backupDir()
                + ").");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    return 0;
  }
}
