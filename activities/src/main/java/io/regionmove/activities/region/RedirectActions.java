package io.regionmove.activities.region;

import static io.regionmove.activities.region.RegionFailures.guard;
import static io.regionmove.activities.region.RegionFailures.invalidRequest;
import static io.regionmove.activities.region.Wording.gone;
import static io.regionmove.activities.region.Wording.notOurs;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.activities.RedirectInput;
import io.regionmove.activities.RedirectResult;
import io.regionmove.activities.StepResult;
import io.regionmove.regionapi.AppRedirect;
import io.regionmove.regionapi.RegionApp;
import io.regionmove.regionapi.RegionClient;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the old app's traffic to the new app until a date, and stops doing so. */
final class RedirectActions {

  private static final Logger log = LoggerFactory.getLogger(RedirectActions.class);

  private final RegionClients clients;

  RedirectActions(RegionClients clients) {
    this.clients = clients;
  }

  RedirectResult redirectSource(RedirectInput input) {
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

  StepResult removeRedirect(AppInput input) {
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
}
