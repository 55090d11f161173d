package io.regionmove.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.regionmove.client.MigrationClient;
import io.regionmove.client.MigrationClient.Step;
import io.regionmove.client.MigrationClient.StepHandle;
import io.regionmove.client.PendingActivity;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationPlan;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.ScheduledStep;
import io.regionmove.model.StepStatus;
import io.regionmove.regionapi.Json;
import io.temporal.client.WorkflowQueryException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The migration commands' work and output (SPEC §3), shared by the subcommands and the demo: run
 * the step with live progress, then print its outcome and the commands that come next. Each method
 * returns the exit code.
 */
final class MigrationActions {

  private static final Logger log = LoggerFactory.getLogger(MigrationActions.class);
  static final Duration POLL = Duration.ofMillis(300);
  private static final String WEBHOOK_ACTIVITY = "NotifyStatusChange";
  private static final Duration PREFLIGHT_TIMEOUT = Duration.ofMinutes(15);
  private static final Duration LAG_WAIT = Duration.ofSeconds(5);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private final MigrationClient client;
  private final Console console;
  private final boolean json;
  private final StepOutcome outcome;

  MigrationActions(MigrationClient client, Console console, boolean json) {
    this.client = client;
    this.console = console;
    this.json = json;
    this.outcome = new StepOutcome(console);
  }

  /** Starts a migration, shows its preflight and says whether it can go ahead. */
  Migration create(String app, String source, String destination, String newName) {
    return create(app, source, destination, newName, List.of());
  }

  /** As {@link #create(String, String, String, String)}, telling {@code webhooks} of changes. */
  Migration create(
      String app, String source, String destination, String newName, List<String> webhooks) {
    return create(app, source, destination, newName, webhooks, List.of());
  }

  /** Telling {@code webhooks} of changes; the user moves the data of addons {@code manualData}. */
  Migration create(
      String app,
      String source,
      String destination,
      String newName,
      List<String> webhooks,
      List<String> manualData) {
    String id =
        client.create(
            app, source, destination, newName, EnvironmentSettings.read(), webhooks, manualData);
    if (!json) {
      console.println("Migration ID: " + id);
      console.println("Migrating app: " + app);
      console.println("Destination: " + destination);
      if (!webhooks.isEmpty()) {
        console.println(
            "Status changes are POSTed to "
                + webhooks.size()
                + (webhooks.size() == 1 ? " webhook" : " webhooks")
                + ", signed with the workers' REGIONMOVE_NOTIFY_SECRET.");
      }
    }
    ProgressPrinter progress = new ProgressPrinter(console, 0);
    Migration migration;
    try (InterruptNotice notice =
        new InterruptNotice(
            console, progress, "the preflight", NextCommands.follow(source, app, id))) {
      migration = client.awaitPreflight(id, m -> showProgress(progress, m), PREFLIGHT_TIMEOUT);
    }
    progress.update(migration);
    progress.finish();
    return migration;
  }

  /** Prints the outcome of a create; the exit code. */
  int reportCreate(Migration m) {
    if (json) {
      printJson(m);
    }
    if (m.status() == MigrationStatus.PREFLIGHT_SUCCESS) {
      if (!json) {
        console.println("Your app can be migrated to the " + m.destination() + " zone.");
        console.println("To start the migration launch:");
        console.println("  " + NextCommands.run(m, "prepare"));
      }
      return ExitCodes.OK;
    }
    Optional<String> running =
        m.checks().stream().anyMatch(c -> c.contains("already has a migration in progress"))
            ? client.runningMigrationOf(m.app(), m.source())
            : Optional.empty();
    if (!json) {
      console.println("The migration cannot go ahead:");
      m.checks().forEach(c -> console.println("  - " + c));
      outcome.printManualDataHint(m);
      running.ifPresent(
          r -> {
            console.println("Running migration: " + r);
            console.println("Follow it or abort it with:");
            console.println("  " + NextCommands.follow(m.source(), m.app(), r));
            console.println(
                "  " + NextCommands.base(m.source(), m.app()) + " migration-abort " + r);
          });
    }
    if (running.isPresent()) {
      console.error(inProgress(m.app(), m.source(), running.get()));
    } else {
      console.error(cannotGoAhead(m.checks()));
    }
    return ExitCodes.FAILED;
  }

