package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;
import static io.regionmove.activities.region.Wording.describeContainers;
import static io.regionmove.activities.region.Wording.gone;
import static io.regionmove.activities.region.Wording.notOurs;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.AppUrl;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.StartAppInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Formation;
import io.regionmove.model.Process;
import io.regionmove.regionapi.Container;
import io.regionmove.regionapi.Created;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the migration does to whole apps, each action next to its undo: freeze and unfreeze the
 * source, create and delete the destination app, stop and start an app; plus reading a formation
 * and URL and, after the redirect window, deleting the old source app.
 */
final class AppActions {

  private static final Logger log = LoggerFactory.getLogger(AppActions.class);

  private final RegionClients clients;

  AppActions(RegionClients clients) {
    this.clients = clients;
  }

  // ---- freeze

  StepResult freezeSource(AppInput input) {
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

  StepResult unfreezeSource(AppInput input) {
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

  StepResult createApp(MoveInput input) {
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
  StepResult deleteApp(AppInput input) {
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

  StepResult deleteSourceApp(MoveInput input) {
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

  // ---- formation, stop and start

  Formation readFormation(AppInput input) {
    return guard(() -> formation(clients.of(input.region()).listContainers(input.app())));
  }

  AppUrl readUrl(AppInput input) {
    return guard(() -> new AppUrl(clients.of(input.region()).getApp(input.app()).url()));
  }

  StepResult stopApp(AppInput input) {
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

  StepResult startApp(StartAppInput input) {
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

  /** The workflow's view of a Region API formation. */
  static Formation formation(List<Container> containers) {
    return new Formation(
        containers.stream().map(c -> new Process(c.name(), c.amount(), c.size())).toList());
  }
}
