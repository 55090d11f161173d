package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.model.Phase;
import io.regionmove.model.Step;
import io.regionmove.model.StepStatus;
import io.regionmove.sandbox.mysql.MariaDbServer;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.PendingActivities;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * Abort from every state a migration can wait in, and from inside each long data activity of every
 * engine (PostgreSQL, MySQL, Redis): the source app gets back its exact configuration, formation,
 * data and router answer, and the destination keeps no trace (no app, no addon database on any
 * server, no backup, no data tool still running). One stack for every case, with a MariaDB and a
 * Redis server per region, a fresh sample app per case.
 */
class AbortEverywhereIT {

  private static final Logger log = LoggerFactory.getLogger(AbortEverywhereIT.class);

  /**
   * Rows added to the sample app for the abort-during cases, so each data activity lasts seconds.
   */
  private static final int EXTRA_EVENTS = Integer.getInteger("regionmove.it.abortRows", 600_000);

  /** Rows added for the abort-during-restore case: a restore of them lasts several seconds. */
  private static final int RESTORE_EVENTS =
      Integer.getInteger("regionmove.it.abortRestoreRows", 1_500_000);

  private static final long startedNanos = System.nanoTime();

  /** Keys of a redis sample app, so that its backup lasts seconds. */
  private static final int REDIS_KEYS = 50_000;

  @RegisterExtension
  static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer().withEngines();

  private static final ActivityGate gate = new ActivityGate();

  @BeforeAll
  static void startWorker() {
    stack.startWorker(List.of(gate));
  }

  @AfterAll
  static void logDuration() {
    log.info(
        "AbortEverywhereIT took {} s in all",
        Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds());
  }

