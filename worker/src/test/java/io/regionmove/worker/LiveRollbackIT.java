package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.regionmove.model.Migration;
import io.regionmove.model.MigrationRequest;
import io.regionmove.model.MigrationSettings;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replication back of a live migration (SPEC §10) end to end, with the real workflow,
 * activities and two sandbox regions each with its own PostgreSQL cluster: the writes the
 * destination accepted after the cutover come back to the source through the replication back the
 * cutover set up; the source answers again, writable, with its sequences ahead; nothing of either
 * replication is left on either side; and, without a rollback, the end of the redirect window drops
 * it.
 */
class LiveRollbackIT {

  private static final int ROWS = 2_000;

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  @BeforeAll
  static void startWorker() {
    stack.startWorker();
  }

  @Test
  void theWritesOfTheDestinationSinceALiveCutoverAreBackInTheSourceAfterARollback()
      throws Exception {
    String app = "live-back-app";
    stack.seedSourceApp(app, ROWS);
    String sourceUrl = SandboxProbe.databaseUrl(stack.source(), app);
    AppWriter.createTable(sourceUrl);
    for (int id = 1; id <= 3; id++) {
      LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (" + id + ", 'before')");
    }
    AppMigrationWorkflow migration = stack.startMigration(app);
    RegionmoveTestStack.awaitPreflightSuccess(migration);
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());
    LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (4, 'replicated')");
    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), done::toString);
    assertEquals(308, LiveProbe.routerStatus(stack.source(), app), "the old URL redirects");
    String destinationUrl = SandboxProbe.databaseUrl(stack.destination(), app);
    List<String> back = replicationBack(sourceUrl, destinationUrl);
    assertEquals(3, back.size(), back::toString);
    assertTrue(
        back.stream().allMatch(s -> s.contains(" regionmove_back_")),
        "the source subscribes to the destination's publication and slot: " + back);

    // The app writes in the destination: a row, a change, a deletion, a sequence advanced.
    LiveProbe.execute(
        destinationUrl, "INSERT INTO writes (id, region) VALUES (1001, 'destination')");
    LiveProbe.execute(destinationUrl, "UPDATE writes SET touched = 7 WHERE id = 2");
    LiveProbe.execute(destinationUrl, "DELETE FROM writes WHERE id = 3");
    long destinationTicket =
        Long.parseLong(LiveProbe.one(destinationUrl, "SELECT max(ticket) FROM writes"));
    Map<String, DatabaseFingerprint.Table> destination = userTables(destinationUrl);

    Migration rolledBack = migration.rollback();

    assertEquals(MigrationStatus.ROLLED_BACK, rolledBack.status(), rolledBack::toString);
    assertTrue(rolledBack.errors().isEmpty(), rolledBack.errors().toString());
    assertEquals(
        List.of("1:before:0", "2:before:7", "4:replicated:0", "1001:destination:0"),
        LiveProbe.strings(
            sourceUrl, "SELECT id || ':' || region || ':' || touched FROM writes ORDER BY id"),
        "every write the destination accepted is back in the source");
    assertEquals(destination, userTables(sourceUrl), "the source equals the destination");
    assertEquals(
        200,
        LiveProbe.routerStatus(stack.source(), app),
        "the source app runs again, without its redirect");
    LiveProbe.execute(sourceUrl, "INSERT INTO writes (id, region) VALUES (2001, 'after')");
    long sourceTicket =
        Long.parseLong(LiveProbe.one(sourceUrl, "SELECT ticket FROM writes WHERE id = 2001"));
    assertTrue(
        sourceTicket > destinationTicket,
        "the source's sequence goes on after the destination's: "
            + sourceTicket
            + " > "
            + destinationTicket);
    assertEquals(List.of(), replicationBack(sourceUrl, destinationUrl), "nothing replicates");
    assertEquals(List.of(), LiveProbe.leftovers(stack, sourceUrl, destinationUrl));
    assertEquals(
        "0",
        LiveProbe.one(sourceUrl, "SELECT count(*) FROM pg_namespace WHERE nspname = 'regionmove'"),
        "the markers are gone");
    assertEquals(
        List.of(),
        SandboxProbe.addonDatabaseNames(
            stack.postgres(RegionmoveTestStack.DESTINATION), stack.destination(), app),
        "the destination database is gone");
  }

  @Test
  void theEndOfTheRedirectWindowDropsTheReplicationBack() throws Exception {
    String app = "live-window-app";
    stack.seedSourceApp(app, ROWS);
    String sourceUrl = SandboxProbe.databaseUrl(stack.source(), app);
    String id = UUID.randomUUID().toString();
    AppMigrationWorkflow migration =
        stack
            .client()
            .newWorkflowStub(
                AppMigrationWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(AppMigrationWorkflow.workflowId(id))
                    .setTaskQueue(AppMigrationWorkflow.TASK_QUEUE)
                    .build());
    WorkflowClient.start(
        migration::run,
        new MigrationRequest(
            id,
            app,
            app,
            RegionmoveTestStack.SOURCE,
            RegionmoveTestStack.DESTINATION,
            new MigrationSettings(
                null, Duration.ofSeconds(15), RegionmoveTestStack.HEARTBEAT_TIMEOUT)));
    RegionmoveTestStack.awaitPreflightSuccess(migration);
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    assertEquals(MigrationStatus.DATA_REPLICATING, migration.dataLive().status());
    assertEquals(MigrationStatus.DONE, migration.finalizeMigration().status());
    String destinationUrl = SandboxProbe.databaseUrl(stack.destination(), app);
    assertEquals(3, replicationBack(sourceUrl, destinationUrl).size());

    Migration closed =
        WorkflowStub.fromTyped(migration).getResult(2, TimeUnit.MINUTES, Migration.class);

    assertEquals(MigrationStatus.DONE, closed.status(), closed::toString);
    assertTrue(closed.errors().isEmpty(), closed.errors().toString());
    assertEquals(List.of(), replicationBack(sourceUrl, destinationUrl), "nothing replicates");
    assertEquals(
        "false",
        LiveProbe.one(
            destinationUrl,
            "SELECT rolreplication::text FROM pg_roles WHERE rolname = current_user"),
        "the destination addon's role may no longer replicate");
    assertEquals(200, LiveProbe.routerStatus(stack.destination(), app), "the new app runs");
    LiveProbe.execute(destinationUrl, "CREATE TABLE after_window (id int PRIMARY KEY)");
    LiveProbe.execute(destinationUrl, "INSERT INTO after_window VALUES (1)");
    assertEquals(404, LiveProbe.routerStatus(stack.source(), app), "the old app is deleted");
  }

  /** Every table but regionmove's markers, which the two sides drop at different times. */
  private static Map<String, DatabaseFingerprint.Table> userTables(String url) {
    Map<String, DatabaseFingerprint.Table> tables = DatabaseFingerprint.of(url);
    tables.keySet().removeIf(name -> name.startsWith("regionmove."));
    return tables;
  }

  /**
   * What the replication back could leave: a subscription in the source addon's database, a slot or
   * a publication in the destination addon's (while it exists). The clusters are shared with the
   * other live ITs, whose done migrations replicate back until their redirect window ends.
   */
  private static List<String> replicationBack(String sourceUrl, String destinationUrl)
      throws SQLException {
    List<String> left = new ArrayList<>();
    try (Connection c = stack.postgres(RegionmoveTestStack.SOURCE).connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT subname FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid"
                    + " WHERE d.datname = '"
                    + PostgresServer.databaseOf(sourceUrl)
                    + "'")) {
      while (rs.next()) {
        left.add("subscription " + rs.getString(1));
      }
    }
    String database = PostgresServer.databaseOf(destinationUrl);
    try (Connection c = stack.postgres(RegionmoveTestStack.DESTINATION).connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT slot_name FROM pg_replication_slots WHERE database = '" + database + "'")) {
      while (rs.next()) {
        left.add("slot " + rs.getString(1));
      }
    }
    try (Connection c = stack.postgres(RegionmoveTestStack.DESTINATION).connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")) {
      rs.next();
      if (rs.getInt(1) > 0) {
        LiveProbe.strings(destinationUrl, "SELECT pubname FROM pg_publication")
            .forEach(p -> left.add("publication " + p));
      }
    }
    return left;
  }
}
