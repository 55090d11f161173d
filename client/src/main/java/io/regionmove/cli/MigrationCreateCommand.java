package io.regionmove.cli;

import io.regionmove.activities.config.Regions;
import io.regionmove.model.Migration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-create",
    mixinStandardHelpOptions = true,
    description = "Starts a migration of the app to another region and runs its preflight checks.")
final class MigrationCreateCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "REGION",
      description = "The destination region.")
  String destination;

  @Option(
      names = "--new-name",
      paramLabel = "NAME",
      description = "The app's name in the destination (default: the same).")
  String newName;

  @Option(
      names = "--notify",
      paramLabel = "URL",
      description =
          "A webhook (http or https) told of every status change, signed with the workers'"
              + " REGIONMOVE_NOTIFY_SECRET; repeatable (default: REGIONMOVE_NOTIFY_URLS,"
              + " comma-separated).")
  List<String> notify;

  @Override
  public Integer call() {
    String region = root.requireRegion();
    String app = root.requireApp();
    InputChecks.region("--to", destination);
    if (newName != null) {
      InputChecks.app("--new-name", newName);
    }
    List<String> webhooks = NotifyUrls.resolve(notify, System.getenv(NotifyUrls.ENV));
    if (destination.equals(region)) {
      throw new CliException(
          ExitCodes.FAILED,
          "Cannot migrate "
              + app
              + ": the destination region is the source region ("
              + region
              + "); pass another region to --to.");
    }
    try (Session session = root.session()) {
      Optional<Regions> regions = session.regions();
      // The source region must be known here: no worker polls the queue of an unknown region.
      regions.ifPresent(
          r -> {
            new RegionAccess(session.region(r, region)).probe();
            new RegionAccess(session.region(r, destination)).probe();
          });
      MigrationActions actions =
          new MigrationActions(session.migrations(), root.console(), root.json);
      Migration migration = actions.create(app, region, destination, newName, webhooks);
      return actions.reportCreate(migration);
    }
  }
}
