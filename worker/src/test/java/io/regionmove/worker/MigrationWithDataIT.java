package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.sandbox.postgres.PostgresServer;
import io.regionmove.testkit.DatabaseFingerprint;
import io.regionmove.testkit.RegionmoveTestStack;
import io.regionmove.testkit.SandboxProbe;
import io.regionmove.workflows.AppMigrationWorkflow;
import io.temporal.api.history.v1.HistoryEvent;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whole migrations with the data step: real pg_dump and pg_restore between two regions. */
class MigrationWithDataIT {

  private static final int ROWS = 10_000;

  @RegisterExtension static final RegionmoveTestStack stack = RegionmoveTestStack.onDevServer();

  @BeforeAll
  static void startWorker() {
    stack.startWorker();
  }

  @Test
  void dataThenFinalizeMovesEveryRowAndKeepsTheBackup() {
    stack.seedSourceApp("my-app", ROWS);
    List<String> sourceDatabases = SandboxProbe.databaseUrls(stack.source(), "my-app");
    assertEquals(1, sourceDatabases.size());
    Map<String, DatabaseFingerprint.Table> sourceData =
        DatabaseFingerprint.of(sourceDatabases.get(0));
    assertEquals(
        ROWS, sourceData.values().stream().mapToLong(DatabaseFingerprint.Table::rows).sum());

    AppMigrationWorkflow migration = stack.startMigration("my-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    Migration data = migration.data();
    assertEquals(MigrationStatus.DATA_MIGRATED, data.status(), () -> "data: " + data);
    List<String> destinationDatabases = SandboxProbe.databaseUrls(stack.destination(), "my-app");
    assertEquals(
        1, destinationDatabases.size(), "one postgresql addon provisioned in the destination");
    assertEquals(sourceData, DatabaseFingerprint.of(destinationDatabases.get(0)));
    Path backup = backupOf(id, sourceAddonId("my-app"));
    assertTrue(
        Files.isRegularFile(backup.resolve("manifest.json")),
        "the data step keeps its backup: " + backup);

    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);
    String newUrl = stack.destination().routerUrl("my-app");
    HttpResponse<String> old = SandboxProbe.routerGet(stack.source().routerUrl("my-app"));
    assertEquals(308, old.statusCode(), old::body);
    assertEquals(newUrl, old.headers().firstValue("Location").orElse(null));
    assertEquals(200, SandboxProbe.routerGet(newUrl).statusCode());
    assertEquals(
        sourceData,
        DatabaseFingerprint.of(destinationDatabases.get(0)),
        "the data is untouched by finalize");
    // SPEC §2: only an abort deletes the backups; a finished migration keeps them.
    assertTrue(
        Files.isRegularFile(backup.resolve("manifest.json")), "the backup is kept after done");
  }

  @Test
  void twoDatabaseAddonsMoveAtTheSameTimeEachIntoItsOwnAddon() throws Exception {
    String app = "two-db-app";
    stack.seedSourceApp(app, ROWS);
    HttpResponse<String> created =
        SandboxProbe.regionSend(
            stack.source(),
            "POST",
            "/v1/apps/" + app + "/addons",
            "{\"addon\": {\"provider\": \"postgresql\", \"plan\": \"starter-512\", \"version\": \"15\"}}");
    assertTrue(created.statusCode() == 200 || created.statusCode() == 201, created::body);
    List<String> sources = SandboxProbe.databaseUrls(stack.source(), app);
    assertEquals(2, sources.size());
    String ledger =
        sources.stream().filter(u -> DatabaseFingerprint.of(u).isEmpty()).findFirst().orElseThrow();
    PostgresServer server = PostgresServer.fromUrl(ledger);
    try (Connection c =
            DriverManager.getConnection(
                server.jdbcUrl(PostgresServer.databaseOf(ledger)),
                server.user(),
                server.password());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, amount numeric(12,2), note text)");
      s.execute(
          "INSERT INTO ledger SELECT n, n * 1.5, md5(n::text) FROM generate_series(1, 20000) AS n");
    }
    Set<Map<String, DatabaseFingerprint.Table>> sourceData =
        sources.stream().map(DatabaseFingerprint::of).collect(Collectors.toSet());
    assertEquals(2, sourceData.size(), "the two databases hold different data");

