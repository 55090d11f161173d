package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateHandle;
import io.temporal.client.WorkflowUpdateStage;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live data mode end to end (SPEC §9), with the real workflow, activities and two sandbox regions
 * each with its own PostgreSQL cluster, while a writer behaves like the app: it writes to whichever
 * region's database the router serves. No acknowledged write is missing in the destination, the
 * data is equal, sequences are ahead, and no slot, publication or subscription is left after done,
 * after an abort while replicating or during the cutover, after an abort while the source was out
 * of reach; a schema change during the replication is refused by the cutover.
 */
class LiveMigrationIT {

  private static final Logger log = LoggerFactory.getLogger(LiveMigrationIT.class);
  private static final int ROWS = 5_000;
  private static final int WRITES_PER_SECOND = 100;

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  private static final ActivityGate gate = new ActivityGate();

  @BeforeAll
  static void startWorker() {
    stack.startWorker(List.of(gate));
  }

  @Test
  void aLiveMigrationUnderWritesLosesNoAcknowledgedWriteAndLeavesNoSlot() throws Exception {
    String app = "live-app";
    String sourceUrl = seed(app);
    AppMigrationWorkflow migration = prepared(app);
    String id = WorkflowStub.fromTyped(migration).getExecution().getWorkflowId();
    AppWriter writer = new AppWriter(stack.source(), stack.destination(), app, WRITES_PER_SECOND);
    Migration done;
    try (writer) {
      RegionmoveTestStack.sleep(Duration.ofSeconds(1));
      Migration replicating = migration.dataLive();
      assertEquals(MigrationStatus.DATA_REPLICATING, replicating.status(), replicating::toString);
      assertEquals(200, LiveProbe.routerStatus(stack.source(), app), "the app keeps running");
      JsonNode lag = awaitLagHeartbeat(id);
      assertTrue(lag.path("lagBytes").asLong(-1) >= 0, lag.toString());
      RegionmoveTestStack.sleep(Duration.ofSeconds(3));

      done = migration.finalizeMigration();
      assertEquals(MigrationStatus.DONE, done.status(), done::toString);
      RegionmoveTestStack.sleep(Duration.ofSeconds(1));
    }
    String destinationUrl = SandboxProbe.databaseUrl(stack.destination(), app);

    List<AppWriter.Ack> acks = writer.acks();
    Set<String> present =
        new HashSet<>(LiveProbe.strings(destinationUrl, "SELECT id::text FROM writes"));
    List<Long> missing =
        acks.stream().map(AppWriter.Ack::id).filter(i -> !present.contains(i.toString())).toList();
    assertEquals(List.of(), missing, "every acknowledged write is in the destination");
    assertTrue(
        acks.stream().anyMatch(a -> a.region().equals(RegionmoveTestStack.SOURCE))
            && acks.stream().anyMatch(a -> a.region().equals(RegionmoveTestStack.DESTINATION)),
        "the writer wrote to the source, then to the destination");

    Map<String, DatabaseFingerprint.Table> source = DatabaseFingerprint.of(sourceUrl);
    Map<String, DatabaseFingerprint.Table> destination = DatabaseFingerprint.of(destinationUrl);
    source.remove("public.writes");
    destination.remove("public.writes");
    // The marker of the replication back stays on both sides until the redirect window ends.
    source.remove("regionmove.live_marker_back");
    destination.remove("regionmove.live_marker_back");
    assertEquals(source, destination, "the sample tables are equal");
    String ofSource =
        "SELECT count(*) || ':' || sum(hashtextextended(w::text, 0)) FROM writes w"
            + " WHERE region = '"
            + RegionmoveTestStack.SOURCE
            + "'";
    assertEquals(LiveProbe.one(sourceUrl, ofSource), LiveProbe.one(destinationUrl, ofSource));
    // The source also holds the destination's writes by now, through the replication back.
    long lastSourceTicket =
        Long.parseLong(
            LiveProbe.one(
                sourceUrl,
                "SELECT max(ticket) FROM writes WHERE region = '"
                    + RegionmoveTestStack.SOURCE
                    + "'"));
    long firstDestinationTicket =
        Long.parseLong(
            LiveProbe.one(
                destinationUrl,
                "SELECT min(ticket) FROM writes WHERE region = '"
                    + RegionmoveTestStack.DESTINATION
                    + "'"));
    assertTrue(
        firstDestinationTicket > lastSourceTicket,
        "the destination's sequence went on after the source's: "
            + firstDestinationTicket
            + " > "
            + lastSourceTicket);

    assertEquals(List.of(), LiveProbe.leftovers(stack, sourceUrl, destinationUrl));
    SQLException refused =
        assertThrows(
            SQLException.class,
            () -> LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (-1, 'x')"));
    assertTrue(refused.getMessage().contains("read-only"), refused.getMessage());
    String history = stack.client().fetchHistory(id).toJson(false);
    assertFalse(
        history.contains(PostgresServer.fromUrl(sourceUrl).password())
            || history.contains(PostgresServer.fromUrl(destinationUrl).password()),
        "no database password in the history");
    done.steps().stream()
        .filter(st -> st.phase() == io.regionmove.model.Phase.FINALIZE)
        .forEach(
            st ->
                log.info(
                    "finalize step {} ms: {}",
                    Duration.between(st.startedAt(), st.finishedAt()).toMillis(),
                    st.name()));
    Duration unavailable = writer.unavailability();
    assertNotNull(unavailable);
    log.info(
        "Live cutover: {} writes acknowledged ({} refused), write-unavailability {} ms",
        acks.size(),
        writer.refused(),
        unavailable.toMillis());
    assertTrue(unavailable.compareTo(Duration.ofSeconds(15)) < 0, "unavailable " + unavailable);
  }

  @Test
  void anAbortWhileReplicatingLeavesNoSlotAndTheSourceRunningAndWritable() throws Exception {
    String app = "live-abort-app";
    String sourceUrl = seed(app);
    AppMigrationWorkflow migration = prepared(app);
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());

    Migration aborted = migration.abort();

    assertEquals(MigrationStatus.ABORTED, aborted.status(), aborted::toString);
    assertSourceAsBefore(app, sourceUrl);
  }

