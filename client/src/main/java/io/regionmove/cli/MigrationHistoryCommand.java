package io.regionmove.cli;

import io.temporal.common.WorkflowExecutionHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-history",
    mixinStandardHelpOptions = true,
    description =
        "Prints the migration's Temporal history as JSON (the format Temporal Web imports and the replayer reads).")
final class MigrationHistoryCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Parameters(paramLabel = "MIGRATION_ID")
  String id;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description = "Write the JSON to FILE instead of stdout.")
  Path output;

  @Override
  public Integer call() {
    InputChecks.migrationId(id);
    try (Session session = root.session()) {
      WorkflowExecutionHistory history = session.migrations().fetchHistory(id);
      String json = history.toJson(true);
      if (output == null) {
        session.console().println(json);
        return ExitCodes.OK;
      }
      try {
        if (output.toAbsolutePath().getParent() != null) {
          Files.createDirectories(output.toAbsolutePath().getParent());
        }
        Files.writeString(output, json);
      } catch (IOException e) {
        throw new CliException(
            ExitCodes.FAILED, "Cannot write " + output + ": " + e.getMessage() + ".", e);
      }
      session
          .console()
          .println(
              "Wrote the history of migration "
                  + id
                  + " ("
                  + history.getEvents().size()
                  + " events) to "
                  + output
                  + ".");
      return ExitCodes.OK;
    }
  }
}
