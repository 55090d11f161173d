package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.config.Regions;
import io.regionmove.activities.data.DataEngine;
import io.regionmove.activities.data.Engines;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.DataHandling;
import io.regionmove.regionapi.AddonProvider;
import io.regionmove.regionapi.Domain;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pre-checks of migration-create: they read both regions and change nothing. The source check
 * also says how each addon's data moves ({@link DataHandling}): the region says whether the addon
 * holds data ({@code holds_data} of the addon, else of its provider in the catalogue; a region that
 * says neither is taken to hold data, so that nothing is lost unseen), and this worker's {@link
 * Engines} whether one of them moves it; the engine of each addon it moves adds its own checks.
 */
final class PreflightChecks {

  static final String CHECK_APP_EXISTS = "app-exists";
  static final String CHECK_APP_STATUS = "app-status";
  static final String CHECK_NOT_MIGRATING = "not-migrating";
  static final String CHECK_TLS_CERTIFICATES = "tls-certificates";
  static final String CHECK_DESTINATION_REGION = "destination-region";
  static final String CHECK_DESTINATION_NAME = "destination-name";
  static final String CHECK_ADDONS_OFFERED = "addons-offered";

  private static final Logger log = LoggerFactory.getLogger(PreflightChecks.class);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final RegionClients clients;
  private final Clock clock;
  private final Engines engines;

  /**
   * With the clock that decides whether a TLS certificate has expired, and the data engines of this
   * worker.
   */
  PreflightChecks(RegionClients clients, Clock clock, Engines engines) {
    this.clients = clients;
    this.clock = clock;
    this.engines = engines;
  }

  SourceCheck checkSource(AppInput input) {
    return guard(
        () -> {
          RegionClient source = clients.of(input.region());
          Optional<RegionApp> found = source.findApp(input.app());
          if (found.isEmpty()) {
            return new SourceCheck(
                List.of(
                    Check.failed(
                        CHECK_APP_EXISTS,
                        "App "
                            + input.app()
                            + " does not exist in region "
                            + input.region()
                            + ".")),
                null,
                null,
                null);
          }
          RegionApp app = found.get();
          List<Check> checks = new ArrayList<>();
          checks.add(Check.passed(CHECK_APP_EXISTS));
          if (RegionApp.RUNNING.equals(app.status()) || RegionApp.STOPPED.equals(app.status())) {
            checks.add(Check.passed(CHECK_APP_STATUS));
          } else {
            checks.add(
                Check.failed(
                    CHECK_APP_STATUS,
                    "App "
                        + app.name()
                        + " in region "
                        + input.region()
                        + " is "
                        + app.status()
                        + "; only a running or stopped app can be migrated."));
          }
          if (app.migrating()) {
            checks.add(
                Check.failed(
                    CHECK_NOT_MIGRATING,
                    "App "
                        + app.name()
                        + " in region "
                        + input.region()
                        + " is already being migrated; finish or abort that migration first."));
          } else {
            checks.add(Check.passed(CHECK_NOT_MIGRATING));
          }
          List<Domain> domains = source.listDomains(app.name());
          Instant now = clock.instant();
          List<Check> expired =
              domains.stream()
                  .filter(d -> d.tlscertExpiresAt() != null && !d.tlscertExpiresAt().isAfter(now))
                  .map(
                      d ->
                          Check.failed(
                              CHECK_TLS_CERTIFICATES,
                              "The TLS certificate of domain "
                                  + d.name()
                                  + " expired on "
                                  + DAY.format(d.tlscertExpiresAt())
                                  + "; renew it before migrating."))
                  .toList();
          checks.addAll(
              expired.isEmpty() ? List.of(Check.passed(CHECK_TLS_CERTIFICATES)) : expired);

          List<Addon> addons = addonsOf(source, app.name());
          for (Addon addon : addons) {
            if (addon.handling() == DataHandling.ENGINE) {
              DataEngine engine = engines.find(addon.provider()).orElseThrow();
              checks.addAll(engine.preflight(input, addon));
            }
          }
          Set<String> ownHosts = ownHostSuffixes(input.region(), app);
          List<String> customDomains =
              domains.stream()
                  .map(Domain::name)
                  .filter(
                      name ->
                          ownHosts.stream()
                              .noneMatch(h -> name.equals(h) || name.endsWith("." + h)))
                  .toList();
          log.info(
              "checked source app {} in {}: {} failed checks",
              app.name(),
              input.region(),
              checks.stream().filter(c -> !c.passed()).count());
          return new SourceCheck(
              checks, addons, AppActions.formation(app.formation()), customDomains);
        });
  }

