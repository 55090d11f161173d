package io.regionmove.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.regionmove.model.Migration;
import io.regionmove.model.MigrationStatus;
import io.regionmove.workflows.AppMigrationWorkflow;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole migrations with the data step: real pg_dump and pg_restore between two regions. */
class MigrationWithDataIT {

  private static final int ROWS = 10_000;

  private static RegionmoveTestStack stack;

  @BeforeAll
  static void startStack() {
    stack = RegionmoveTestStack.startOnDevServer();
    stack.startWorker();
  }

  @AfterAll
  static void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void dataThenFinalizeMovesEveryRowAndKeepsTheBackup() {
    stack.seedSourceApp("my-app", ROWS);
    List<String> sourceDatabases = stack.databaseUrls(stack.source(), "my-app");
    assertEquals(1, sourceDatabases.size());
    Map<String, DatabaseFingerprints.Table> sourceData = DatabaseFingerprints.of(sourceDatabases.get(0));
    assertEquals(ROWS, sourceData.values().stream().mapToLong(DatabaseFingerprints.Table::rows).sum());

    AppMigrationWorkflow migration = stack.startMigration("my-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());

    Migration data = migration.data();
    assertEquals(MigrationStatus.DATA_MIGRATED, data.status(), () -> "data: " + data);
    List<String> destinationDatabases = stack.databaseUrls(stack.destination(), "my-app");
    assertEquals(1, destinationDatabases.size(), "one postgresql addon provisioned in the destination");
    assertEquals(sourceData, DatabaseFingerprints.of(destinationDatabases.get(0)));
    Path backup = backupOf(id, sourceAddonId("my-app"));
    assertTrue(Files.isRegularFile(backup.resolve("manifest.json")), "the data step keeps its backup: " + backup);

    Migration done = migration.finalizeMigration();
    assertEquals(MigrationStatus.DONE, done.status(), () -> "finalize: " + done);
    String newUrl = stack.destination().routerUrl("my-app");
    HttpResponse<String> old = stack.routerGet(stack.source().routerUrl("my-app"));
    assertEquals(308, old.statusCode(), old::body);
    assertEquals(newUrl, old.headers().firstValue("Location").orElse(null));
    assertEquals(200, stack.routerGet(newUrl).statusCode());
    assertEquals(sourceData, DatabaseFingerprints.of(destinationDatabases.get(0)), "the data is untouched by finalize");
    // SPEC §2: only an abort deletes the backups; a finished migration keeps them.
    assertTrue(Files.isRegularFile(backup.resolve("manifest.json")), "the backup is kept after done");
  }

  @Test
  void abortAfterDataDeletesBackupsDropsTheDestinationAndRestartsTheSource() {
    stack.seedSourceApp("data-app", 1_000);
    JsonNode before = stack.appConfiguration(stack.source(), "data-app");
    Map<String, DatabaseFingerprints.Table> sourceData =
        DatabaseFingerprints.of(stack.databaseUrls(stack.source(), "data-app").get(0));

    AppMigrationWorkflow migration = stack.startMigration("data-app");
    String id = RegionmoveTestStack.awaitPreflightSuccess(migration).id();
    assertEquals(MigrationStatus.PREPARED, migration.prepare().status());
    Migration data = migration.data();
    assertEquals(MigrationStatus.DATA_MIGRATED, data.status(), () -> "data: " + data);
    Path backup = backupOf(id, sourceAddonId("data-app"));
    assertTrue(Files.isDirectory(backup));
    assertEquals("stopped", stack.regionGet(stack.source(), "/v1/apps/data-app").path("app").path("status").asText());

    Migration aborted = migration.abort();
    assertEquals(MigrationStatus.ABORTED, aborted.status(), () -> "abort: " + aborted);
    assertEquals(List.of(), aborted.errors(), "every undo succeeded");

    assertFalse(Files.exists(backup), "abort deletes the backups of this migration");
    assertFalse(Files.exists(stack.backupDir().resolve(id)), "nothing of this migration is left in the backup store");
    assertNull(stack.appConfiguration(stack.destination(), "data-app"), "the destination app is gone");
    JsonNode after = stack.appConfiguration(stack.source(), "data-app");
    assertNotNull(after);
    assertEquals(before, after, "the source app runs again with its configuration and formation");
    assertEquals(sourceData, DatabaseFingerprints.of(stack.databaseUrls(stack.source(), "data-app").get(0)));
  }

  private static String sourceAddonId(String app) {
    for (JsonNode addon : stack.regionGet(stack.source(), "/v1/apps/" + app + "/addons").path("addons")) {
      if ("postgresql".equals(addon.path("provider").asText())) {
        return addon.path("id").asText();
      }
    }
    throw new AssertionError("app " + app + " has no postgresql addon");
  }

  /** Where DirectoryBackupStore keeps the backup of one addon: {@code <root>/<migrationId>/<addonId>}. */
  private static Path backupOf(String migrationId, String addonId) {
    return stack.backupDir().resolve(migrationId).resolve(addonId);
  }
}
