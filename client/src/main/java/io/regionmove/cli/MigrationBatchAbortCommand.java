package io.regionmove.cli;

import io.regionmove.client.BatchClient;
import io.regionmove.client.BatchNotFoundException;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationIndex;
import io.regionmove.model.Batch;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-batch-abort",
    mixinStandardHelpOptions = true,
    description =
        "Aborts a batch: starts no more of its migrations and aborts every unfinished one.")
final class MigrationBatchAbortCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Parameters(paramLabel = "BATCH_ID", description = "The batch id that migration-batch printed.")
  String id;

  @Override
  public Integer call() {
    InputChecks.batchId(id);
    try (Session session = root.session()) {
      BatchClient batches =
          new BatchClient(
              session.temporal(), new MigrationIndex(session.home().resolve("migrations.json")));
      BatchActions actions =
          new BatchActions(batches, session.migrations(), session.console(), root.json);
      try {
        if (session.console().isTerminal() && !root.yes && !yes && !root.json) {
          confirm(session.console(), batches.status(id));
        }
        Optional<CompletableFuture<Batch>> aborting = batches.startAbort(id);
        Batch after =
            aborting.isPresent()
                ? actions.watch(batches.status(id), aborting.get())
                : actions.abortEnded(batches.ended(id));
        return actions.reportAbort(after);
      } catch (BatchNotFoundException e) {
        throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
      }
    }
  }

  private static void confirm(Console console, Batch batch) {
    console.println(
        "This will abort batch "
            + batch.id()
            + " ("
            + batch.entries().size()
            + " apps: "
            + batch.source()
            + " → "
            + batch.destination()
            + "): no more of its migrations start, and each unfinished one is aborted:");
    MigrationRunCommand.operations(Step.ABORT).forEach(o -> console.println("  - " + o));
    if (!console.confirm("Continue?")) {
      throw new CliException(ExitCodes.FAILED, "Cancelled; nothing was done.");
    }
  }
}
