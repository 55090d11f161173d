package io.regionmove.cli;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.config.RegionsConfigException;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationIndex;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the migration commands share: the Temporal client, the regions file, the console, made on
 * first use.
 */
final class Session implements AutoCloseable {

  private final Path home;
  private final Console console;
  private final Supplier<WorkflowClient> connect;
  private final boolean ownsClient;
  private WorkflowClient workflowClient;

  /** With {@code connect} making the Temporal client on first use; closing shuts it down. */
  Session(Path home, Console console, Supplier<WorkflowClient> connect) {
    this(home, console, connect, true);
  }

  /**
   * @param ownsClient false when {@code connect} hands out a client that outlives the command (the
   *     CLI daemon's): closing then leaves it open
   */
  Session(Path home, Console console, Supplier<WorkflowClient> connect, boolean ownsClient) {
    this.home = home;
    this.console = console;
    this.connect = connect;
    this.ownsClient = ownsClient;
  }

  Path home() {
    return home;
  }

  Console console() {
    return console;
  }

  WorkflowClient temporal() {
    if (workflowClient == null) {
      workflowClient = connect.get();
    }
    return workflowClient;
  }

  MigrationClient migrations() {
    return new MigrationClient(temporal(), new MigrationIndex(home.resolve("migrations.json")));
  }

  /**
   * The regions file named by REGIONMOVE_REGIONS, else {@code <home>/regions.json} when {@code
   * regionmove dev} wrote one; empty when there is neither.
   */
  Optional<Regions> regions() {
    String named = System.getenv(Regions.ENV);
    if (named != null && !named.isBlank()) {
      return Optional.of(loadRegions(Path.of(named)));
    }
    Path local = home.resolve("regions.json");
    return Files.exists(local) ? Optional.of(loadRegions(local)) : Optional.empty();
  }

  Regions requireRegions() {
    return regions()
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.USAGE,
                    Regions.ENV
                        + " is not set and "
                        + home.resolve("regions.json")
                        + " does not exist; start `regionmove dev` or point "
                        + Regions.ENV
                        + " at a regions file."));
  }

  RegionConfig region(Regions regions, String name) {
    return regions
        .find(name)
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.FAILED,
                    "Region "
                        + name
                        + " is not configured; the known regions are "
                        + String.join(", ", regions.names())
                        + "."));
  }

  private static Regions loadRegions(Path file) {
    try {
      return Regions.load(file);
    } catch (RegionsConfigException e) {
      throw new CliException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (workflowClient != null && ownsClient) {
      workflowClient.getWorkflowServiceStubs().shutdown();
    }
  }
}
