package io.regionmove.cli;

import io.regionmove.activities.config.Regions;
import io.regionmove.model.Migration;
import io.regionmove.regionapi.RegionAddon;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-create",
    mixinStandardHelpOptions = true,
    description =
        "Starts a migration of the app to another region and runs its preflight checks;"
            + " with --dry-run, only runs the checks and prints the plan.")
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
      names = "--manual-data",
      paramLabel = "ADDON_ID",
      description =
          "An addon whose data you move by hand: it is provisioned empty in the destination"
              + " (repeatable). Needed for an addon that holds data regionmove cannot move.")
  List<String> manualData = new ArrayList<>();

  @Option(
      names = "--dry-run",
      description =
          "Run every preflight check and print the plan (what is copied, each addon's size, the"
              + " data step's estimated duration); nothing is created.")
  boolean dryRun;

  @Option(
      names = "--live",
      description = "With --dry-run: also check that the data can move in live data mode.")
  boolean live;

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
    if (live && !dryRun) {
      throw new CliException(
          ExitCodes.USAGE,
          "--live goes with --dry-run here: it checks live data mode's readiness in a dry run.");
    }
    List<String> manual = List.copyOf(new LinkedHashSet<>(manualData));
    if (manual.stream().anyMatch(String::isBlank)) {
      throw new CliException(ExitCodes.USAGE, "--manual-data needs an addon id.");
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
            RegionAccess source = new RegionAccess(session.region(r, region));
            source.probe();
            new RegionAccess(session.region(r, destination)).probe();
            if (!manual.isEmpty()) {
              source.addons(app).ifPresent(addons -> checkManualData(app, region, addons, manual));
            }
          });
      MigrationActions actions =
          new MigrationActions(session.migrations(), root.console(), root.json);
      if (dryRun) {
        return actions.dryRun(app, region, destination, newName, manual, live);
      }
      Migration migration = actions.create(app, region, destination, newName, webhooks, manual);
      return actions.reportCreate(migration);
    }
  }

  /** Each --manual-data id names one of the app's addons; else a usage error. */
  private static void checkManualData(
      String app, String region, List<RegionAddon> addons, List<String> manual) {
    for (String id : manual) {
      if (addons.stream().noneMatch(a -> a.id().equals(id))) {
        throw new CliException(
            ExitCodes.USAGE,
            "--manual-data "
                + InputChecks.shown(id)
                + " is not an addon of app "
                + app
                + " in "
                + region
                + (addons.isEmpty()
                    ? ", which has no addons."
                    : "; its addons are "
                        + addons.stream()
                            .map(a -> a.id() + " (" + a.provider() + ")")
                            .collect(Collectors.joining(", "))
                        + "."));
      }
    }
  }
}
