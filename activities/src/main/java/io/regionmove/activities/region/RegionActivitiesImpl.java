package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.AppInput;
import io.regionmove.activities.CheckResult;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.RegionActivities;
import io.regionmove.activities.SourceCheck;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.activities.config.Regions;
import io.regionmove.model.Addon;
import io.regionmove.model.Check;
import io.regionmove.model.Formation;
import io.regionmove.model.Process;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RegionActivities} over the Region API of each configured region.
 *
 * <p>Idempotency keys: the destination app is created with reference = migration id, and each
 * destination addon with reference = migration id + ":" + source addon id. Everything written to
 * the destination is written only to an app carrying this migration's reference, and every undo
 * leaves alone an app that does not carry it, so a destination name that was already taken is never
 * touched. A forward action done twice returns what it returned the first time (except {@code
 * stopApp}, which on the second call can only say the app is already stopped); an undo says what it
 * found. Secret values (variables, TLS keys, notifier URLs, addon URLs) are copied inside the
 * activity; results and logs name them only.
 */
public class RegionActivitiesImpl implements RegionActivities {

  static final String CHECK_APP_EXISTS = "app-exists";
  static final String CHECK_APP_STATUS = "app-status";
  static final String CHECK_NOT_MIGRATING = "not-migrating";
  static final String CHECK_TLS_CERTIFICATES = "tls-certificates";
  static final String CHECK_DESTINATION_REGION = "destination-region";
  static final String CHECK_DESTINATION_NAME = "destination-name";
  static final String CHECK_ADDONS_OFFERED = "addons-offered";

  private static final Logger log = LoggerFactory.getLogger(RegionActivitiesImpl.class);
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final RegionClients clients;
  private final Clock clock;

  public RegionActivitiesImpl(Regions regions, RegionClientFactory clientFactory) {
    this(regions, clientFactory, Clock.systemUTC());
  }

  /** With the clock that decides whether a TLS certificate has expired. */
  public RegionActivitiesImpl(Regions regions, RegionClientFactory clientFactory, Clock clock) {
    this.clients = new RegionClients(regions, clientFactory);
    this.clock = clock;
  }

  // ---- preflight

