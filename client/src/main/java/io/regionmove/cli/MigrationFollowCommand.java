package io.regionmove.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-follow",
    mixinStandardHelpOptions = true,
    description = "Shows a migration's steps and follows it while a step runs.")
final class MigrationFollowCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Parameters(paramLabel = "MIGRATION_ID")
  String id;

  @Override
  public Integer call() {
    InputChecks.migrationId(id);
    try (Session session = root.session()) {
      return new MigrationActions(session.migrations(), session.console(), root.json).follow(id);
    }
  }
}
