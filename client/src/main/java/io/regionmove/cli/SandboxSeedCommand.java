package io.regionmove.cli;

import io.regionmove.activities.config.RegionConfig;
import io.regionmove.regionapi.RegionApiException;
import io.regionmove.regionapi.RegionUnavailableException;
import io.regionmove.sandbox.SampleApp;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import redis.clients.jedis.exceptions.JedisException;

@Command(
    name = "sandbox-seed",
    mixinStandardHelpOptions = true,
    description =
        "Seeds a sample app (config, collaborators, domain, database addons with data) in a region of the regions file.")
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
      description = "Rows (keys for redis) of sample data (default: ${DEFAULT-VALUE}).")
  int rows;

  @Option(
      names = "--addons",
      paramLabel = "PROVIDER",
      split = ",",
      defaultValue = "postgresql",
      description =
          "Addons to fill with sample data: postgresql, mysql, redis (default: ${DEFAULT-VALUE}).")
  List<String> addons;

  @Override
  public Integer call() {
    if (rows < 10) {
      throw new CliException(ExitCodes.USAGE, "--rows must be at least 10, not " + rows + ".");
    }
    for (String addon : addons) {
      if (!SampleApp.SEEDED_PROVIDERS.contains(addon)) {
        throw new CliException(
            ExitCodes.USAGE,
            "--addons takes "
                + String.join(", ", SampleApp.SEEDED_PROVIDERS)
                + ", not '"
                + addon
                + "'.");
      }
    }
    Session session = root.session();
    RegionConfig config = session.region(session.requireRegions(), region);
    new RegionAccess(config).probe();
    try {
      SampleApp.seed(config, app, rows, addons);
    } catch (RegionUnavailableException e) {
      throw new CliException(
          ExitCodes.UNREACHABLE,
          "Seeding " + app + " in " + region + " failed: " + e.getMessage(),
          e);
    } catch (RegionApiException
        | JedisException
        | IllegalStateException
        | IllegalArgumentException e) {
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
                + (addons.equals(List.of("redis")) ? " keys" : " rows")
                + (addons.size() > 1 && addons.contains("redis") ? " (keys in redis)" : "")
                + " of sample data in its "
                + String.join(", ", addons)
                + " addon"
                + (addons.size() > 1 ? "s" : "")
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
