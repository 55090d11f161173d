package io.regionmove.workflows;

import io.regionmove.activities.AppInput;
import io.regionmove.activities.ConfigInput;
import io.regionmove.activities.MoveInput;
import io.regionmove.model.ConfigKind;
import io.regionmove.model.MigrationRequest;

/**
 * The prepare step: freezes the source app, creates the destination app and copies each kind of
 * configuration into it, each action's undo registered before it runs.
 */
final class PrepareStep {

  private final MigrationRequest request;
  private final MigrationCalls calls;
  private final Progress progress;
  private final Compensations compensations;
  private final AppInput sourceApp;
  private final AppInput destinationApp;
  private final MoveInput move;

  PrepareStep(
      MigrationRequest request,
      MigrationCalls calls,
      Progress progress,
      Compensations compensations) {
    this.request = request;
    this.calls = calls;
    this.progress = progress;
    this.compensations = compensations;
    this.sourceApp = calls.sourceApp();
    this.destinationApp = calls.destinationApp();
    this.move = calls.move();
  }

  void run() {
    String src = request.source();
    String dst = request.destination();
    compensations.register(
        "unfreeze-source",
        "Unfreeze source app " + request.app(),
        () -> calls.undo(src, "unfreeze source app").unfreezeSource(sourceApp));
    progress.step(
        "Freeze source app " + request.app(),
        () -> calls.region(src, "freeze source app").freezeSource(sourceApp));

    compensations.register(
        "delete-destination-app",
        "Delete destination app " + request.newName() + " in " + dst,
        () -> calls.undo(dst, "delete destination app").deleteApp(destinationApp));
    progress.step(
        "Create app " + request.newName() + " in " + dst,
        () -> calls.region(dst, "create destination app").createApp(move));

    for (ConfigKind kind : ConfigKind.values()) {
      ConfigInput input = new ConfigInput(move, kind);
      compensations.register(
          "remove-" + kind.name().toLowerCase(),
          "Remove copied " + kind.label(),
          () -> calls.undo(dst, "remove copied " + kind.label()).removeConfig(input));
      progress.step(
          "Copy " + kind.label(),
          () -> calls.region(dst, "copy " + kind.label()).copyConfig(input));
    }
  }
}
