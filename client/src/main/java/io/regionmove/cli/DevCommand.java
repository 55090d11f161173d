package io.regionmove.cli;

import io.regionmove.sandbox.SampleApp;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description =
        "Runs the embedded stack (Temporal, two sandbox regions, PostgreSQL, a worker, the sample app) until Ctrl-C.")
final class DevCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "State directory (default: REGIONMOVE_HOME or .regionmove).")
  Path home;

  @Option(
      names = "--temporal-port",
      paramLabel = "PORT",
      defaultValue = "7233",
      description =
          "Temporal's gRPC port, 0 for a free one (default: ${DEFAULT-VALUE}); unused when"
              + " TEMPORAL_ADDRESS names a server.")
  int temporalPort;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "8233",
      description = "Temporal Web's port, 0 for a free one (default: ${DEFAULT-VALUE}).")
  int uiPort;

  @Option(
      names = "--api-port-base",
      paramLabel = "PORT",
      defaultValue = "8701",
      description =
          "agora-fr1's port; osc-fr1 gets the next one; 0 for free ports (default: ${DEFAULT-VALUE}).")
  int apiPortBase;

  @Option(
      names = "--embedded-temporal",
      description = "Use the in-JVM Temporal test server even when the temporal CLI is installed.")
  boolean embeddedTemporal;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "" + SampleApp.DEFAULT_ROWS,
      description = "Rows of sample data in my-app (default: ${DEFAULT-VALUE}).")
  int rows;

  @Override
  public Integer call() throws InterruptedException {
    Console console = root.console();
    DevStack stack =
        DevStack.start(
            new DevStack.Options(
                home == null ? RegionmoveCli.home() : home,
                temporalPort,
                uiPort,
                apiPortBase,
                embeddedTemporal,
                "my-app",
                rows,
                useTemporalAddress()),
            console);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping the dev stack ...");
                  stack.close();
                  stopped.countDown();
                },
                "regionmove-dev-stop"));
    stack.describe(console);
    console.println("regionmove dev is ready; press Ctrl-C to stop.");
    stopped.await();
    return ExitCodes.OK;
  }

  /**
   * With TEMPORAL_ADDRESS set, dev uses that server (a cluster, Temporal Cloud) instead of its own.
   */
  private static boolean useTemporalAddress() {
    String address = System.getenv("TEMPORAL_ADDRESS");
    return address != null && !address.isBlank();
  }
}
