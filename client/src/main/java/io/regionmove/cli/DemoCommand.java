package io.regionmove.cli;

import io.regionmove.activities.config.Regions;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.SampleApp;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Starts a fresh embedded stack, migrates the sample app (create, prepare, data, finalize) and checks the data.")
final class DemoCommand implements Callable<Integer> {

  static final String APP = "my-app";

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description =
          "A scratch directory, emptied first (default: .regionmove/demo under REGIONMOVE_HOME).")
  Path home;

  @Option(
      names = "--temporal-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "0 for a free port (default).")
  int temporalPort;

  @Option(
      names = "--ui-port",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "0 for a free port (default).")
  int uiPort;

  @Option(
      names = "--api-port-base",
      paramLabel = "PORT",
      defaultValue = "0",
      description = "0 for free ports (default).")
  int apiPortBase;

  @Option(
      names = "--embedded-temporal",
      description = "Use the in-JVM Temporal test server even when the temporal CLI is installed.")
  boolean embeddedTemporal;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "" + SampleApp.DEFAULT_ROWS)
  int rows;

  @Option(names = "--keep", description = "Keep the scratch directory afterwards.")
  boolean keep;

  @Override
  public Integer call() {
    Console console = root.console();
    Path dir =
        (home == null ? RegionmoveCli.home().resolve("demo") : home).toAbsolutePath().normalize();
    deleteRecursively(dir);
    int code;
    try (DevStack stack =
        DevStack.start(
            new DevStack.Options(
                dir, temporalPort, uiPort, apiPortBase, embeddedTemporal, APP, rows, false),
            console)) {
      stack.describe(console);
      code = migrate(stack, console);
    }
    if (!keep) {
      deleteRecursively(dir);
    }
    return code;
  }

  private int migrate(DevStack stack, Console console) {
    MigrationClient client =
        new MigrationClient(
            stack.temporal().client(), new MigrationIndex(stack.home().resolve("migrations.json")));
    MigrationActions actions = new MigrationActions(client, console, false);
    Regions regions = stack.regions();

    command(
        console,
        NextCommands.base(DevStack.SOURCE, APP) + " migration-create --to " + DevStack.DESTINATION);
    Migration m = actions.create(APP, DevStack.SOURCE, DevStack.DESTINATION, null);
    if (actions.reportCreate(m) != ExitCodes.OK) {
      return ExitCodes.FAILED;
    }
    for (Step step : List.of(Step.PREPARE, Step.DATA, Step.FINALIZE)) {
      command(console, NextCommands.run(m, step.wireName()));
      m = actions.run(m.id(), step);
      if (actions.report(m) != ExitCodes.OK) {
        return ExitCodes.FAILED;
      }
    }
    if (m.status() != MigrationStatus.DONE) {
      console.error("The demo migration ended " + m.status() + " instead of done.");
      return ExitCodes.FAILED;
    }

    console.println("");
    console.println(
        console.bold("Data integrity (" + DevStack.SOURCE + " → " + DevStack.DESTINATION + ")"));
    String sourceUrl =
        new RegionAccess(regions.get(DevStack.SOURCE))
            .postgresqlUrl(APP)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.FAILED, "The source app has no postgresql addon to compare."));
    String destinationUrl =
        new RegionAccess(regions.get(DevStack.DESTINATION))
            .postgresqlUrl(m.newName())
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.FAILED,
                        "The destination app has no postgresql addon; the data was not migrated."));
    List<DataIntegrity.Line> lines = DataIntegrity.compare(sourceUrl, destinationUrl);
    DataIntegrity.print(console, lines);
    long rowsMoved =
        lines.stream()
            .filter(l -> l.destination() != null)
            .mapToLong(l -> l.destination().rows())
            .sum();
    if (lines.isEmpty() || lines.stream().anyMatch(l -> !l.matches())) {
      console.error("The migrated data differs from the source; see the table above.");
      return ExitCodes.FAILED;
    }
    console.println(
        "All "
            + lines.size()
            + " tables match ("
            + rowsMoved
            + " rows, same row counts and checksums). Demo succeeded.");
    return ExitCodes.OK;
  }

  private static void command(Console console, String line) {
    console.println("");
    console.println(console.bold("$ " + line));
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED, "Cannot empty " + dir + ": " + e.getMessage() + ".", e);
    }
  }
}