  /**
   * Runs a dry run (SPEC §10): every preflight check, then the plan, then {@value
   * DryRunReport#NOTHING_CREATED}; the exit code (0 when the app can be migrated). A migration of
   * the app in progress is one more failed check, as it would refuse a create.
   */
  int dryRun(
      String app,
      String source,
      String destination,
      String newName,
      List<String> manualData,
      boolean live) {
    if (!json) {
      console.println(
          "Dry run of the migration of app "
              + app
              + " from "
              + source
              + " to "
              + destination
              + (live ? " with live data mode" : "")
              + ":");
    }
    MigrationPlan plan;
    try {
      plan =
          client.dryRun(
              app, source, destination, newName, manualData, live, EnvironmentSettings.read());
    } catch (IllegalStateException e) {
      throw new CliException(ExitCodes.FAILED, e.getMessage(), e);
    }
    Migration preflight = plan.preflight();
    List<String> failed = new ArrayList<>(preflight.checks());
    client
        .runningMigrationOf(app, source)
        .ifPresent(running -> failed.add(inProgress(app, source, running)));
    if (json) {
      ObjectNode shown = Json.mapper().valueToTree(plan);
      if (failed.size() > preflight.checks().size()) {
        shown.put("canMigrate", false);
        ((ObjectNode) shown.get("preflight"))
            .withArrayProperty("checks")
            .add(failed.get(failed.size() - 1));
      }
      printJson(shown);
    } else {
      ProgressPrinter progress = new ProgressPrinter(console, 0);
      progress.update(preflight);
      progress.finish();
      if (plan.move() != null) {
        new DryRunReport(console).printPlan(preflight, plan.move(), plan.live());
      }
      if (failed.isEmpty()) {
        console.println("Your app can be migrated to the " + destination + " zone.");
        console.println("To create the migration launch:");
        console.println("  " + NextCommands.create(preflight));
      } else {
        console.println("The migration cannot go ahead:");
        failed.forEach(c -> console.println("  - " + c));
        outcome.printManualDataHint(preflight);
      }
      console.println(DryRunReport.NOTHING_CREATED);
    }
    if (failed.isEmpty()) {
      return ExitCodes.OK;
    }
    console.error(cannotGoAhead(failed));
    return ExitCodes.FAILED;
  }

  /** The sentence of a refused create: the first failed check, and how many more there are. */
  private static String cannotGoAhead(List<String> checks) {
    String first = checks.isEmpty() ? "the preflight checks failed" : checks.get(0);
    String more =
        checks.size() > 1 ? " (and " + (checks.size() - 1) + " more check(s) listed above)" : "";
    return "The migration cannot go ahead: " + StepOutcome.stripDot(first) + more + ".";
  }

  private static String inProgress(String app, String source, String running) {
    return "App "
        + app
        + " in "
        + source
        + " already has a migration in progress ("
        + running
        + "); finish or abort it first.";
  }

  /**
   * Runs one step with live progress: the workflow accepts or rejects it at once, then the status
   * query is polled until the step ends.
   */
  Migration run(String id, Step step) {
    Migration before = client.status(id);
    ProgressPrinter progress = new ProgressPrinter(console, before.steps().size());
    StepHandle handle = client.startStep(id, step);
    CompletableFuture<Migration> result = CompletableFuture.supplyAsync(handle::await);
    try (InterruptNotice notice =
        new InterruptNotice(
            console,
            progress,
            "the " + step.wireName() + " step",
            NextCommands.follow(before.source(), before.app(), id))) {
      return await(id, result, progress);
    }
  }

  private Migration await(
      String id, CompletableFuture<Migration> result, ProgressPrinter progress) {
    while (true) {
      try {
        Migration done = result.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
        showProgress(progress, done);
        progress.finish();
        return done;
      } catch (TimeoutException e) {
        try {
          showProgress(progress, client.status(id), id);
        } catch (WorkflowQueryException ignored) {
          // the next poll will tell
        }
      } catch (ExecutionException e) {
        progress.finish();
        throw unwrap(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.FAILED, "Interrupted; the step goes on in the workflow.");
      }
    }
  }

  /**
   * Schedules a step (SPEC §10 {@code --at}) and returns at once: {@code <Step> scheduled at
   * <time>} and the commands to follow it, run it now or abort; the exit code.
   */
  int schedule(String id, Step step, Instant at) {
    Migration m = client.schedule(id, step, at);
    if (json) {
      printJson(m);
      return ExitCodes.OK;
    }
    Instant when = m.scheduled() == null ? at : m.scheduled().at();
    console.println(StepOutcome.capitalized(step.wireName()) + " scheduled at " + when);
    console.println("Follow it with:");
    console.println("  " + NextCommands.follow(m.source(), m.app(), m.id()));
    console.println("Run it now instead (scheduling again replaces the time):");
    console.println("  " + NextCommands.run(m, step.wireName()));
    console.println("Or abort the migration, which cancels it:");
    console.println("  " + NextCommands.abort(m));
    return ExitCodes.OK;
  }

  /** Prints what a step ended with and what comes next; the exit code. */
  int report(Migration m) {
    if (json) {
      printJson(m);
      return StepOutcome.exitCodeOf(m);
    }
    return outcome.print(m, () -> currentLag(m));
  }

