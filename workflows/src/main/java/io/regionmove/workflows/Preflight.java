package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.CheckResult;
import io.regionmove.activities.DestinationCheckInput;
import io.regionmove.activities.SourceCheck;
import io.regionmove.model.MigrationRequest;

/**
 * The preflight checks (SPEC §2), run by migration-create: read-only, so nothing to revert. Every
 * check that fails is kept as the sentence the user reads; the migration fails its preflight when
 * there is at least one.
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
            r -> describe(r.checks()));
    progress.addFailedChecks(source.checks());
    CheckResult destination =
        progress.step(
            "Check destination region " + request.destination(),
            () ->
                calls
                    .preflight(src, "check destination region")
                    .checkDestination(new DestinationCheckInput(calls.move(), source.addons())),
            r -> describe(r.checks()));
    progress.addFailedChecks(destination.checks());
    return source;
  }
}
