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

  /** The start of the line of a live cutover's step that set up the replication back. */
  static final String REPLICATED_BACK = "Replicate the writes of the ";

  /** What a rollback does with the data of a live migration, instead of copying it back. */
  static final String LIVE_DATA_BACK =
      "make the destination's databases refuse writes, wait until the source has applied every"
          + " write they committed (the replication back set up at the cutover), set the source's"
          + " sequences, verify row counts and checksums, drop the replication back";

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
        boolean replicatedBack =
            m.steps().stream()
                .anyMatch(
                    st -> st.phase() == Phase.FINALIZE && st.name().startsWith(REPLICATED_BACK));
        MigrationRunCommand.operations(Step.ROLLBACK).stream()
            .map(o -> replicatedBack && o.startsWith("copy each database") ? LIVE_DATA_BACK : o)
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
