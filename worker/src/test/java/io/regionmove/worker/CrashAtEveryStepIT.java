package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.KilledWorker;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.testkit.WorkerProcess;
import io.regionmove.worker.CrashPoints.Point;
import io.regionmove.worker.CrashPoints.When;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.regionmove.workflows.MigrationSearchAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILLs the worker process once at every activity boundary of a whole migration with data
 * (create, prepare, data, finalize) and once inside each long data activity, starts a new worker
 * each time, and checks that every migration still ends {@code done} with its data verified, one
 * destination app, one set of addons and exactly one complete backup per database addon.
 *
 * <p>One migration per crash moment: the first kills the worker before every activity call (each
 * call's first attempt), the second after every call did its work but before its result reached
 * Temporal, the third at the first heartbeat of the backup, the restore and the verification. The
 * worker is {@link CrashingWorkerMain}: it prints a marker and blocks at its next crash point; the
 * test kills it (with its pg_dump or pg_restore), then starts the next worker with the points still
 * ahead. The test asserts it killed exactly once per planned point, and Temporal's history agrees:
 * the killed activity was retried (with it, the backup or restore running at the same time).
 *
 * <p>Two waits that only measure Temporal, not regionmove, are cut short so the whole class fits a
 * CI budget: a killed worker's sticky workflow queue is reset (as a worker shutting down cleanly
 * does) instead of waiting 5 s for it to time out, and the dead attempt of a short activity (no
 * heartbeat, 2 minutes start-to-close) is failed by id as its timeout would. The long data
 * activities are left to their heartbeat timeout, as in production.
 */
class CrashAtEveryStepIT {

  /** Rows of the sample database of the first two migrations: enough to be real, quick to move. */
  private static final int ROWS = 3_000;

  /**
   * Extra rows for the third migration, so that the backup, the restore and the verification each
   * run past their first heartbeat (2 s).
   */
  private static final int INSIDE_EXTRA_EVENTS = 1_000_000;

  /** Every activity call of a migration with one postgresql addon, in the order they run. */
  private static final List<String> CALLS =
      List.of(
          // create: preflight
          "CheckSource",
          "CheckDestination",
          // prepare
          "FreezeSource",
          "CreateApp",
          "CopyConfig",
          "CopyConfig",
          "CopyConfig",
          "CopyConfig",
          "CopyConfig",
          "CopyConfig",
          // data
          "ReadFormation",
          "StopApp",
          "ProvisionAddon",
          "BackupAddon",
          "RestoreAddon",
          "VerifyAddon",
          // finalize
          "StartApp",
          "RedirectSource");

  /** Activities of one addon that run at the same time in one worker. */
  private static final Set<String> TOGETHER = Set.of("BackupAddon", "RestoreAddon");

  /** Heartbeating activities: their dead attempt is left to the heartbeat timeout. */
  private static final Set<String> LONG = Set.of("BackupAddon", "RestoreAddon", "VerifyAddon");

  private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(5);

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  private static final List<String> summary = Collections.synchronizedList(new ArrayList<>());

  /** One kill: where, when it happened, and how long the next worker took to move past it. */
  private record Kill(Point point, Instant at, Duration recovered, List<String> killedChildren) {}

  @AfterAll
  static void writeSummary() {
    if (!summary.isEmpty()) {
      String text = String.join("\n", summary);
      System.out.println("CrashAtEveryStepIT summary:\n" + text);
      try {
        Files.writeString(Path.of("target", "crash-at-every-step.txt"), text + "\n");
      } catch (IOException e) {
        System.err.println("could not write the crash summary: " + e);
      }
    }
  }

  @Test
  void aWorkerKilledBeforeEveryActivityStillMovesTheAppOnceWithItsData() throws Exception {
    CrashPoints plan = new CrashPoints(CALLS.stream().map(c -> point(c, When.BEFORE)).toList());
    assertTrue(plan.size() >= 18, "every activity call of the migration is a crash point");
    crashRun("crash-before", plan, 0, Set.of());
  }

  @Test
  void aWorkerKilledAfterEveryActivityDidItsWorkStillMovesTheAppOnceWithItsData() throws Exception {
    CrashPoints plan = new CrashPoints(CALLS.stream().map(c -> point(c, When.AFTER)).toList());
    crashRun("crash-after", plan, 0, Set.of());
  }

