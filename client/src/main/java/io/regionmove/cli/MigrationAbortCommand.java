package io.regionmove.cli;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-abort",
    mixinStandardHelpOptions = true,
    description = "Aborts a migration: undoes everything it did, last first.")
final class MigrationAbortCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Parameters(paramLabel = "MIGRATION_ID")
  String id;

  @Override
  public Integer call() {
    InputChecks.migrationId(id);
    try (Session session = root.session()) {
      MigrationClient client = session.migrations();
      if (session.console().isTerminal() && !root.yes && !yes && !root.json) {
        var m = client.status(id);
        session
            .console()
            .println(
                "This will abort migration "
                    + id
                    + " ("
                    + m.app()
                    + ": "
                    + m.source()
                    + " → "
                    + m.destination()
                    + "):");
        MigrationRunCommand.operations(Step.ABORT)
            .forEach(o -> session.console().println("  - " + o));
        if (!session.console().confirm("Continue?")) {
          throw new CliException(ExitCodes.FAILED, "Cancelled; nothing was done.");
        }
      }
      MigrationActions actions = new MigrationActions(client, session.console(), root.json);
      return actions.report(actions.run(id, Step.ABORT));
    }
  }
}