  /** The app's addons, each with how its data moves. */
  private List<Addon> addonsOf(RegionClient source, String app) {
    List<RegionAddon> listed = source.listAddons(app);
    Map<String, Boolean> catalogue =
        listed.stream().allMatch(a -> a.holdsData() != null)
            ? Map.of()
            : source.listAddonProviders().stream()
                .filter(p -> p.holdsData() != null)
                .collect(
                    Collectors.toMap(AddonProvider::id, AddonProvider::holdsData, (a, b) -> a));
    return listed.stream()
        .map(
            a -> {
              boolean holdsData =
                  a.holdsData() != null
                      ? a.holdsData()
                      : catalogue.getOrDefault(a.provider(), true);
              DataHandling handling =
                  !holdsData
                      ? DataHandling.NONE
                      : engines.find(a.provider()).isPresent()
                          ? DataHandling.ENGINE
                          : DataHandling.MANUAL;
              return new Addon(a.id(), a.provider(), a.plan(), a.version(), handling);
            })
        .toList();
  }

  CheckResult checkDestination(DestinationCheckInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          Regions regions = clients.regions();
          if (!regions.contains(move.destination())) {
            return new CheckResult(
                List.of(
                    Check.failed(
                        CHECK_DESTINATION_REGION,
                        "Region "
                            + move.destination()
                            + " is not configured; the known regions are "
                            + String.join(", ", regions.names())
                            + ".")));
          }
          if (move.destination().equals(move.source())) {
            return new CheckResult(
                List.of(
                    Check.failed(
                        CHECK_DESTINATION_REGION,
                        "The app is already in region "
                            + move.source()
                            + "; choose a destination region other than the source.")));
          }
          List<Check> checks = new ArrayList<>();
          checks.add(Check.passed(CHECK_DESTINATION_REGION));
          RegionClient destination = clients.of(move.destination());
          Optional<RegionApp> existing = destination.findApp(move.newName());
          if (existing.isPresent() && !existing.get().madeBy(move.migrationId())) {
            checks.add(
                Check.failed(
                    CHECK_DESTINATION_NAME,
                    "An app named "
                        + move.newName()
                        + " already exists in region "
                        + move.destination()
                        + "; choose another name with --new-name."));
          } else {
            checks.add(Check.passed(CHECK_DESTINATION_NAME));
          }
          List<Check> addonChecks = addonChecks(destination, move.destination(), input.addons());
          checks.addAll(
              addonChecks.isEmpty() ? List.of(Check.passed(CHECK_ADDONS_OFFERED)) : addonChecks);
          return new CheckResult(checks);
        });
  }

  private static List<Check> addonChecks(
      RegionClient destination, String region, List<Addon> addons) {
    if (addons.isEmpty()) {
      return List.of();
    }
    Map<String, AddonProvider> offered =
        destination.listAddonProviders().stream()
            .collect(Collectors.toMap(AddonProvider::id, Function.identity(), (a, b) -> a));
    List<Check> failed = new ArrayList<>();
    for (Addon addon : addons) {
      AddonProvider provider = offered.get(addon.provider());
      String what = addon.provider() + " addon " + addon.id();
      if (provider == null) {
        failed.add(
            Check.failed(
                CHECK_ADDONS_OFFERED,
                "Addon provider "
                    + addon.provider()
                    + " (addon "
                    + addon.id()
                    + ") is not offered in region "
                    + region
                    + "."));
      } else if (!provider.plans().contains(addon.plan())) {
        failed.add(
            Check.failed(
                CHECK_ADDONS_OFFERED,
                "Plan "
                    + addon.plan()
                    + " of the "
                    + what
                    + " is not offered in region "
                    + region
                    + "; the plans offered there are "
                    + String.join(", ", provider.plans())
                    + "."));
      } else if (!provider.versions().contains(addon.version())) {
        failed.add(
            Check.failed(
                CHECK_ADDONS_OFFERED,
                "Version "
                    + addon.version()
                    + " of the "
                    + what
                    + " is not offered in region "
                    + region
                    + "; the versions offered there are "
                    + String.join(", ", provider.versions())
                    + "."));
      }
    }
    return failed;
  }

  /** Host names that belong to the region (the app's router URL), not to the app's owner. */
  private Set<String> ownHostSuffixes(String region, RegionApp app) {
    Set<String> hosts = new HashSet<>();
    String routerHost = clients.regions().get(region).routerHost();
    if (!routerHost.isEmpty()) {
      hosts.add(routerHost);
    }
    if (app.url() != null && !app.url().isBlank()) {
      String host = URI.create(app.url()).getHost();
      if (host != null && host.indexOf('.') > 0) {
        hosts.add(host.substring(host.indexOf('.') + 1));
      }
    }
    return hosts;
  }
}
