package io.regionmove.worker;

import io.grpc.StatusRuntimeException;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.RegionsConfigException;
import io.regionmove.activities.config.UnknownRegionException;
import io.temporal.client.WorkflowClient;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a worker until the process is stopped: {@code WorkerMain [--regions a,b]}.
 *
 * <p>Regions come from the file named by {@code REGIONMOVE_REGIONS}, backups go to {@code
 * REGIONMOVE_BACKUP_DIR}, Temporal is reached through the SDK's environment configuration. On
 * SIGTERM or Ctrl-C the worker shuts down gracefully. Exit status: 2 for a usage or configuration
 * error, 3 when Temporal cannot be reached.
 */
public final class WorkerMain {

  static final int EXIT_USAGE = 2;
  static final int EXIT_UNREACHABLE = 3;

  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) {
    Set<String> regionNames;
    try {
      regionNames = parseRegions(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    Regions regions;
    try {
      regions = Regions.fromEnvironment();
    } catch (RegionsConfigException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    WorkflowClient client;
    try {
      client = TemporalClients.fromEnvironment();
    } catch (TemporalUnreachableException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_UNREACHABLE);
      return;
    } catch (UncheckedIOException | IllegalArgumentException e) {
      // An unreadable TEMPORAL_CONFIG_FILE, a TEMPORAL_PROFILE it does not define, a bad TLS file.
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
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
          RegionmoveWorker.start(client, regions, new RegionmoveWorker.Options(regionNames, null));
    } catch (UnknownRegionException e) {
      System.err.println(e.getMessage());
      client.getWorkflowServiceStubs().shutdownNow();
      System.exit(EXIT_USAGE);
      return;
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
                "regionmove-worker-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The regions named by {@code --regions a,b} (or {@code --regions=a,b}); empty for all. */
  static Set<String> parseRegions(String[] args) {
    Set<String> regions = new LinkedHashSet<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value;
      if (arg.equals("--regions")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(
              "--regions needs a value, such as --regions agora-fr1,osc-fr1.");
        }
        value = args[++i];
      } else if (arg.startsWith("--regions=")) {
        value = arg.substring("--regions=".length());
      } else {
        throw new IllegalArgumentException(
            "Unknown argument '" + arg + "'; usage: worker [--regions REGION,REGION...].");
      }
      Arrays.stream(value.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .forEach(regions::add);
    }
    return regions;
  }
}
