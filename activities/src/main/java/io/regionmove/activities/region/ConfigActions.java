package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;
import static io.regionmove.activities.region.Wording.gone;
import static io.regionmove.activities.region.Wording.notOurs;

import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.ConfigKind;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies one kind of configuration to the destination app and removes it again, through the {@link
 * ConfigCopier} of that kind. Only an app made by this migration is ever written to.
 */
final class ConfigActions {

  private static final Logger log = LoggerFactory.getLogger(ConfigActions.class);

  private final RegionClients clients;

  ConfigActions(RegionClients clients) {
    this.clients = clients;
  }

  /** The one place a kind meets its copier: the compiler checks that every kind has one. */
  static ConfigCopier copierOf(ConfigKind kind) {
    return switch (kind) {
      case VARIABLES -> new VariablesCopier();
      case COLLABORATORS -> new CollaboratorsCopier();
      case DOMAINS -> new DomainsCopier();
      case SETTINGS -> new SettingsCopier();
      case FORMATION -> new FormationCopier();
      case NOTIFIERS -> new NotifiersCopier();
    };
  }

  StepResult copyConfig(ConfigInput input) {
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
          StepResult result =
              new StepResult(
                  copierOf(input.kind()).copy(new ConfigMove(source, destination, move, target)));
          log.info(
              "copied {} of {} to {} in {}",
              input.kind(),
              move.app(),
              move.newName(),
              move.destination());
          return result;
        });
  }

  StepResult removeConfig(ConfigInput input) {
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
          StepResult result =
              new StepResult(
                  copierOf(input.kind())
                      .remove(new ConfigMove(source, destination, move, target.get())));
          log.info("removed {} from {} in {}", input.kind(), move.newName(), move.destination());
          return result;
        });
  }
}