  /** Shows the whole migration, then follows it while a step runs; the exit code. */
  int follow(String id) {
    Migration m = client.status(id);
    if (!json) {
      console.println("Migration ID: " + m.id());
      console.println("Migrating app: " + m.app());
      console.println("Destination: " + m.destination());
      console.println("Status: " + m.status());
    }
    ProgressPrinter progress = new ProgressPrinter(console, 0);
    showProgress(progress, m, id);
    ScheduledStep waitingFor = showScheduled(null, m);
    try (InterruptNotice notice =
        new InterruptNotice(
            console, progress, "the migration", NextCommands.follow(m.source(), m.app(), id))) {
      // A scheduled step is followed until it has run: it is what comes next; while data is
      // replicated the lag shows live, until the cutover or an abort (or Ctrl-C).
      while (m.status() == MigrationStatus.CREATED
          || m.status() == MigrationStatus.RUNNING
          || m.status() == MigrationStatus.ABORTING
          || m.status() == MigrationStatus.ROLLING_BACK
          || m.status() == MigrationStatus.DATA_REPLICATING
          || m.scheduled() != null) {
        sleep(POLL);
        m = client.status(id);
        showProgress(progress, m, id);
        waitingFor = showScheduled(waitingFor, m);
      }
    }
    progress.finish();
    return report(m);
  }

  /** Plain output says once what a followed migration waits for (a terminal shows its line). */
  private ScheduledStep showScheduled(ScheduledStep shown, Migration m) {
    ScheduledStep now = m.scheduled();
    if (now != null && !now.equals(shown) && !json && !console.isTerminal()) {
      console.println("  waiting until " + now.at() + " to run " + now.step());
    }
    return now;
  }

  /** The table of an app's migrations; the exit code. */
  int list(String app, String source) {
    List<Migration> migrations = client.list(app, source);
    if (json) {
      printJson(migrations);
      return ExitCodes.OK;
    }
    if (migrations.isEmpty()) {
      console.println("No migration of app " + app + " in " + source + " yet. Start one with:");
      console.println("  " + NextCommands.base(source, app) + " migration-create --to REGION");
      return ExitCodes.OK;
    }
    String format = "%-36s  %-14s  %-19s  %-19s  %s";
    console.println(
        String.format(format, "ID", "Destination", "Started At", "Finished At", "Status"));
    for (Migration m : migrations) {
      console.println(
          String.format(
              format,
              m.id(),
              m.destination(),
              time(m.startedAt()),
              time(m.finishedAt()),
              m.scheduled() == null
                  ? m.status().wireName()
                  : m.status() + " (" + m.scheduled().step() + " at " + m.scheduled().at() + ")"));
    }
    return ExitCodes.OK;
  }

  private void showProgress(ProgressPrinter progress, Migration m) {
    if (!json) {
      progress.update(m);
    }
  }

  /**
   * The step lines, and while a step runs the progress of its activity (its heartbeats, its
   * retries).
   */
  private void showProgress(ProgressPrinter progress, Migration m, String id) {
    if (json) {
      return;
    }
    List<PendingActivity> pending = List.of();
    if (m.steps().stream().anyMatch(s -> s.status() == StepStatus.RUNNING)) {
      try {
        // Webhook deliveries are no step's work: they would be paired with the wrong line.
        pending =
            client.pendingActivities(id).stream()
                .filter(p -> !WEBHOOK_ACTIVITY.equals(p.type()))
                .toList();
      } catch (RuntimeException e) {
        // Progress is a nicety: the step lines go on without it, and the next poll tries again.
        log.debug("Cannot read the pending activities of migration {}: {}", id, e.toString());
      }
    }
    progress.update(m, pending);
  }

  /**
   * The replication lag the lag watch last heartbeated (it sends its first one at once), else the
   * one the start of the replication logged.
   */
  private String currentLag(Migration m) {
    long deadline = System.nanoTime() + LAG_WAIT.toNanos();
    while (true) {
      try {
        List<String> lags =
            client.pendingActivities(m.id()).stream()
                .filter(a -> ProgressPrinter.isLag(a.details()))
                .map(a -> ProgressPrinter.describe(a))
                .toList();
        if (!lags.isEmpty()) {
          return String.join("; ", lags);
        }
      } catch (RuntimeException e) {
        log.debug("Cannot read the lag of migration {}: {}", m.id(), e.toString());
        break;
      }
      if (System.nanoTime() > deadline) {
        break;
      }
      sleep(POLL);
    }
    return m.steps().stream()
        .flatMap(s -> s.logs().stream())
        .filter(l -> l.startsWith("Replication of addon"))
        .reduce((a, b) -> b)
        .orElse("not measured yet; migration-follow shows it");
  }

  void printJson(Object value) {
    try {
      console.println(Json.pretty().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot print the migration as JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String time(Instant instant) {
    return instant == null ? "-" : TIME.format(instant);
  }

  private static RuntimeException unwrap(Throwable e) {
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(
          ExitCodes.FAILED, "Interrupted; the migration goes on in the workflow.");
    }
  }
}