  @Test
  void anAbortDuringTheCutoverLeavesNoSlotAndTheSourceRunningAndWritable() throws Exception {
    String app = "live-cutover-abort-app";
    String sourceUrl = seed(app);
    AppMigrationWorkflow migration = prepared(app);
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());
    WorkflowStub untyped = WorkflowStub.fromTyped(migration);

    // The destination app's start comes right after the frozen window and the source's stop:
    // hold it there.
    gate.hold("StartApp");
    WorkflowUpdateHandle<Migration> finalize;
    Migration aborted;
    try {
      finalize = untyped.startUpdate("finalize", WorkflowUpdateStage.ACCEPTED, Migration.class);
      gate.awaitArrived(Duration.ofMinutes(3));
      assertEquals(503, LiveProbe.routerStatus(stack.source(), app), "the source app is stopped");
      assertThrows(
          SQLException.class,
          () -> LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (-2, 'x')"),
          "its database refuses writes");
      untyped.startUpdate("abort", WorkflowUpdateStage.ACCEPTED, Migration.class);
    } finally {
      gate.release();
    }
    aborted =
        RegionmoveTestStack.awaitStatus(
            migration, m -> m.status() == MigrationStatus.ABORTED, Duration.ofMinutes(3));
    assertEquals(MigrationStatus.ABORTED, finalize.getResult(60, TimeUnit.SECONDS).status());
    assertTrue(aborted.errors().isEmpty(), aborted.errors().toString());
    assertSourceAsBefore(app, sourceUrl);
  }

  @Test
  void anAbortWhileTheSourceIsOutOfReachEndsOnceItAnswersWithNoSlotLeft() throws Exception {
    String app = "live-far-app";
    String sourceUrl = seed(app);
    AppMigrationWorkflow migration = prepared(app);
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());
    WorkflowStub untyped = WorkflowStub.fromTyped(migration);

    LiveProbe.cutOff(stack, sourceUrl);
    try {
      untyped.startUpdate("abort", WorkflowUpdateStage.ACCEPTED, Migration.class);
      RegionmoveTestStack.sleep(Duration.ofSeconds(10));
      assertEquals(
          MigrationStatus.ABORTING,
          migration.status().status(),
          "the abort waits for the source, to drop its slot");
    } finally {
      LiveProbe.reconnect(stack, sourceUrl);
    }
    Migration aborted =
        RegionmoveTestStack.awaitStatus(
            migration, m -> m.status() == MigrationStatus.ABORTED, Duration.ofMinutes(3));
    assertTrue(aborted.errors().isEmpty(), aborted.errors().toString());
    assertSourceAsBefore(app, sourceUrl);
  }

  @Test
  void aSchemaChangeDuringTheReplicationIsReportedAndRefusedByTheCutover() throws Exception {
    String app = "live-ddl-app";
    String sourceUrl = seed(app);
    AppMigrationWorkflow migration = prepared(app);
    String id = WorkflowStub.fromTyped(migration).getExecution().getWorkflowId();
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());

    LiveProbe.execute(sourceUrl, "ALTER TABLE writes ADD COLUMN note text");
    LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region, note) VALUES (-3, 'x', 'new')");
    awaitProblem(id, "writes");
    Migration refused = migration.finalizeMigration();

    assertEquals(MigrationStatus.ERROR, refused.status(), refused::toString);
    assertTrue(
        refused.errors().stream().anyMatch(e -> e.contains("abort the migration")),
        refused.errors().toString());
    assertEquals(200, LiveProbe.routerStatus(stack.source(), app), "the source was not stopped");
    assertEquals(MigrationStatus.ABORTED, migration.abort().status());
    assertSourceAsBefore(app, sourceUrl);
  }

  // ---- helpers

  private static String seed(String app) throws SQLException {
    stack.seedSourceApp(app, ROWS);
    String url = SandboxProbe.databaseUrl(stack.source(), app);
    AppWriter.createTable(url);
    return url;
  }

  private static AppMigrationWorkflow prepared(String app) {
    AppMigrationWorkflow migration = stack.startMigration(app);
    RegionmoveTestStack.awaitPreflightSuccess(migration);
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    return migration;
  }

  /** Running, writable, nothing of the replication left, the destination addon gone. */
  private static void assertSourceAsBefore(String app, String sourceUrl) throws SQLException {
    assertEquals(200, LiveProbe.routerStatus(stack.source(), app), "the source app runs");
    LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (-100, 'after')");
    assertEquals(List.of(), LiveProbe.leftovers(stack, sourceUrl, null));
    assertEquals(
        "0",
        LiveProbe.one(sourceUrl, "SELECT count(*) FROM pg_namespace WHERE nspname = 'regionmove'"),
        "the marker is gone");
    assertEquals(
        List.of(),
        SandboxProbe.addonDatabaseNames(
            stack.postgres(RegionmoveTestStack.DESTINATION), stack.destination(), app),
        "the destination database is gone");
  }

  private static JsonNode awaitLagHeartbeat(String id) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      JsonNode details = LiveProbe.heartbeat(stack, id, "WatchReplication");
      if (details != null && details.has("lagBytes")) {
        return details;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(200));
    }
    throw new AssertionError("no lag heartbeat on the pending WatchReplication activity");
  }

  private static void awaitProblem(String id, String text) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      JsonNode details = LiveProbe.heartbeat(stack, id, "WatchReplication");
      if (details != null && details.path("problems").toString().contains(text)) {
        return;
      }
      RegionmoveTestStack.sleep(Duration.ofMillis(300));
    }
    throw new AssertionError("the lag watch never reported a problem naming " + text);
  }
}