  @Test
  void abortAfterPreflightChangesNothing() {
    String app = "abort-preflight-app";
    FaultBaseline before = seed(app, 200);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();

    abortCleanly(migration);
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  @Test
  void abortAfterPrepareUnfreezesTheSourceAndDeletesTheDestinationApp() {
    String app = "abort-prepared-app";
    FaultBaseline before = seed(app, 200);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertNotNull(SandboxProbe.appConfiguration(stack.destination(), app));

    abortCleanly(migration);
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  @Test
  void abortAfterDataRestartsTheSourceAndDropsTheDestinationDatabaseAndTheBackup() {
    String app = "abort-data-app";
    FaultBaseline before = seed(app, 1_000);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertEquals(MigrationStatus.DATA_MIGRATED, migration.data().status());
    assertEquals(
        1,
        SandboxProbe.addonDatabaseNames(
                stack.postgres(RegionmoveTestStack.DESTINATION), stack.destination(), app)
            .size());

    abortCleanly(migration);
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * The destination name is taken after preflight, so prepare fails at "Create app" for good; abort
   * from that error gives the source back and leaves the other owner's app untouched.
   */
  @Test
  void abortAfterAFailedPrepareLeavesAnAppItDidNotCreateUntouched() {
    String app = "abort-error-app";
    FaultBaseline before = seed(app, 200);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();

    var taken =
        SandboxProbe.regionSend(
            stack.destination(),
            "POST",
            "/v1/apps",
            "{\"app\":{\"name\":\"" + app + "\",\"reference\":\"someone-else\"}}");
    assertEquals(201, taken.statusCode(), taken::body);
    JsonNode othersApp = SandboxProbe.appConfiguration(stack.destination(), app);

    Migration failed = migration.prepare();
    assertEquals(MigrationStatus.ERROR, failed.status(), () -> "prepare: " + failed);
    assertEquals(Phase.PREPARE, failed.failedPhase());
    assertEquals(
        List.of(
            "Create app "
                + app
                + " in osc-fr1: osc-fr1 answered 409: The app name '"
                + app
                + "' is already taken in region osc-fr1."),
        failed.errors());

    Migration aborted = migration.abort();
    assertEquals(MigrationStatus.ABORTED, aborted.status(), () -> "abort: " + aborted);
    assertTrue(
        failed.errors().containsAll(aborted.errors()), () -> "no undo failed: " + aborted.errors());
    assertUndoStepsDone(aborted);
    before.assertSourceRestored(stack);
    assertEquals(
        othersApp,
        SandboxProbe.appConfiguration(stack.destination(), app),
        "the other owner's app is untouched");

    assertEquals(
        204,
        SandboxProbe.regionSend(stack.destination(), "DELETE", "/v1/apps/" + app, null)
            .statusCode());
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * pg_dump reads 600k rows in under 2 s, less than it takes a cancellation to reach a heartbeating
   * activity (up to 0.8 × the 4 s heartbeat time-out), so a session of the test holds a lock on the
   * source's events table: pg_dump runs and waits on it until the abort.
   */
  @Test
  void abortDuringBackupKillsPgDumpAndLeavesNoBackup() throws Exception {
    abortDuring("abort-backup-app", "BackupAddon", "pg_dump", "Back up ", EXTRA_EVENTS, true);
  }

  /** The restore of 1.5M rows lasts long enough that the abort reaches it while pg_restore runs. */
  @Test
  void abortDuringRestoreKillsPgRestoreAndDropsTheDestinationDatabase() throws Exception {
    abortDuring(
        "abort-restore-app", "RestoreAddon", "pg_restore", "Restore ", RESTORE_EVENTS, false);
  }

  /**
   * Verify reads 600k rows in about 1.5 s, less than a heartbeat period, so a session of the test
   * holds a lock on the source's events table from the restore on: verify waits on it (as on a busy
   * database) until the abort cancels its query.
   */
  @Test
  void abortDuringVerifyCancelsItsQueriesAndDropsTheDestinationDatabaseAndTheBackup()
      throws Exception {
    String app = "abort-verify-app";
    FaultBaseline before = seed(app, 1_000, EXTRA_EVENTS);
    String sourceDatabase =
        PostgresServer.databaseOf(SandboxProbe.databaseUrls(stack.source(), app).get(0));
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    // Hold the verification at its start, lock the restored events table, then let it run into
    // the lock: its destination query waits there until the abort cancels it.
    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    gate.hold("VerifyAddon");
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
    Migration aborted;
    String destinationDatabase;
    Connection lock;
    try {
      gate.awaitArrived(Duration.ofMinutes(3));
      destinationDatabase =
          PostgresServer.databaseOf(SandboxProbe.databaseUrls(stack.destination(), app).get(0));
      lock = lockEvents(RegionmoveTestStack.DESTINATION, destinationDatabase);
    } finally {
      gate.release();
    }
    // Deprovisioning the destination database ends this session too.
    try (lock) {
      awaitSessionWaitingOnLock(RegionmoveTestStack.DESTINATION, destinationDatabase);
      aborted = abortCleanly(migration);
    }
    assertInterrupted(aborted, "Verify ");
    assertEquals(MigrationStatus.ABORTED, data.getResult(30, TimeUnit.SECONDS).status());
    assertEquals(
        0,
        sessionsOnceClosed(RegionmoveTestStack.DESTINATION, destinationDatabase),
        "the verify's queries were cancelled, its sessions closed");
    assertEquals(
        0,
        sessionsOnceClosed(RegionmoveTestStack.SOURCE, sourceDatabase),
        "the verify's source session is closed too");

    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * A session of the test write-locks the source's events table, so mariadb-dump (reading it in its
   * snapshot) waits on the lock until the abort kills it and the mariadb client following it.
   */
  @Test
  void abortDuringMysqlBackupKillsMariadbDumpAndLeavesNoBackupNorDatabase() throws Exception {
    String app = "abort-my-backup-app";
    FaultBaseline before = seed(app, List.of("mysql"), 1_000);
    MariaDbServer mysql = stack.mysql(RegionmoveTestStack.SOURCE);
    String database = MariaDbServer.databaseOf(SandboxProbe.addonUrl(stack.source(), app, "mysql"));
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    Migration aborted;
    WorkflowUpdateHandle<Migration> data;
    try (Connection lock = mysql.connect(database);
        Statement s = lock.createStatement()) {
      s.execute("LOCK TABLES events WRITE");
      data = untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
      awaitRunning(untyped, "BackupAddon", "mariadb-dump");
      awaitMysqlWaitingOnLock(mysql, database);
      aborted = abortCleanly(migration);
      s.execute("UNLOCK TABLES");
    }
    assertInterrupted(aborted, "Back up ");
    assertEquals(MigrationStatus.ABORTED, data.getResult(30, TimeUnit.SECONDS).status());
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * The destination MariaDB holds a global read lock from the restore's start (the activity is held
   * at its start meanwhile), so the mariadb client waits on its first write; the backup completes,
   * the abort kills the client, and the destination database is dropped once the lock is gone.
   */
  @Test
  void abortDuringMysqlRestoreKillsTheClientAndDropsTheDestinationDatabaseAndTheBackup()
      throws Exception {
    String app = "abort-my-restore-app";
    FaultBaseline before = seed(app, List.of("mysql"), 1_000);
    MariaDbServer destination = stack.mysql(RegionmoveTestStack.DESTINATION);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    gate.hold("RestoreAddon");
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
    WorkflowUpdateHandle<Migration> abort;
    try (Connection lock = destination.connect(null);
        Statement s = lock.createStatement()) {
      try {
        gate.awaitArrived(Duration.ofMinutes(3));
        s.execute("FLUSH TABLES WITH READ LOCK");
      } finally {
        gate.release();
      }
      awaitRunning(untyped, "RestoreAddon", "mariadb");
      awaitMysqlWaitingOnLock(destination, null);
      PendingActivities.awaitGone(untyped, "BackupAddon", Duration.ofMinutes(2));
      assertTrue(
          PendingActivities.started(untyped, "RestoreAddon").isPresent(),
          "the restore still runs once the backup is complete");

      abort = untyped.startUpdate("abort", WorkflowUpdateStage.ACCEPTED, Migration.class);
      PendingActivities.awaitGone(untyped, "RestoreAddon", Duration.ofSeconds(60));
      FaultBaseline.assertNoDataToolRunning();
      s.execute("UNLOCK TABLES");
    }
    Migration aborted = abort.getResult(60, TimeUnit.SECONDS);
    assertAbortedCleanly(aborted);
    assertInterrupted(aborted, "Restore ");
    assertEquals(MigrationStatus.ABORTED, data.getResult(30, TimeUnit.SECONDS).status());
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * Once the backup is streaming keys, the source Redis pauses every client for a few seconds: the
   * backup waits on its next reply until the abort closes its connection.
   */
  @Test
  void abortDuringRedisBackupStopsItAndLeavesNoBackupNorDatabase() throws Exception {
    String app = "abort-redis-backup-app";
    FaultBaseline before = seed(app, List.of("redis"), REDIS_KEYS);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
    PendingActivities.awaitProgress(
        untyped, "BackupAddon", p -> p.stage().equals("dumping"), Duration.ofMinutes(2));
    try (Jedis admin = stack.redis(RegionmoveTestStack.SOURCE).connect(0)) {
      admin.clientPause(8_000, ClientPauseMode.ALL);
    }
    assertTrue(
        PendingActivities.started(untyped, "BackupAddon").isPresent(), "the backup still runs");
    Migration aborted = abortCleanly(migration);
    assertInterrupted(aborted, "Back up ");
    assertEquals(MigrationStatus.ABORTED, data.getResult(30, TimeUnit.SECONDS).status());
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * Once the restore is writing keys, the destination Redis pauses writes: the restore waits on its
   * next RESTOREs, the backup completes, the abort closes the restore's connection, and the
   * destination addon is deleted once writes resume.
   */
  @Test
  void abortDuringRedisRestoreStopsItAndDeletesTheDestinationDatabaseAndTheBackup()
      throws Exception {
    String app = "abort-redis-restore-app";
    FaultBaseline before = seed(app, List.of("redis"), REDIS_KEYS);
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    WorkflowUpdateHandle<Migration> data =
        untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
    WorkflowUpdateHandle<Migration> abort;
    PendingActivities.awaitProgress(
        untyped, "RestoreAddon", p -> p.stage().startsWith("restoring"), Duration.ofMinutes(2));
    try (Jedis admin = stack.redis(RegionmoveTestStack.DESTINATION).connect(0)) {
      admin.clientPause(120_000, ClientPauseMode.WRITE);
      try {
        PendingActivities.awaitGone(untyped, "BackupAddon", Duration.ofMinutes(2));
        assertTrue(
            PendingActivities.started(untyped, "RestoreAddon").isPresent(),
            "the restore still runs once the backup is complete");
        abort = untyped.startUpdate("abort", WorkflowUpdateStage.ACCEPTED, Migration.class);
        PendingActivities.awaitGone(untyped, "RestoreAddon", Duration.ofSeconds(60));
      } finally {
        admin.clientUnpause();
      }
    }
    Migration aborted = abort.getResult(60, TimeUnit.SECONDS);
    assertAbortedCleanly(aborted);
    assertInterrupted(aborted, "Restore ");
    assertEquals(MigrationStatus.ABORTED, data.getResult(30, TimeUnit.SECONDS).status());
    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /** Waits until a session on {@code mysql} (in {@code database}, if named) waits on a lock. */
  private static void awaitMysqlWaitingOnLock(MariaDbServer mysql, String database)
      throws SQLException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    try (Connection c = mysql.connect(null);
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE STATE LIKE 'Waiting for%lock' AND ID <> CONNECTION_ID()"
                    + " AND (? IS NULL OR DB = ?)")) {
      ps.setString(1, database);
      ps.setString(2, database);
      while (Instant.now().isBefore(deadline)) {
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          if (rs.getInt(1) > 0) {
            return;
          }
        }
        RegionmoveTestStack.sleep(Duration.ofMillis(50));
      }
    }
    throw new AssertionError("no session waited on the lock on " + mysql);
  }

  /**
   * Starts the data step, waits until {@code activityType} runs (and its {@code tool}, if any, runs
   * under this JVM), aborts, and checks that the activity was stopped by the abort and that
   * everything is as before the migration. With {@code lockSource}, a session of the test holds a
   * lock on the source's events table meanwhile, so the tool waits on it.
   */
  private static void abortDuring(
      String app,
      String activityType,
      String tool,
      String stepPrefix,
      int extraEvents,
      boolean lockSource)
      throws Exception {
    FaultBaseline before = seed(app, 1_000, extraEvents);
    String sourceDatabase =
        PostgresServer.databaseOf(SandboxProbe.databaseUrls(stack.source(), app).get(0));
    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    WorkflowStub untyped = WorkflowStub.fromTyped(migration);
    Migration aborted;
    WorkflowUpdateHandle<Migration> data;
    try (Connection lock =
        lockSource ? lockEvents(RegionmoveTestStack.SOURCE, sourceDatabase) : null) {
      data = untyped.startUpdate("data", WorkflowUpdateStage.ACCEPTED, Migration.class);
      awaitRunning(untyped, activityType, tool);
      if (lockSource) {
        awaitSessionWaitingOnLock(RegionmoveTestStack.SOURCE, sourceDatabase);
      }
      long abortStarted = System.nanoTime();
      aborted = abortCleanly(migration);
      log.info(
          "Abort during {} of {} took {} ms",
          activityType,
          app,
          Duration.ofNanos(System.nanoTime() - abortStarted).toMillis());
      if (lock != null) {
        lock.rollback();
      }
    }
    assertInterrupted(aborted, stepPrefix);
    assertEquals(
        MigrationStatus.ABORTED,
        data.getResult(30, TimeUnit.SECONDS).status(),
        "the data step answers aborted");

    before.assertSourceRestored(stack);
    FaultBaseline.assertNoTraceInDestination(stack, app, id);
  }

  /**
   * A session holding an exclusive lock on the events table of {@code database}, until rolled back.
   */
  private static Connection lockEvents(String region, String database) throws SQLException {
    Connection lock = stack.postgres(region).connect(database);
    lock.setAutoCommit(false);
    try (Statement s = lock.createStatement()) {
      s.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE");
    }
    return lock;
  }

  private static void assertInterrupted(Migration aborted, String stepPrefix) {
    Step interrupted =
        aborted.steps().stream()
            .filter(s -> s.phase() == Phase.DATA && s.name().startsWith(stepPrefix))
            .findFirst()
            .orElseThrow(
                () -> new AssertionError("no '" + stepPrefix + "' step: " + aborted.steps()));
    assertEquals(
        StepStatus.ERROR, interrupted.status(), () -> "the abort stopped it: " + interrupted);
    assertEquals(List.of("stopped by abort"), interrupted.logs());
  }

  private static void awaitSessionWaitingOnLock(String region, String database) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (sessionsOn(region, database, true) > 0) {
        return;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError("no verify query waited on the lock of " + database);
  }

  /**
   * Sessions on {@code database} other than the test's own (only those waiting on a lock, if
   * asked).
   */
  /**
   * The client sessions on the database, given 10 s to end (a closed connection's backend exits).
   */
  private static int sessionsOnceClosed(String region, String database)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    int sessions = sessionsOn(region, database, false);
    while (sessions > 0 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      sessions = sessionsOn(region, database, false);
    }
    return sessions;
  }

  private static int sessionsOn(String region, String database, boolean waitingOnLock) {
    try (Connection c = stack.postgres(region).connect("postgres");
        PreparedStatement ps =
            c.prepareStatement(
                // Client sessions only: an autovacuum worker may visit a freshly filled database.
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()"
                    + " AND backend_type = 'client backend'"
                    + (waitingOnLock ? " AND wait_event_type = 'Lock'" : ""))) {
      ps.setString(1, database);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitRunning(WorkflowStub workflow, String activityType, String tool) {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      boolean started =
          workflow.describe().getRawDescription().getPendingActivitiesList().stream()
              .anyMatch(
                  a ->
                      a.getActivityType().getName().equals(activityType)
                          && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      if (started
          && (tool == null
              || ProcessHandle.current()
                  .descendants()
                  .filter(ProcessHandle::isAlive)
                  .map(p -> p.info().command().orElse(""))
                  .anyMatch(c -> c.endsWith("/" + tool)))) {
        return;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(50));
    }
    throw new AssertionError(activityType + " did not start in time");
  }

  private static Migration abortCleanly(AppMigrationWorkflow migration) {
    Migration aborted = migration.abort();
    assertAbortedCleanly(aborted);
    return aborted;
  }

  private static void assertAbortedCleanly(Migration aborted) {
    assertEquals(MigrationStatus.ABORTED, aborted.status(), () -> "abort: " + aborted);
    assertEquals(List.of(), aborted.errors(), "every undo succeeded");
    assertUndoStepsDone(aborted);
  }

  private static void assertUndoStepsDone(Migration aborted) {
    assertTrue(
        aborted.steps().stream()
            .filter(s -> s.phase() == Phase.ABORT)
            .allMatch(s -> s.status() == StepStatus.DONE),
        () -> "every undo step is done: " + aborted.steps());
  }

  private static FaultBaseline seed(String app, int rows) {
    return seed(app, rows, 0);
  }

  /** A sample app with an addon of {@code rows} rows (or keys) for each of {@code addons}. */
  private static FaultBaseline seed(String app, List<String> addons, int rows) {
    stack.seedSourceApp(app, rows, addons);
    return FaultBaseline.of(stack, app);
  }

  private static FaultBaseline seed(String app, int rows, int extraEvents) {
    stack.seedSourceApp(app, rows);
    if (extraEvents > 0) {
      SandboxProbe.addSampleEvents(stack.source(), app, extraEvents);
    }
    return FaultBaseline.of(stack, app);
  }
}
