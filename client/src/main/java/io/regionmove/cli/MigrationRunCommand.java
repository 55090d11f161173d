package io.regionmove.cli;

import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.model.MigrationStatus;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(
    name = "migration-run",
    mixinStandardHelpOptions = true,
    description =
        "Runs one step of a migration: --prepare, --data (--live to replicate while the app"
            + " runs) or --finalize; --at schedules --data or --finalize instead.")
final class MigrationRunCommand implements Callable<Integer> {

  static final class Which {
    @Option(
        names = "--prepare",
        required = true,
        description = "Freeze the source and prepare the destination app.")
    boolean prepare;

    @Option(
        names = "--data",
        required = true,
        description = "Stop the source and copy its databases.")
    boolean data;

    @Option(
        names = "--finalize",
        required = true,
        description = "Start the destination and redirect the old URL.")
    boolean finalize;

    Step step() {
      return prepare ? Step.PREPARE : data ? Step.DATA : Step.FINALIZE;
    }
  }

  @ParentCommand RegionmoveCli root;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--live",
      description =
          "With --data: replicate the PostgreSQL databases while the app keeps running;"
              + " --finalize then cuts over in about a second.")
  boolean live;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Which which;

  @Option(
      names = "--at",
      paramLabel = "TIME",
      description =
          "Schedule --data or --finalize instead of running it now: an ISO-8601 instant"
              + " (2026-12-01T02:00:00Z) or a delay (+30s, +15m, +2h, +1d), within 30 days."
              + " Returns at once; scheduling again replaces it, the same command without --at"
              + " runs it now, abort cancels it.")
  String at;

  @Parameters(
      paramLabel = "MIGRATION_ID",
      description = "The migration id that migration-create printed.")
  String id;

  @Override
  public Integer call() {
    if (live && !which.data) {
      throw new CliException(
          ExitCodes.USAGE, "--live goes with --data only: migration-run --data --live " + id);
    }
    Step step = live ? Step.DATA_LIVE : which.step();
    InputChecks.migrationId(id);
    Instant when = null;
    if (at != null) {
      if (step == Step.DATA_LIVE) {
        throw new CliException(
            ExitCodes.USAGE,
            "--at schedules the stop-and-copy --data or --finalize; run --data --live without it"
                + " (its --finalize, the cutover, can be scheduled).");
      }
      if (step == Step.PREPARE) {
        throw new CliException(
            ExitCodes.USAGE, "--at schedules --data or --finalize only; run --prepare without it.");
      }
      when = StepTime.parse(at, Instant.now());
    }
    try (Session session = root.session()) {
      MigrationClient client = session.migrations();
      if (session.console().isTerminal() && !root.yes && !yes && !root.json) {
        var m = client.status(id);
        session
            .console()
            .println(
                (when == null ? "This will run the " : "This will schedule, at " + when + ", the ")
                    + step.wireName()
                    + " step of migration "
                    + id
                    + " ("
                    + m.app()
                    + ": "
                    + m.source()
                    + " → "
                    + m.destination()
                    + "):");
        boolean cutover = step == Step.FINALIZE && m.status() == MigrationStatus.DATA_REPLICATING;
        (cutover ? cutoverOperations() : operations(step))
            .forEach(o -> session.console().println("  - " + o));
        if (!session.console().confirm("Continue?")) {
          throw new CliException(ExitCodes.FAILED, "Cancelled; nothing was done.");
        }
      }
      MigrationActions actions = new MigrationActions(client, session.console(), root.json);
      if (when != null) {
        return actions.schedule(id, step, when);
      }
      return actions.report(actions.run(id, step));
    }
  }

  /** What finalize does after {@code --data --live}. */
  static List<String> cutoverOperations() {
    return List.of(
        "check every table at a consistent point while the source app still runs",
        "stop the source app and make its databases refuse writes",
        "apply the last writes, check what changed since, set sequences, copy large objects",
        "drop the subscription, the replication slots and the publication",
        "start the destination app and redirect the old URL to it");
  }

  static List<String> operations(Step step) {
    return switch (step) {
      case PREPARE ->
          List.of(
              "freeze the source app (configuration and addon changes are refused)",
              "create the destination app, not started",
              "copy env variables, accepted collaborators, domains with TLS certificates, settings, formation and notifiers");
      case DATA ->
          List.of(
              "stop the source app (its formation is remembered)",
              "provision each addon in the destination",
              "back up the data of each addon regionmove moves (PostgreSQL, MySQL, Redis), restore it in the destination and verify it (counts and checksums)",
              "leave empty the addons whose data you move by hand (--manual-data)");
      case DATA_LIVE ->
          List.of(
              "check that each PostgreSQL database can be replicated (wal_level, slots, keys,"
                  + " unlogged tables, large objects)",
              "provision each addon in the destination; the source app keeps running",
              "copy each database at a replication slot's snapshot, then replicate every later"
                  + " write until you finalize");
      case FINALIZE ->
          List.of(
              "stop the source app if it still runs",
              "start the destination app with the copied formation",
              "redirect the old URL to the new one for the redirect window, then delete the old app");
      case ABORT ->
          List.of(
              "undo every step done so far, last first",
              "restart and unfreeze the source app, delete the destination app and its addons");
      case ROLLBACK ->
          List.of(
              "stop the destination app",
              "copy each database moved by the data step back into the source addon (its content"
                  + " is replaced by the destination's) and verify row counts and checksums",
              "remove the redirect, unfreeze the source app and start it with its formation",
              "delete the destination app and its addons, then the migration's backups",
              "a rollback cannot be aborted once started");
    };
  }
}