    AppMigrationWorkflow migration = stack.startMigration(app);
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    Migration data = migration.data();
    assertEquals(MigrationStatus.DATA_MIGRATED, data.status(), () -> "data: " + data);

    List<String> destinations = SandboxProbe.databaseUrls(stack.destination(), app);
    assertEquals(2, destinations.size(), "one destination addon per source addon");
    assertEquals(
        sourceData, destinations.stream().map(DatabaseFingerprint::of).collect(Collectors.toSet()));
    // Both addons' backups were under way before either restore ended: the addons moved at the
    // same time, not one after the other.
    Map<Long, String> types = new java.util.HashMap<>();
    List<Long> backupsScheduled = new java.util.ArrayList<>();
    List<Long> restoresCompleted = new java.util.ArrayList<>();
    for (HistoryEvent event :
        stack.client().fetchHistory(AppMigrationWorkflow.workflowId(id)).getEvents()) {
      if (event.hasActivityTaskScheduledEventAttributes()) {
        String type = event.getActivityTaskScheduledEventAttributes().getActivityType().getName();
        types.put(event.getEventId(), type);
        if (type.equals("BackupAddon")) {
          backupsScheduled.add(event.getEventId());
        }
      }
      if (event.hasActivityTaskCompletedEventAttributes()
          && "RestoreAddon"
              .equals(
                  types.get(
                      event.getActivityTaskCompletedEventAttributes().getScheduledEventId()))) {
        restoresCompleted.add(event.getEventId());
      }
    }
    assertEquals(2, backupsScheduled.size());
    assertEquals(2, restoresCompleted.size());
    assertTrue(
        java.util.Collections.max(backupsScheduled) < java.util.Collections.min(restoresCompleted),
        () ->
            "backups scheduled at events "
                + backupsScheduled
                + ", restores completed at "
                + restoresCompleted);
    migration.abort();
  }

  @Test
  void abortAfterDataDeletesBackupsDropsTheDestinationAndRestartsTheSource() {
    stack.seedSourceApp("data-app", 1_000);
    JsonNode before = SandboxProbe.appConfiguration(stack.source(), "data-app");
    Map<String, DatabaseFingerprint.Table> sourceData =
        DatabaseFingerprint.of(SandboxProbe.databaseUrls(stack.source(), "data-app").get(0));

    AppMigrationWorkflow migration = stack.startMigration("data-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    Migration data = migration.data();
    assertEquals(MigrationStatus.DATA_MIGRATED, data.status(), () -> "data: " + data);
    Path backup = backupOf(id, sourceAddonId("data-app"));
    assertTrue(Files.isDirectory(backup));
    assertEquals(
        "stopped",
        SandboxProbe.regionGet(stack.source(), "/v1/apps/data-app")
            .path("app")
            .path("status")
            .asText());

    Migration aborted = migration.abort();
    assertEquals(MigrationStatus.ABORTED, aborted.status(), () -> "abort: " + aborted);
    assertEquals(List.of(), aborted.errors(), "every undo succeeded");

    assertFalse(Files.exists(backup), "abort deletes the backups of this migration");
    assertFalse(
        Files.exists(stack.backupDir().resolve(id)),
        "nothing of this migration is left in the backup store");
    assertNull(
        SandboxProbe.appConfiguration(stack.destination(), "data-app"),
        "the destination app is gone");
    JsonNode after = SandboxProbe.appConfiguration(stack.source(), "data-app");
    assertNotNull(after);
    assertEquals(before, after, "the source app runs again with its configuration and formation");
    assertEquals(
        sourceData,
        DatabaseFingerprint.of(SandboxProbe.databaseUrls(stack.source(), "data-app").get(0)));
  }

  private static String sourceAddonId(String app) {
    for (JsonNode addon :
        SandboxProbe.regionGet(stack.source(), "/v1/apps/" + app + "/addons").path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        return addon.path("id").asText();
      }
    }
    throw new AssertionError("app " + app + " has no postgresql addon");
  }

  /**
   * Where DirectoryBackupStore keeps the backup of one addon: {@code
   * <root>/<migrationId>/<addonId>}.
   */
  private static Path backupOf(String migrationId, String addonId) {
    return stack.backupDir().resolve(migrationId).resolve(addonId);
  }
}