  @Test
  void aWorkerKilledInsideTheBackupTheRestoreAndTheVerificationStillMovesTheData()
      throws Exception {
    CrashPoints plan =
        new CrashPoints(
            List.of(
                point("BackupAddon", When.INSIDE),
                point("RestoreAddon", When.INSIDE),
                point("VerifyAddon", When.INSIDE)));
    crashRun("crash-inside", plan, INSIDE_EXTRA_EVENTS, Set.of("BackupAddon", "RestoreAddon"));
  }

  // ---- one migration, killed at each of its points ------------------------------------------

  /**
   * @param slowedBySourceLock the activity types the test slows down, when one of them is the next
   *     point, by holding an exclusive lock on the source's largest table until the worker is
   *     killed: pg_dump waits on it and the restore following it waits for its archive, both
   *     heartbeating, so their first heartbeat comes whatever this machine's speed (the
   *     verification heartbeats as soon as it starts)
   */
  private void crashRun(
      String app, CrashPoints plan, int extraEvents, Set<String> slowedBySourceLock)
      throws Exception {
    Instant began = Instant.now();
    stack.seedSourceApp(app, ROWS);
    String sourceDatabase = SandboxProbe.databaseUrls(stack.source(), app).get(0);
    if (extraEvents > 0) {
      SandboxProbe.addSampleEvents(stack.source(), app, extraEvents);
    }
    Map<String, DatabaseFingerprint.Table> sourceData = DatabaseFingerprint.of(sourceDatabase);
    List<String> sourceAddonIds = addonIds(stack.source(), app, false);
    List<String> sourceDatabaseAddonIds = addonIds(stack.source(), app, true);
    Duration seeding = Duration.between(began, Instant.now());

    Instant started = Instant.now();
    CrashPoints remaining = plan;
    TableLock lock = new TableLock(sourceDatabase, "events");
    lock.holdWhile(nextIsOneOf(remaining, slowedBySourceLock));
    WorkerProcess worker = startWorker(remaining);
    List<Kill> kills = new ArrayList<>();
    List<WorkerProcess> workers = new ArrayList<>(List.of(worker));
    try {
      worker.awaitStarted(Duration.ofSeconds(30));
      AppMigrationWorkflow migration = stack.startMigration(app);
      WorkflowStub untyped = WorkflowStub.fromTyped(migration);
      String id = untyped.getExecution().getWorkflowId();
      CompletableFuture<Migration> driven = CompletableFuture.supplyAsync(() -> drive(untyped));

      Instant lastKill = null;
      Point lastPoint = null;
      List<String> lastChildren = List.of();
      Instant deadline = Instant.now().plus(PHASE_TIMEOUT.multipliedBy(3));
      while (!driven.isDone()) {
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError("the migration did not end; worker log:\n" + worker.log());
        }
        Optional<Point> reached = CrashPoints.reachedIn(worker.log());
        if (reached.isEmpty()) {
          if (!worker.process().isAlive()) {
            throw new AssertionError("the worker exited on its own:\n" + worker.log());
          }
          RegionmoveTestStack.sleep(Duration.ofMillis(25));
          continue;
        }
        Point point = reached.get();
        if (lastKill != null) {
          kills.add(
              new Kill(
                  lastPoint, lastKill, Duration.between(lastKill, Instant.now()), lastChildren));
        }
        if (point.when() == When.INSIDE) {
          awaitHeartbeatRecorded(untyped, point);
        }
        lastKill = Instant.now();
        lastPoint = point;
        lastChildren =
            worker.kill().stream()
                .map(WorkerProcess.Descendant::command)
                .map(CrashAtEveryStepIT::program)
                .toList();
        assertFalse(worker.process().isAlive());
        remaining = remaining.without(point);
        lock.holdWhile(nextIsOneOf(remaining, slowedBySourceLock));
        worker = startWorker(remaining);
        workers.add(worker);
        KilledWorker.resetStickyQueues(stack, untyped.getExecution(), app);
        KilledWorker.failDeadAttempts(stack, untyped.getExecution(), LONG);
        worker.awaitStarted(Duration.ofSeconds(30));
      }
      Migration done = driven.get();
      if (lastKill != null) {
        kills.add(
            new Kill(lastPoint, lastKill, Duration.between(lastKill, Instant.now()), lastChildren));
      }
      Duration migrationTime = Duration.between(started, Instant.now());

      // Every planned point was reached, in the planned order (the backup and the restore, which
      // run together, in either order), and killed there exactly once.
      assertEquals(
          inPlannedOrder(plan.points()),
          inPlannedOrder(kills.stream().map(Kill::point).toList()),
          () -> "points never reached: " + kills);
      CrashPoints unreached = remaining;
      assertTrue(unreached.isEmpty(), () -> "points never reached: " + unreached);
      // Temporal's history agrees: the killed activity was retried, and besides it at most the
      // one running with it (the backup or the restore).
      Map<String, Integer> retried = retriedActivities(id);
      for (Kill kill : kills) {
        assertTrue(
            retried.containsKey(kill.point().activityType()),
            () -> kill + " not retried: " + retried);
      }
      Set<String> killedTypes =
          new java.util.HashSet<>(kills.stream().map(k -> k.point().activityType()).toList());
      int killsOfOthers =
          (int) kills.stream().filter(k -> !TOGETHER.contains(k.point().activityType())).count();
      assertEquals(
          killsOfOthers,
          retried.entrySet().stream()
              .filter(e -> !TOGETHER.contains(e.getKey()))
              .mapToInt(Map.Entry::getValue)
              .sum(),
          () ->
              "one retried activity per kill outside the backup and restore: "
                  + retried
                  + " for "
                  + killedTypes);

      assertEquals(MigrationStatus.DONE, done.status(), () -> "migration: " + done);
      assertEquals(MigrationStatus.DONE.wireName(), searchStatus(untyped));
      assertMovedOnce(app, id, sourceData, sourceAddonIds, sourceDatabaseAddonIds);

      String line =
          String.format(
              "%-13s %2d kills of %2d points, migration %5.1f s (seeding %4.1f s, %,d rows), per kill: %s",
              app,
              kills.size(),
              plan.size(),
              migrationTime.toMillis() / 1000.0,
              seeding.toMillis() / 1000.0,
              sourceData.values().stream().mapToLong(DatabaseFingerprint.Table::rows).sum(),
              kills.stream()
                  .map(
                      k ->
                          k.point()
                              + " "
                              + String.format("%.1fs", k.recovered().toMillis() / 1000.0)
                              + (k.killedChildren().isEmpty() ? "" : " +" + k.killedChildren()))
                  .collect(Collectors.joining(", ")));
      summary.add(line);
      System.out.println(line);
    } finally {
      lock.holdWhile(false);
      for (WorkerProcess w : workers) {
        w.close();
      }
    }
  }

  /**
   * The first attempt of a call; any attempt of the backup and the restore, which run at the same
   * time: a kill at one kills the other's attempt too, so which attempt reaches a point depends on
   * which of the two got there first.
   */
  private static Point point(String activityType, When when) {
    return new Point(
        activityType, when, TOGETHER.contains(activityType) ? CrashPoints.ANY_ATTEMPT : 1);
  }

  /** The points with the backup's and the restore's in one fixed order, wherever they came. */
  private static List<String> inPlannedOrder(List<Point> points) {
    List<String> names = new ArrayList<>(points.stream().map(Point::toString).toList());
    int first = -1;
    for (int i = 0; i < names.size(); i++) {
      if (TOGETHER.contains(points.get(i).activityType())) {
        first = first < 0 ? i : first;
      }
    }
    if (first >= 0) {
      List<String> together =
          new ArrayList<>(
              names.stream().filter(n -> TOGETHER.contains(n.split(":")[0])).sorted().toList());
      names.removeIf(n -> TOGETHER.contains(n.split(":")[0]));
      names.addAll(first, together);
    }
    return names;
  }

  private static boolean nextIsOneOf(CrashPoints remaining, Set<String> types) {
    return !remaining.isEmpty() && types.contains(remaining.points().get(0).activityType());
  }

  /** An ACCESS EXCLUSIVE lock on one table, held in an open transaction of the test's own. */
  private static final class TableLock {
    private final String postgresqlUrl;
    private final String table;
    private Connection held;

    TableLock(String postgresqlUrl, String table) {
      this.postgresqlUrl = postgresqlUrl;
      this.table = table;
    }

    void holdWhile(boolean wanted) {
      try {
        if (wanted && held == null) {
          PostgresServer server = PostgresServer.fromUrl(postgresqlUrl);
          held =
              DriverManager.getConnection(
                  server.jdbcUrl(PostgresServer.databaseOf(postgresqlUrl)),
                  server.user(),
                  server.password());
          held.setAutoCommit(false);
          try (Statement s = held.createStatement()) {
            s.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
          }
        } else if (!wanted && held != null) {
          held.rollback();
          held.close();
          held = null;
        }
      } catch (SQLException e) {
        throw new IllegalStateException("table lock on " + table + ": " + e.getMessage(), e);
      }
    }
  }

  /** Drives the migration like a user: prepare, data, finalize, each an update waited on. */
  private static Migration drive(WorkflowStub workflow) {
    awaitSearchStatus(workflow, MigrationStatus.PREFLIGHT_SUCCESS);
    Migration prepared = update(workflow, "prepare");
    assertEquals(MigrationStatus.PREPARED, prepared.status(), () -> "prepare: " + prepared);
    Migration migrated = update(workflow, "data");
    assertEquals(MigrationStatus.DATA_MIGRATED, migrated.status(), () -> "data: " + migrated);
    return update(workflow, "finalize");
  }

  /**
   * Sends one step's update and waits for its result. The update has a fixed id, so asking again
   * after a worker died while it was being accepted joins the same update.
   */
  private static Migration update(WorkflowStub workflow, String name) {
    UpdateOptions<Migration> options =
        UpdateOptions.newBuilder(Migration.class)
            .setUpdateName(name)
            .setUpdateId(workflow.getExecution().getWorkflowId() + "-" + name)
            .setWaitForStage(WorkflowUpdateStage.ACCEPTED)
            .build();
    Instant deadline = Instant.now().plus(PHASE_TIMEOUT);
    while (true) {
      try {
        WorkflowUpdateHandle<Migration> handle = workflow.startUpdate(options);
        return handle.getResult(PHASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (WorkflowServiceException e) {
        // Also WorkflowUpdateTimeoutOrCancelledException: the RPC gave up while no worker was
        // alive.
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        RegionmoveTestStack.sleep(Duration.ofMillis(500));
      }
    }
  }

  /**
   * Waits for the status search attribute (no worker needed to read it); fails on another terminal
   * status.
   */
  private static void awaitSearchStatus(WorkflowStub workflow, MigrationStatus wanted) {
    Instant deadline = Instant.now().plus(PHASE_TIMEOUT);
    String last = null;
    while (Instant.now().isBefore(deadline)) {
      last = searchStatus(workflow);
      if (wanted.wireName().equals(last)) {
        return;
      }
      if (last != null && MigrationStatus.PREFLIGHT_ERROR.wireName().equals(last)) {
        throw new AssertionError("preflight failed: " + workflow.query("status", Migration.class));
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("status still " + last + " after " + PHASE_TIMEOUT);
  }

  private static String searchStatus(WorkflowStub workflow) {
    return workflow.describe().getTypedSearchAttributes().get(MigrationSearchAttributes.STATUS);
  }

  /** Waits until Temporal holds a heartbeat of the first attempt of {@code point}'s activity. */
  private static void awaitHeartbeatRecorded(WorkflowStub workflow, Point point) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      boolean recorded =
          workflow.describe().getRawDescription().getPendingActivitiesList().stream()
              .anyMatch(
                  a ->
                      a.getActivityType().getName().equals(point.activityType())
                          && point.matchesAttempt(a.getAttempt())
                          && a.hasHeartbeatDetails()
                          && a.hasLastHeartbeatTime());
      if (recorded) {
        return;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError("no heartbeat of " + point + " reached Temporal");
  }

  // ---- what a finished migration must have left ----------------------------------------------

  private static void assertMovedOnce(
      String app,
      String migrationId,
      Map<String, DatabaseFingerprint.Table> sourceData,
      List<String> sourceAddonIds,
      List<String> sourceDatabaseAddonIds) {
    // Data: every table equal, rows and checksums.
    List<String> destinationDatabases = SandboxProbe.databaseUrls(stack.destination(), app);
    assertEquals(
        sourceDatabaseAddonIds.size(),
        destinationDatabases.size(),
        "one database per source database");
    assertEquals(
        sourceData,
        DatabaseFingerprint.of(destinationDatabases.get(0)),
        "per-table checksums equal");

    // One destination app, made by this migration, and no other app carrying its reference.
    JsonNode destinationApp = SandboxProbe.regionGet(stack.destination(), "/v1/apps/" + app);
    assertNotNull(destinationApp, "the destination app exists");
    List<String> appsOfThisMigration = new ArrayList<>();
    for (JsonNode a : SandboxProbe.regionGet(stack.destination(), "/v1/apps").path("apps")) {
      if (migrationId.equals(a.path("reference").asText(null))) {
        appsOfThisMigration.add(a.path("name").asText());
      }
    }
    assertEquals(List.of(app), appsOfThisMigration, "exactly one destination app per migration");

    // The configuration copied once: a copy retried after its work was done adds no duplicate.
    assertEquals(
        texts(
            SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/variables")
                .path("variables"),
            "name",
            "generated",
            "false"),
        texts(
            SandboxProbe.regionGet(stack.destination(), "/v1/apps/" + app + "/variables")
                .path("variables"),
            "name",
            "generated",
            "false"),
        "variables (not addon-generated) copied once");
    assertEquals(
        texts(
            SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/collaborators")
                .path("collaborators"),
            "email",
            "status",
            "accepted"),
        texts(
            SandboxProbe.regionGet(stack.destination(), "/v1/apps/" + app + "/collaborators")
                .path("collaborators"),
            "email",
            null,
            null),
        "accepted collaborators copied once");
    for (String part : List.of("domains", "notifiers")) {
      assertEquals(
          texts(
              SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/" + part).path(part),
              "name",
              null,
              null),
          texts(
              SandboxProbe.regionGet(stack.destination(), "/v1/apps/" + app + "/" + part)
                  .path(part),
              "name",
              null,
              null),
          part + " copied once");
    }

    // One set of addons.
    assertEquals(
        sourceAddonIds.size(),
        addonIds(stack.destination(), app, false).size(),
        "one set of addons");
    assertEquals(
        sourceAddonIds, addonIds(stack.source(), app, false), "the source keeps its addons");

    // Backups: one complete backup per database addon, nothing half-written anywhere.
    Path backups = stack.backupDir().resolve(migrationId);
    assertEquals(
        new TreeSet<>(sourceDatabaseAddonIds),
        new TreeSet<>(names(backups)),
        "one backup per database addon");
    for (String addonId : sourceDatabaseAddonIds) {
      Path backup = backups.resolve(addonId);
      assertTrue(
          Files.isRegularFile(backup.resolve("manifest.json")), () -> "complete backup " + backup);
    }
    List<Path> staging = stagingIn(stack.backupDir());
    assertEquals(List.of(), staging, "no staging or partial backup left");

    // The source stays stopped and redirects to the new app for the redirect window.
    assertEquals(
        "stopped",
        SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app)
            .path("app")
            .path("status")
            .asText());
    var old = SandboxProbe.routerGet(stack.source().routerUrl(app));
    assertEquals(308, old.statusCode(), old::body);
    assertEquals(200, SandboxProbe.routerGet(stack.destination().routerUrl(app)).statusCode());
  }

  private static List<String> addonIds(
      io.regionmove.sandbox.SandboxRegion region, String app, boolean databasesOnly) {
    List<String> ids = new ArrayList<>();
    for (JsonNode addon :
        SandboxProbe.regionGet(region, "/v1/apps/" + app + "/addons").path("addons")) {
      if (!databasesOnly || "postgresql".equals(addon.path("provider").asText())) {
        ids.add(addon.path("id").asText());
      }
    }
    Collections.sort(ids);
    return ids;
  }

  /**
   * The {@code field} of each element (those whose {@code filter} field is {@code value}), sorted,
   * duplicates kept.
   */
  private static List<String> texts(JsonNode array, String field, String filter, String value) {
    List<String> texts = new ArrayList<>();
    for (JsonNode element : array) {
      if (filter == null || value.equals(element.path(filter).asText())) {
        texts.add(element.path(field).asText());
      }
    }
    Collections.sort(texts);
    return texts;
  }

  private static List<String> names(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> stagingIn(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      return paths.filter(p -> p.getFileName().toString().startsWith(".")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Activity type → how many of its calls were retried, from the workflow's history. */
  private static Map<String, Integer> retriedActivities(String workflowId) {
    Map<Long, String> scheduled = new HashMap<>();
    Map<String, Integer> retried = new TreeMap<>();
    for (HistoryEvent event : stack.client().fetchHistory(workflowId).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        scheduled.put(
            event.getEventId(),
            event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      }
      if (event.hasActivityTaskStartedEventAttributes()) {
        var started = event.getActivityTaskStartedEventAttributes();
        if (started.getAttempt() > 1) {
          retried.merge(scheduled.get(started.getScheduledEventId()), 1, Integer::sum);
        }
      }
    }
    return retried;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static WorkerProcess startWorker(CrashPoints points) {
    return stack.startWorkerProcess(
        WorkerProcess.Launch.mainClass(CrashingWorkerMain.class)
            .withEnvironment(CrashPoints.VARIABLE, points.toString()));
  }

  private static String program(String commandLine) {
    String first = commandLine.split(" ")[0];
    return Path.of(first).getFileName().toString();
  }
}
