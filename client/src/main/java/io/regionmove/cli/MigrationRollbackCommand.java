package io.regionmove.cli;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.model.Addon;
import io.regionmove.model.Phase;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-rollback",
    mixinStandardHelpOptions = true,
    description =
        "Rolls a done migration back within its redirect window: the app runs again in its source"
            + " region with every write made in the destination, and the destination app is"
            + " deleted.")
final class MigrationRollbackCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Parameters(
      paramLabel = "MIGRATION_ID",
      description = "The id of the done migration to roll back.")
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
                "This will roll back migration "
                    + id
                    + " ("
                    + m.app()
                    + ": back from "
                    + m.destination()
                    + " to "
                    + m.source()
                    + "):");
        MigrationRunCommand.operations(Step.ROLLBACK)
            .forEach(o -> session.console().println("  - " + o));
        boolean dataMoved = m.steps().stream().anyMatch(st -> st.phase() == Phase.DATA);
        for (Addon addon : dataMoved ? m.addonsMovedByHand() : List.<Addon>of()) {
          session
              .console()
              .println(
                  "  - addon "
                      + addon.provider()
                      + " "
                      + addon.id()
                      + " was moved by hand: its destination addon is deleted, so move its data"
                      + " back to the source addon by hand before you continue");
        }
        if (!session.console().confirm("Continue?")) {
          throw new CliException(ExitCodes.FAILED, "Cancelled; nothing was done.");
        }
      }
      MigrationActions actions = new MigrationActions(client, session.console(), root.json);
      return actions.report(actions.run(id, Step.ROLLBACK));
    }
  }
}