  @Override
  public SourceCheck checkSource(AppInput input) {
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

          List<Addon> addons =
              source.listAddons(app.name()).stream()
                  .map(a -> new Addon(a.id(), a.provider(), a.plan(), a.version()))
                  .toList();
          Set<String> ownHosts = ownHostSuffixes(source, app);
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
          return new SourceCheck(checks, addons, formation(app.formation()), customDomains);
        });
  }

  @Override
  public CheckResult checkDestination(DestinationCheckInput input) {
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

  // ---- freeze

  @Override
  public StepResult freezeSource(AppInput input) {
    return guard(
        () -> {
          RegionClient source = clients.of(input.region());
          RegionApp app = source.getApp(input.app());
          if (!app.migrating()) {
            source.freeze(input.app());
            log.info("froze app {} in {}", input.app(), input.region());
          }
          return StepResult.of(
              "Froze app "
                  + input.app()
                  + " in region "
                  + input.region()
                  + ": its configuration and addons cannot change until the migration ends.");
        });
  }

  @Override
  public StepResult unfreezeSource(AppInput input) {
    return guard(
        () -> {
          RegionClient source = clients.of(input.region());
          Optional<RegionApp> app = source.findApp(input.app());
          if (app.isEmpty()) {
            return StepResult.of(gone(input.app(), input.region()) + " Nothing to unfreeze.");
          }
          if (!app.get().migrating()) {
            return StepResult.of(
                "App " + input.app() + " in region " + input.region() + " was not frozen.");
          }
          source.unfreeze(input.app());
          log.info("unfroze app {} in {}", input.app(), input.region());
          return StepResult.of("Unfroze app " + input.app() + " in region " + input.region() + ".");
        });
  }

  // ---- destination app

  @Override
  public StepResult createApp(MoveInput input) {
    return guard(
        () -> {
          Created<RegionApp> created =
              clients.of(input.destination()).createApp(input.newName(), input.migrationId());
          if (!created.value().madeBy(input.migrationId())) {
            throw invalidRequest(
                notOurs(input.newName(), input.destination(), input.migrationId()));
          }
          log.info(
              "created app {} in {} (new: {})",
              input.newName(),
              input.destination(),
              created.isNew());
          return StepResult.of(
              "Created app " + input.newName() + " in region " + input.destination() + ".");
        });
  }

  /**
   * Deletes only an app made by this migration (the destination app). The old source app is deleted
   * by {@link #deleteSourceApp}, which first checks that its replacement exists.
   */
  @Override
  public StepResult deleteApp(AppInput input) {
    return guard(
        () -> {
          RegionClient region = clients.of(input.region());
          Optional<RegionApp> app = region.findApp(input.app());
          if (app.isEmpty()) {
            return StepResult.of(gone(input.app(), input.region()));
          }
          if (!app.get().madeBy(input.migrationId())) {
            log.warn(
                "app {} in {} was not created by migration {}; left untouched",
                input.app(),
                input.region(),
                input.migrationId());
            return StepResult.of(
                notOurs(input.app(), input.region(), input.migrationId())
                    + " It is left untouched.");
          }
          region.deleteApp(input.app());
          log.info("deleted app {} in {}", input.app(), input.region());
          return StepResult.of(
              "Deleted app " + input.app() + " in region " + input.region() + " and its addons.");
        });
  }

  @Override
  public StepResult deleteSourceApp(MoveInput input) {
    return guard(
        () -> {
          RegionClient source = clients.of(input.source());
          Optional<RegionApp> app = source.findApp(input.app());
          if (app.isEmpty()) {
            return StepResult.of(gone(input.app(), input.source()));
          }
          Optional<RegionApp> replacement =
              clients.of(input.destination()).findApp(input.newName());
          if (replacement.isEmpty() || !replacement.get().madeBy(input.migrationId())) {
            throw invalidRequest(
                "Refusing to delete app "
                    + input.app()
                    + " in region "
                    + input.source()
                    + ": its replacement "
                    + input.newName()
                    + " in region "
                    + input.destination()
                    + " made by migration "
                    + input.migrationId()
                    + " does not exist.");
          }
          source.deleteApp(input.app());
          log.info("deleted old app {} in {}", input.app(), input.source());
          return StepResult.of(
              "Deleted the old app "
                  + input.app()
                  + " in region "
                  + input.source()
                  + "; app "
                  + input.newName()
                  + " in region "
                  + input.destination()
                  + " replaces it.");
        });
  }

  // ---- configuration

  @Override
  public StepResult copyConfig(ConfigInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          RegionClient source = clients.of(move.source());
          RegionClient destination = clients.of(move.destination());
          RegionApp target = destination.getApp(move.newName());
          if (!target.madeBy(move.migrationId())) {
            throw invalidRequest(
                notOurs(move.newName(), move.destination(), move.migrationId())
                    + " Its configuration is not changed.");
          }
          List<String> logs =
              switch (input.kind()) {
                case VARIABLES -> copyVariables(source, destination, move);
                case COLLABORATORS -> copyCollaborators(source, destination, move);
                case DOMAINS -> copyDomains(source, destination, move);
                case SETTINGS -> copySettings(source, destination, move);
                case FORMATION -> copyFormation(source, destination, move);
                case NOTIFIERS -> copyNotifiers(source, destination, move);
              };
          log.info(
              "copied {} of {} to {} in {}",
              input.kind(),
              move.app(),
              move.newName(),
              move.destination());
          return new StepResult(logs);
        });
  }

  @Override
  public StepResult removeConfig(ConfigInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          RegionClient destination = clients.of(move.destination());
          Optional<RegionApp> target = destination.findApp(move.newName());
          if (target.isEmpty()) {
            return StepResult.of(gone(move.newName(), move.destination()) + " Nothing to remove.");
          }
          if (!target.get().madeBy(move.migrationId())) {
            return StepResult.of(
                notOurs(move.newName(), move.destination(), move.migrationId())
                    + " Its configuration is left untouched.");
          }
          RegionClient source = clients.of(move.source());
          List<String> logs =
              switch (input.kind()) {
                case VARIABLES -> removeVariables(source, destination, move);
                case COLLABORATORS -> removeCollaborators(source, destination, move);
                case DOMAINS -> removeDomains(source, destination, move);
                case SETTINGS -> resetSettings(destination, target.get(), move);
                case FORMATION -> removeFormation(source, destination, move);
                case NOTIFIERS -> removeNotifiers(source, destination, move);
              };
          log.info("removed {} from {} in {}", input.kind(), move.newName(), move.destination());
          return new StepResult(logs);
        });
  }

  private static List<String> copyVariables(
      RegionClient source, RegionClient destination, MoveInput move) {
    List<Variable> all = source.listVariables(move.app());
    List<Variable> copied = all.stream().filter(v -> !v.generated()).toList();
    List<String> generated = all.stream().filter(Variable::generated).map(Variable::name).toList();
    if (!copied.isEmpty()) {
      destination.putVariables(move.newName(), copied);
    }
    List<String> logs = new ArrayList<>();
    logs.add(
        counted("Copied", copied.size(), "environment variable", names(copied, Variable::name)));
    if (!generated.isEmpty()) {
      logs.add(
          "Skipped the addon-generated "
              + plural(generated.size(), "variable")
              + " "
              + String.join(", ", generated)
              + ": the destination addons provide their own.");
    }
    return logs;
  }

  private static List<String> removeVariables(
      RegionClient source, RegionClient destination, MoveInput move) {
    Set<String> copied =
        copiedNames(
            source, move, c -> c.listVariables(move.app()), v -> !v.generated(), Variable::name);
    List<String> removed = new ArrayList<>();
    for (Variable variable : destination.listVariables(move.newName())) {
      if (!variable.generated()
          && (copied == null || copied.contains(variable.name()))
          && destination.deleteVariable(move.newName(), variable.name())) {
        removed.add(variable.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "environment variable", removed));
  }

  private static List<String> copyCollaborators(
      RegionClient source, RegionClient destination, MoveInput move) {
    List<Collaborator> all = source.listCollaborators(move.app());
    Set<String> present =
        destination.listCollaborators(move.newName()).stream()
            .map(Collaborator::email)
            .collect(Collectors.toSet());
    List<String> copied = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    for (Collaborator collaborator : all) {
      if (!collaborator.accepted()) {
        pending.add(collaborator.email());
        continue;
      }
      if (!present.contains(collaborator.email())) {
        destination.addCollaborator(
            move.newName(), new Collaborator(collaborator.email(), Collaborator.ACCEPTED));
      }
      copied.add(collaborator.email());
    }
    List<String> logs = new ArrayList<>();
    logs.add(counted("Copied", copied.size(), "accepted collaborator", copied));
    if (!pending.isEmpty()) {
      logs.add(
          "Skipped "
              + plural(pending.size(), "pending collaborator")
              + " (invite them again in the destination): "
              + String.join(", ", pending)
              + ".");
    }
    return logs;
  }

  private static List<String> removeCollaborators(
      RegionClient source, RegionClient destination, MoveInput move) {
    Set<String> copied =
        copiedNames(
            source,
            move,
            c -> c.listCollaborators(move.app()),
            Collaborator::accepted,
            Collaborator::email);
    List<String> removed = new ArrayList<>();
    for (Collaborator collaborator : destination.listCollaborators(move.newName())) {
      if ((copied == null || copied.contains(collaborator.email()))
          && destination.removeCollaborator(move.newName(), collaborator.email())) {
        removed.add(collaborator.email());
      }
    }
    return List.of(counted("Removed", removed.size(), "collaborator", removed));
  }

  private static List<String> copyDomains(
      RegionClient source, RegionClient destination, MoveInput move) {
    List<Domain> domains = source.listDomains(move.app());
    List<String> copied = new ArrayList<>();
    for (Domain domain : domains) {
      destination.addDomain(move.newName(), domain);
      copied.add(domain.name() + (domain.hasCertificate() ? " (with its TLS certificate)" : ""));
    }
    return List.of(counted("Copied", copied.size(), "domain", copied));
  }

  private static List<String> removeDomains(
      RegionClient source, RegionClient destination, MoveInput move) {
    Set<String> copied =
        copiedNames(source, move, c -> c.listDomains(move.app()), d -> true, Domain::name);
    List<String> removed = new ArrayList<>();
    for (Domain domain : destination.listDomains(move.newName())) {
      if ((copied == null || copied.contains(domain.name()))
          && destination.removeDomain(move.newName(), domain.name())) {
        removed.add(domain.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "domain", removed));
  }

  private static List<String> copySettings(
      RegionClient source, RegionClient destination, MoveInput move) {
    AppSettings settings = source.getApp(move.app()).settings();
    destination.updateSettings(move.newName(), settings);
    return List.of("Copied the settings: " + describe(settings) + ".");
  }

  /** A new app has the default settings, so undoing the copy means going back to them. */
  private static List<String> resetSettings(
      RegionClient destination, RegionApp target, MoveInput move) {
    if (target.settings().equals(AppSettings.DEFAULTS)) {
      return List.of(
          "The settings are already those of a new app: " + describe(AppSettings.DEFAULTS) + ".");
    }
    destination.updateSettings(move.newName(), AppSettings.DEFAULTS);
    return List.of(
        "Reset the settings to those of a new app: " + describe(AppSettings.DEFAULTS) + ".");
  }

  /**
   * Copies the process types with their sizes at 0 containers: the destination accepts them now (a
   * size it does not offer fails here, not at finalize) but is not started; {@code startApp}
   * applies the amounts at finalize.
   */
  private static List<String> copyFormation(
      RegionClient source, RegionClient destination, MoveInput move) {
    List<Container> containers = source.listContainers(move.app());
    if (containers.isEmpty()) {
      return List.of("App " + move.app() + " has no process types; nothing to copy.");
    }
    destination.scale(
        move.newName(),
        containers.stream().map(c -> new Container(c.name(), 0, c.size())).toList());
    return List.of(
        "Copied the process types "
            + describeContainers(containers)
            + " at 0 containers; the amounts apply when the app starts at finalize.");
  }

  /**
   * Removes the process types the copy added: those of the source formation, which the copy put at
   * 0 containers in the destination (all of them when the source app is gone: the destination app
   * is this migration's, so every process type in it came from the copy). A process type that runs
   * containers is never removed: it is left as it is, and the logs say so. Absent process types
   * (the copy never happened, or this undo already ran) are fine.
   */
  private static List<String> removeFormation(
      RegionClient source, RegionClient destination, MoveInput move) {
    Set<String> copied =
        copiedNames(source, move, c -> c.listContainers(move.app()), c -> true, Container::name);
    List<String> removed = new ArrayList<>();
    List<String> running = new ArrayList<>();
    for (Container container : destination.listContainers(move.newName())) {
      if (copied != null && !copied.contains(container.name())) {
        continue;
      }
      if (container.amount() != 0) {
        running.add(container.name());
        continue;
      }
      try {
        if (destination.removeProcessType(move.newName(), container.name())) {
          removed.add(container.name());
        }
      } catch (RegionApiException e) {
        if (e.status() != 409) {
          throw e;
        }
        running.add(container.name()); // started since it was listed
      }
    }
    List<String> logs = new ArrayList<>();
    logs.add(counted("Removed", removed.size(), "process type", removed));
    if (!running.isEmpty()) {
      log.warn(
          "left process types {} of {} in {}: they run containers",
          running,
          move.newName(),
          move.destination());
      logs.add(
          "Left "
              + plural(running.size(), "process type")
              + " of app "
              + move.newName()
              + " in place because "
              + (running.size() == 1 ? "it runs" : "they run")
              + " containers (only a process type at 0 containers is removed; stop the app first): "
              + String.join(", ", running)
              + ".");
    }
    return logs;
  }

  private static List<String> copyNotifiers(
      RegionClient source, RegionClient destination, MoveInput move) {
    List<Notifier> notifiers = source.listNotifiers(move.app());
    for (Notifier notifier : notifiers) {
      destination.addNotifier(move.newName(), notifier);
    }
    return List.of(
        counted("Copied", notifiers.size(), "notifier", names(notifiers, Notifier::name)));
  }

  private static List<String> removeNotifiers(
      RegionClient source, RegionClient destination, MoveInput move) {
    Set<String> copied =
        copiedNames(source, move, c -> c.listNotifiers(move.app()), n -> true, Notifier::name);
    List<String> removed = new ArrayList<>();
    for (Notifier notifier : destination.listNotifiers(move.newName())) {
      if ((copied == null || copied.contains(notifier.name()))
          && destination.removeNotifier(move.newName(), notifier.id())) {
        removed.add(notifier.name());
      }
    }
    return List.of(counted("Removed", removed.size(), "notifier", removed));
  }

  /**
   * The names the copy took from the source, or {@code null} when the source app is gone: then
   * everything of that kind in the destination came from the copy (the app is this migration's).
   */
  private static <T> Set<String> copiedNames(
      RegionClient source,
      MoveInput move,
      Function<RegionClient, List<T>> list,
      java.util.function.Predicate<T> copied,
      Function<T, String> name) {
    try {
      return list.apply(source).stream().filter(copied).map(name).collect(Collectors.toSet());
    } catch (RegionApiException e) {
      if (e.isNotFound()) {
        log.warn(
            "source app {} in {} is gone; removing all copied items", move.app(), move.source());
        return null;
      }
      throw e;
    }
  }

  // ---- formation

  @Override
  public Formation readFormation(AppInput input) {
    return guard(() -> formation(clients.of(input.region()).listContainers(input.app())));
  }

  @Override
  public StepResult stopApp(AppInput input) {
    return guard(
        () -> {
          RegionClient region = clients.of(input.region());
          Optional<RegionApp> app = region.findApp(input.app());
          if (app.isEmpty()) {
            return StepResult.of(gone(input.app(), input.region()) + " Nothing to stop.");
          }
          List<Container> running =
              region.listContainers(input.app()).stream().filter(c -> c.amount() > 0).toList();
          if (running.isEmpty()) {
            return StepResult.of(
                "App " + input.app() + " in region " + input.region() + " is already stopped.");
          }
          region.scale(
              input.app(),
              running.stream().map(c -> new Container(c.name(), 0, c.size())).toList());
          log.info("stopped app {} in {}", input.app(), input.region());
          return StepResult.of(
              "Stopped app "
                  + input.app()
                  + " in region "
                  + input.region()
                  + " (was "
                  + describeContainers(running)
                  + ").");
        });
  }

  @Override
  public StepResult startApp(StartAppInput input) {
    return guard(
        () -> {
          AppInput app = input.app();
          List<Process> processes =
              input.formation() == null ? List.of() : input.formation().processes();
          if (processes.stream().noneMatch(p -> p.amount() > 0)) {
            return StepResult.of(
                "The formation to start app "
                    + app.app()
                    + " with has no container; app "
                    + app.app()
                    + " in region "
                    + app.region()
                    + " is left stopped.");
          }
          List<Container> containers =
              processes.stream().map(p -> new Container(p.name(), p.amount(), p.size())).toList();
          clients.of(app.region()).scale(app.app(), containers);
          log.info("started app {} in {}", app.app(), app.region());
          return StepResult.of(
              "Started app "
                  + app.app()
                  + " in region "
                  + app.region()
                  + " with "
                  + describeContainers(containers)
                  + ".");
        });
  }

  // ---- addons

  @Override
  public StepResult provisionAddon(AddonInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          Addon addon = input.addon();
          RegionClient destination = clients.of(move.destination());
          RegionApp target = destination.getApp(move.newName());
          if (!target.madeBy(move.migrationId())) {
            throw invalidRequest(
                notOurs(move.newName(), move.destination(), move.migrationId())
                    + " No addon is provisioned for it.");
          }
          String reference = addonReference(move, addon);
          RegionAddon provisioned =
              findByReference(destination, move.newName(), reference)
                  .orElseGet(
                      () ->
                          destination
                              .createAddon(
                                  move.newName(),
                                  addon.provider(),
                                  addon.plan(),
                                  addon.version(),
                                  reference)
                              .value());
          log.info(
              "provisioned addon {} for {} in {}",
              provisioned.id(),
              move.newName(),
              move.destination());
          return StepResult.of(
              "Provisioned a "
                  + addon.provider()
                  + " addon (plan "
                  + addon.plan()
                  + ", version "
                  + addon.version()
                  + ") for app "
                  + move.newName()
                  + " in region "
                  + move.destination()
                  + " as "
                  + provisioned.id()
                  + ".");
        });
  }

  @Override
  public StepResult deprovisionAddon(AddonInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          Addon addon = input.addon();
          RegionClient destination = clients.of(move.destination());
          Optional<RegionApp> target = destination.findApp(move.newName());
          if (target.isEmpty()) {
            return StepResult.of(
                gone(move.newName(), move.destination()) + " No addon to deprovision.");
          }
          if (!target.get().madeBy(move.migrationId())) {
            return StepResult.of(
                notOurs(move.newName(), move.destination(), move.migrationId())
                    + " Its addons are left untouched.");
          }
          Optional<RegionAddon> existing =
              findByReference(destination, move.newName(), addonReference(move, addon));
          if (existing.isEmpty() || !destination.deleteAddon(move.newName(), existing.get().id())) {
            return StepResult.of(
                "No addon was provisioned for source addon "
                    + addon.id()
                    + "; nothing to deprovision.");
          }
          log.info(
              "deprovisioned addon {} of {} in {}",
              existing.get().id(),
              move.newName(),
              move.destination());
          return StepResult.of(
              "Deprovisioned the "
                  + addon.provider()
                  + " addon "
                  + existing.get().id()
                  + " of app "
                  + move.newName()
                  + " in region "
                  + move.destination()
                  + ".");
        });
  }

  /** The reference of the destination addon made for a source addon. */
  public static String addonReference(MoveInput move, Addon sourceAddon) {
    return move.migrationId() + ":" + sourceAddon.id();
  }

  static Optional<RegionAddon> findByReference(RegionClient region, String app, String reference) {
    return region.listAddons(app).stream().filter(a -> reference.equals(a.reference())).findFirst();
  }

  // ---- redirect

  @Override
  public RedirectResult redirectSource(RedirectInput input) {
    return guard(
        () -> {
          MoveInput move = input.move();
          RegionApp target = clients.of(move.destination()).getApp(move.newName());
          if (!target.madeBy(move.migrationId())) {
            throw invalidRequest(
                notOurs(move.newName(), move.destination(), move.migrationId())
                    + " Traffic is not redirected to it.");
          }
          clients
              .of(move.source())
              .setRedirect(move.app(), new AppRedirect(target.url(), input.until()));
          log.info("redirected {} in {} to {}", move.app(), move.source(), target.url());
          return new RedirectResult(
              target.url(),
              List.of(
                  "Redirected app "
                      + move.app()
                      + " in region "
                      + move.source()
                      + " to "
                      + target.url()
                      + " until "
                      + input.until()
                      + "."));
        });
  }

  @Override
  public StepResult removeRedirect(AppInput input) {
    return guard(
        () -> {
          RegionClient region = clients.of(input.region());
          Optional<RegionApp> app = region.findApp(input.app());
          if (app.isEmpty()) {
            return StepResult.of(gone(input.app(), input.region()) + " No redirect to remove.");
          }
          if (app.get().redirect() == null) {
            return StepResult.of(
                "App " + input.app() + " in region " + input.region() + " has no redirect.");
          }
          region.removeRedirect(input.app());
          log.info("removed the redirect of {} in {}", input.app(), input.region());
          return StepResult.of(
              "Removed the redirect of app " + input.app() + " in region " + input.region() + ".");
        });
  }

  // ---- wording

  private static Formation formation(List<Container> containers) {
    return new Formation(
        containers.stream().map(c -> new Process(c.name(), c.amount(), c.size())).toList());
  }

  /** Host names that belong to the region (the app's router URL), not to the app's owner. */
  private static Set<String> ownHostSuffixes(RegionClient region, RegionApp app) {
    Set<String> hosts = new java.util.HashSet<>();
    String routerHost = region.region().routerHost();
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

  private static String gone(String app, String region) {
    return "App "
        + app
        + " does not exist in region "
        + region
        + " (already gone or never created).";
  }

  private static String notOurs(String app, String region, String migrationId) {
    return "App "
        + app
        + " in region "
        + region
        + " was not created by migration "
        + migrationId
        + ".";
  }

  private static String describe(AppSettings settings) {
    return "force_https=" + settings.forceHttps() + ", sticky_session=" + settings.stickySession();
  }

  private static String describeContainers(Collection<Container> containers) {
    return containers.stream()
        .map(c -> c.name() + ": " + c.amount() + " × " + c.size())
        .collect(Collectors.joining(", "));
  }

  private static <T> List<String> names(List<T> items, Function<T, String> name) {
    return items.stream().map(name).toList();
  }

  private static String counted(String verb, int count, String noun, List<String> names) {
    if (count == 0) {
      return verb + " no " + noun + "s.";
    }
    return verb + " " + plural(count, noun) + ": " + String.join(", ", names) + ".";
  }

  private static String plural(int count, String noun) {
    return count + " " + noun + (count == 1 ? "" : "s");
  }
}
