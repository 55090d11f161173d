package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;
import static io.regionmove.activities.region.Wording.gone;
import static io.regionmove.activities.region.Wording.notOurs;

import io.regionmove.activities.AddonInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.StepResult;
import io.regionmove.model.Addon;
import io.regionmove.regionapi.RegionAddon;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions a destination addon for a source addon, and deprovisions it. The destination addon
 * carries the reference {@link #addonReference}, so a retried provision finds what the first
 * attempt made and the undo removes only that one.
 */
final class AddonActions {

  private static final Logger log = LoggerFactory.getLogger(AddonActions.class);

  private final RegionClients clients;

  AddonActions(RegionClients clients) {
    this.clients = clients;
  }

  StepResult provisionAddon(AddonInput input) {
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

  StepResult deprovisionAddon(AddonInput input) {
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
  static String addonReference(MoveInput move, Addon sourceAddon) {
    return move.migrationId() + ":" + sourceAddon.id();
  }

  static Optional<RegionAddon> findByReference(RegionClient region, String app, String reference) {
    return region.listAddons(app).stream().filter(a -> reference.equals(a.reference())).findFirst();
  }
}
