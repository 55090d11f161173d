package io.regionmove.cli;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionUnavailableException;
import io.regionmove.sandbox.SampleApp;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "sandbox-seed",
    mixinStandardHelpOptions = true,
    description =
        "Seeds a sample app (config, collaborators, domain, PostgreSQL data) in a region of the regions file.")
final class SandboxSeedCommand implements Callable<Integer> {

  @ParentCommand RegionmoveCli root;

  @Option(names = "--region", required = true, paramLabel = "REGION")
  String region;

  @Option(names = "--app", required = true, paramLabel = "NAME")
  String app;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "" + SampleApp.DEFAULT_ROWS,
      description = "Rows of sample data (default: ${DEFAULT-VALUE}).")
  int rows;

  @Override
  public Integer call() {
    if (rows < 10) {
      throw new CliException(ExitCodes.USAGE, "--rows must be at least 10, not " + rows + ".");
    }
    Session session = root.session();
    RegionConfig config = session.region(session.requireRegions(), region);
    new RegionAccess(config).probe();
    try {
      SampleApp.seed(config, app, rows);
    } catch (RegionUnavailableException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Seeding " + app + " in " + region + " failed: " + e.getMessage(),
          e);
    } catch (RegionApiException | IllegalStateException | IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.FAILED, "Seeding " + app + " in " + region + " failed: " + e.getMessage(), e);
    }
    String router = config.routerUrl() == null ? "" : " (" + appUrl(config, app) + ")";
    root.console()
        .println(
            "Seeded app "
                + app
                + " in "
                + region
                + " with "
                + rows
                + " rows of sample data"
                + router
                + ".");
    return ExitCodes.OK;
  }

  static String appUrl(RegionConfig region, String app) {
    java.net.URI router = java.net.URI.create(region.routerUrl());
    return router.getScheme()
        + "://"
        + app
        + "."
        + router.getHost()
        + (router.getPort() < 0 ? "" : ":" + router.getPort())
        + "/";
  }
}
