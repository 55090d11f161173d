package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.CheckResult;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.Addon;
import io.regionmove.model.DataHandling;
import io.regionmove.model.MigrationRequest;

/**
 * The preflight checks (SPEC §2), run by migration-create and by a dry run: read-only, so nothing
 * to revert. Every check that fails is kept as the sentence the user reads; the migration fails its
 * preflight when there is at least one. An addon whose data no engine moves is refused unless the
 * user moves it by hand (SPEC §8); the workers decide which addons those are, this class only reads
 * their answer.
 */
final class Preflight {

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;

  Preflight(MigrationRequest request, MigrationCalls calls, Progress progress) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
  }

  /** Checks the source app and the destination region; null when there is nothing to check. */
  SourceCheck run() {
    String src = request.source();
    if (src.equals(request.destination())) {
      progress
          .checks()
          .add(
              "the destination region is the source region (%s): choose another destination"
                  .formatted(src));
      return null;
    }
    SourceCheck source =
        progress.step(
            "Check app " + request.app() + " in " + src,
            () -> calls.preflight(src, "check source app").checkSource(calls.sourceApp()),
            r -> describe(r.checks(), request));
    progress.addons(source.addons());
    progress.addFailedChecks(source.checks());
    checkDataHandling(source);
    CheckResult destination =
        progress.step(
            "Check destination region " + request.destination(),
            () ->
                calls
                    .preflight(src, "check destination region")
                    .checkDestination(new DestinationCheckInput(calls.move(), source.addons())),
            r -> describe(r.checks(), request));
    progress.addFailedChecks(destination.checks());
    return source;
  }

  /**
   * Each addon whose data no engine moves must be one the user moves by hand, and each id the user
   * gave must be one of the app's addons (when the app was found).
   */
  private void checkDataHandling(SourceCheck source) {
    for (Addon addon : source.addons()) {
      if (addon.handling() == DataHandling.MANUAL && !request.manualData().contains(addon.id())) {
        progress.checks().add(Wording.cannotMove(addon));
      }
    }
    if (source.appFound()) {
      for (String id : request.manualData()) {
        if (source.addons().stream().noneMatch(a -> a.id().equals(id))) {
          progress.checks().add(Wording.notAnAddon(id, request.app()));
        }
      }
    }
  }
}
