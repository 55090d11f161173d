package io.regionmove.workflows;

import static io.regionmove.workflows.Wording.describe;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.StartAppInput;
import io.regionmove.model.Formation;
import io.regionmove.model.MigrationRequest;
import java.util.List;

/**
 * The source app as the migration found it: its formation, read once before it is first stopped, so
 * that an undo or a rollback starts it again as it ran.
 */
final class SourceApplication {

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;
  private final Compensations compensations;
  private final AppInput sourceApp;
  private Formation formation;

  SourceApplication(
      MigrationRequest request,
      MigrationCalls calls,
      Progress progress,
      Compensations compensations) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
    this.compensations = compensations;
    this.sourceApp = calls.sourceApp();
  }

  /** The formation read before the source first stopped; null until then. */
  Formation formation() {
    return formation;
  }

  /** Remembers the source formation once, then stops the source; undo restarts it with it. */
  void stop() {
    String src = request.source();
    rememberFormation();
    Formation remembered = formation;
    compensations.register(
        "restart-source",
        "Restart source app " + request.app() + " (" + describe(remembered) + ")",
        () ->
            calls
                .undo(src, "restart source app")
                .startApp(new StartAppInput(sourceApp, remembered)));
    progress.step(
        "Stop source app " + request.app(),
        () -> calls.region(src, "stop source app").stopApp(sourceApp));
  }

  /** Reads the source's formation the first time, for the undo that restarts it. */
  void rememberFormation() {
    if (formation == null) {
      formation =
          progress.step(
              "Read formation of " + request.app(),
              () ->
                  calls.region(request.source(), "read source formation").readFormation(sourceApp),
              f -> List.of(describe(f)));
    }
  }
}
