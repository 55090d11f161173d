package io.regionmove.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migrations",
    mixinStandardHelpOptions = true,
    description = "Lists the migrations of the app.")
final class MigrationsCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Override
  public Integer call() {
    String region = root.requireRegion();
    String app = root.requireApp();
    try (Session session = root.session()) {
      return new MigrationActions(session.migrations(), session.console(), root.json)
          .list(app, region);
    }
  }
}
